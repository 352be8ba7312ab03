package io.hpo.driver;

import io.hpo.aggregator.cli.ResultsCli;
import io.hpo.aggregator.results.BestTrial;
import io.hpo.aggregator.results.Results;
import io.hpo.driver.history.RecordedSearch;
import io.hpo.events.TrialStatus;
import io.hpo.space.FineTuneMode;
import io.hpo.space.Hyperparameters;
import io.hpo.space.checkpoint.CheckpointFile;
import io.hpo.space.checkpoint.CheckpointManifest;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import io.hpo.worker.data.DataException;
import io.hpo.worker.data.QuestionFormationCorpus;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transfer learning end to end on Spark local[2] with the real broker, store and aggregator: a search pretrains on
 * question formation and saves its model; on negation, a search that starts from that model ({@code from_trial})
 * reaches a lower validation loss than one that trains from scratch with the same step budget, and the results
 * store names the saved models.
 */
class FineTuningEndToEndTest {
    private static final int PRETRAIN_STEPS = 120;
    private static final int FINE_TUNE_STEPS = 60;
    private static final String ARCHITECTURE = """
              layers: 2
              width: 32
              heads: 2
              mlp_multiplier: 2
              seq_length: 24
            """;

    private static Path dir;
    private static ResultsStack stack;
    private static JavaSparkContext sc;
    private static SearchOutcome pretrain;
    private static SearchOutcome scratch;
    private static SearchOutcome fineTune;

    /** One shape for every search here: the same data size, training settings and checkpoint folder. */
    private static SearchSpec spec(String name, String task, int trials, int steps, String init, String space) {
        return SpecLoader.parse("name: " + name + "\n"
                + "seed: 3\n"
                + "data: {source: demo, demo_sentences: 1500, demo_task: " + task + "}\n"
                + "strategy: {type: grid}\n"
                + "budget: {max_trials: " + trials + ", max_concurrent_trials: 2, max_steps_per_trial: " + steps
                + ", max_wall_time: 20m}\n"
                + "training: {workers: 2, averaging_frequency: 10, eval_every: 20, eval_batches: 4}\n"
                + "checkpoints: {dir: checkpoints, save: best}\n"
                + init
                + "space:\n  learning_rate: 3.0e-3\n  batch_size: 8\n" + space, name + ".yaml", dir);
    }

    private static SearchOutcome run(SearchSpec spec, String searchId) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SearchOutcome outcome = new SearchRunner(sc, stack.bus(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new DriverMetrics(), 0).run(spec, searchId, RecordedSearch.none(searchId));
        System.out.print(out.toString(StandardCharsets.UTF_8));
        long steps = outcome.trials().stream().mapToLong(t -> t.result().steps() * spec.training().workers()).sum();
        stack.awaitStored(searchId, steps);
        return outcome;
    }

    @BeforeAll
    static void runSearches() throws Exception {
        dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "fine-tuning-e2e-");
        stack = ResultsStack.start(dir);
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("fine-tuning-e2e")
                .set("spark.ui.enabled", "false"));
        long started = System.nanoTime();
        pretrain = run(spec("pretrain", "question_formation", 1, PRETRAIN_STEPS, "", ARCHITECTURE), "pretrain-search");
        scratch = run(spec("scratch", "negation", 1, FINE_TUNE_STEPS, "", ARCHITECTURE), "scratch-search");
        fineTune = run(spec("fine-tune", "negation", 2, FINE_TUNE_STEPS,
                "init: {from_trial: pretrain-search/trial-000}\n",
                "  fine_tune_mode: {choice: [full, feature_extraction]}\n"), "fine-tune-search");
        System.out.printf(Locale.ROOT, "fine-tuning e2e: three searches in %.0f s%n",
                (System.nanoTime() - started) / 1e9);
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.close();
        }
        if (stack != null) {
            stack.close();
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + dir + ": " + e);
        }
    }

    private static TrialSummary only(SearchOutcome outcome) {
        assertEquals(1, outcome.trials().size());
        return outcome.trials().get(0);
    }

    @Test
    void thePretrainedModelIsSavedWithItsConfigurationAndVocabulary() {
        TrialSummary trial = only(pretrain);
        assertEquals(TrialStatus.COMPLETED, trial.result().outcome(), trial.result().reason());
        Path saved = dir.resolve("checkpoints/pretrain-search/trial-000.zip");
        assertEquals(saved.toString(), trial.result().checkpoint());
        CheckpointManifest manifest = CheckpointFile.read(saved);
        assertEquals(trial.hyperparameters(), manifest.hyperparameters());
        assertEquals(QuestionFormationCorpus.tokenizer().symbols(), manifest.vocabulary());
        assertEquals(PRETRAIN_STEPS, manifest.steps());
    }

    @Test
    void fineTuningBeatsTrainingFromScratchOnTheSecondTaskAtTheSameStepBudget() {
        TrialSummary fromScratch = only(scratch);
        TrialSummary full = fineTune.trials().stream()
                .filter(t -> t.hyperparameters().fineTuneMode() == FineTuneMode.FULL).findFirst().orElseThrow();
        TrialSummary headOnly = fineTune.trials().stream()
                .filter(t -> t.hyperparameters().fineTuneMode() == FineTuneMode.FEATURE_EXTRACTION).findFirst()
                .orElseThrow();
        for (TrialSummary t : new TrialSummary[]{fromScratch, full, headOnly}) {
            assertEquals(TrialStatus.COMPLETED, t.result().outcome(), t.result().reason());
            assertEquals(FINE_TUNE_STEPS, t.result().steps());
        }
        // the architecture came from the checkpoint, not from the defaults
        Hyperparameters pretrained = only(pretrain).hyperparameters();
        assertEquals(pretrained.layers(), full.hyperparameters().layers());
        assertEquals(pretrained.width(), full.hyperparameters().width());
        System.out.printf(Locale.ROOT, "negation after %d steps (2 workers): from scratch %.4f, fine-tuned (full) %.4f,"
                        + " feature extraction %.4f; pretrained %d steps on question formation%n", FINE_TUNE_STEPS,
                fromScratch.result().bestValLoss(), full.result().bestValLoss(), headOnly.result().bestValLoss(),
                PRETRAIN_STEPS);
        assertTrue(full.result().bestValLoss() < fromScratch.result().bestValLoss(),
                "fine-tuned " + full.result().bestValLoss() + " vs from scratch " + fromScratch.result().bestValLoss());
    }

    @Test
    void theStoreNamesTheWinnersSavedModel() throws Exception {
        BestTrial best = new Results(stack.store()).best("fine-tune-search");
        TrialSummary winner = fineTune.trials().stream().filter(t -> t.trialId().equals(best.trialId())).findFirst()
                .orElseThrow();
        assertEquals(winner.result().checkpoint(), best.checkpoint());
        assertEquals(dir.resolve("checkpoints/fine-tune-search/" + best.trialId() + ".zip").toString(),
                best.checkpoint());
        assertEquals(winner.hyperparameters(), CheckpointFile.read(Path.of(best.checkpoint())).hyperparameters());
        // the winner's spec reruns it from the same pretrained model
        SearchSpec rerun = SpecLoader.parse(best.spec(), "best.yaml", dir);
        assertEquals(dir.resolve("checkpoints/pretrain-search/trial-000.zip").toString(),
                rerun.initial().orElseThrow().checkpoint());

        // what ./hpo best prints
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new ResultsCli(stack.config(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run("best", List.of("fine-tune-search"));
        String printed = err.toString(StandardCharsets.UTF_8) + out.toString(StandardCharsets.UTF_8);
        System.out.print("./hpo best fine-tune-search:\n" + printed);
        assertEquals(ResultsCli.OK, code, printed);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("model saved at " + best.checkpoint()), printed);
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("# trained model, for init: {checkpoint: ...}: "
                + best.checkpoint() + "\n"), printed);
    }

    @Test
    void dataOutsideTheCheckpointsVocabularyStopsTheSearchBeforeAnyTrial() throws IOException {
        Path text = Files.writeString(dir.resolve("shouting.txt"), "THE DOG WILL RUN .\n".repeat(2000));
        SearchSpec spec = SpecLoader.parse("""
                name: shouting
                data: {source: shouting.txt}
                checkpoints: {dir: checkpoints}
                init: {checkpoint: checkpoints/pretrain-search/trial-000.zip}
                space: {batch_size: 8}
                """, "shouting.yaml", dir);
        DataException e = assertThrows(DataException.class, () -> SearchData.load(spec, sc));
        assertTrue(e.getMessage().startsWith(text + " has 12 characters outside the vocabulary of checkpoint "
                + dir.resolve("checkpoints/pretrain-search/trial-000.zip")), e.getMessage());
    }
}
