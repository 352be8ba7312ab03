package io.hpo.driver;

import io.hpo.aggregator.store.Curve;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.StoredTrial;
import io.hpo.space.Hyperparameters;
import io.hpo.space.sampler.FinishedTrial;
import io.hpo.space.sampler.Sampler;
import io.hpo.space.sampler.Samplers;
import io.hpo.space.sampler.SearchHistory;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * strategy.warm_start through the real driver, Kafka, aggregator and PostgreSQL, in-process on Spark local[2]:
 * search A runs 3 tiny trials; search B (TPE, startup_trials 2, multi_fidelity) warm-started from A runs exactly its
 * own 2 trials, and its first trial is what a TPE given A's stored trials (with their evaluations) suggests, not the
 * start-up design's point a cold TPE starts with: A's trials reached B's model through the aggregator's API. An
 * aggregator that does not answer, and an unknown search id, end the driver with one line and exit code 2 before
 * Spark starts (nothing of the search reaches the store). One stack and one test: starting them is most of its time.
 */
class WarmStartEndToEndTest {
    private static final String COMMON = """
            data: {source: demo, demo_sentences: 400}
            budget: {max_trials: %d, max_concurrent_trials: 1, max_steps_per_trial: 10, max_wall_time: 10m}
            training: {workers: 1, averaging_frequency: 5, eval_every: 5, eval_batches: 1}
            """ + TinyModel.space("{log_uniform: [1.0e-4, 1.0e-2]}");
    private static final String SPEC_A = "name: a\nseed: 4\nstrategy: {type: random}\n" + COMMON.formatted(3);
    private static final String SPEC_B = "name: b\nseed: 5\nstrategy: {type: tpe, startup_trials: 2,"
            + " multi_fidelity: true, warm_start: [%s]}\n" + COMMON.formatted(2);

    @Test
    void searchBLearnsFromSearchAsTrialsAndRunsOnlyItsOwnBudget(@TempDir Path dir) throws Exception {
        try (ResultsStack stack = ResultsStack.start(dir)) {
            Map<String, String> props = Map.of("spark.hpo.kafka.bootstrap.servers", stack.bootstrapServers(),
                    "spark.hpo.driver.aggregator.url", stack.aggregator().url(),
                    "spark.master", "local[2]", "spark.ui.enabled", "false");
            props.forEach(System::setProperty);
            try {
                Path specA = Files.writeString(dir.resolve("a.yaml"), SPEC_A);
                Path specB = Files.writeString(dir.resolve("b.yaml"), SPEC_B.formatted("warm-a"));
                ResultsStore store = stack.store();

                String nobody = "http://127.0.0.1:" + freePort();
                System.setProperty("spark.hpo.driver.aggregator.url", nobody);
                Console unreachable = Console.of(() -> SearchDriverMain.run(new String[]{specB.toString(),
                        "--search-id", "b-too-early"}));
                System.setProperty("spark.hpo.driver.aggregator.url", stack.aggregator().url());
                assertEquals(2, unreachable.exit(), unreachable.err());
                assertTrue(unreachable.err().startsWith("error: warm start: cannot reach the aggregator at " + nobody
                        + " (hpo.driver.aggregator.url): "), unreachable.err());
                assertEquals(1, unreachable.err().lines().count(), unreachable.err());

                Console unknown = Console.of(() -> SearchDriverMain.run(new String[]{specB.toString(),
                        "--search-id", "b-too-early"}));
                assertEquals(2, unknown.exit(), unknown.err());
                assertEquals("error: warm start: no search 'warm-a' in the results store (aggregator "
                        + stack.aggregator().url() + ")", unknown.err().strip());
                // the driver names the search just before it starts Spark
                assertFalse(unknown.out().contains("search b-too-early from"), unknown.out());
                assertFalse(unreachable.out().contains("search b-too-early from"), unreachable.out());

                Console a = Console.of(() -> SearchDriverMain.run(new String[]{specA.toString(), "--search-id",
                        "warm-a"}));
                assertEquals(0, a.exit(), a.err());
                stack.awaitStored("warm-a", 3 * 10);

                Console b = Console.of(() -> SearchDriverMain.run(new String[]{specB.toString(), "--search-id",
                        "warm-b"}));
                assertEquals(0, b.exit(), b.err() + b.out());
                assertTrue(b.out().contains("warm start: 3 trials from warm-a\n"), b.out());
                assertTrue(b.out().contains("the sampler also learns from 3 warm-start trials"), b.out());
                stack.awaitStored("warm-b", 2 * 10);

                List<StoredTrial> bTrials = byTrialId(store.rankedTrials("warm-b"));
                assertEquals(2, bTrials.size(), "B ran its own max_trials, the warm trials counted towards none");
                SearchSpec spec = SpecLoader.parse(SPEC_B.formatted("warm-a"), "b.yaml");
                Sampler tpe = Samplers.forSpec(spec);
                Hyperparameters first = Hyperparameters.fromMap(bTrials.get(0).config());
                assertEquals(tpe.suggest(new SearchHistory(finished(store, "warm-a"), List.of())).orElseThrow(),
                        first, "B's first trial is what TPE suggests from A's stored trials");
                assertNotEquals(tpe.suggest(SearchHistory.empty()).orElseThrow(), first,
                        "a cold TPE would have started with its start-up design");
                assertEquals(Optional.empty(), store.search("b-too-early"), "the refused search published nothing");
            } finally {
                props.keySet().forEach(System::clearProperty);
            }
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    /** The search's stored trials as a sampler learns them, in trial id order, with their evaluations. */
    private static List<FinishedTrial> finished(ResultsStore store, String searchId) throws Exception {
        List<FinishedTrial> trials = new ArrayList<>();
        for (StoredTrial t : byTrialId(store.rankedTrials(searchId))) {
            NavigableMap<Long, Double> evaluations = new TreeMap<>();
            Curve curve = store.curve(searchId, t.trialId()).orElseThrow();
            curve.evaluations().forEach(e -> evaluations.put(e.step(), e.valLoss()));
            trials.add(new FinishedTrial(Hyperparameters.fromMap(t.config()), t.bestValLoss(), t.finalStep(),
                    evaluations));
        }
        assertFalse(trials.isEmpty());
        trials.forEach(t -> assertFalse(t.evaluations().isEmpty(), "evaluations stored"));
        return trials;
    }

    private static List<StoredTrial> byTrialId(List<StoredTrial> trials) {
        return trials.stream().sorted(Comparator.comparing(StoredTrial::trialId)).toList();
    }

    /** A driver run's exit code and what it printed. */
    private record Console(int exit, String out, String err) {
        static Console of(IntSupplier run) {
            PrintStream oldOut = System.out;
            PrintStream oldErr = System.err;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit;
            try {
                exit = run.getAsInt();
            } finally {
                System.setOut(oldOut);
                System.setErr(oldErr);
            }
            return new Console(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)
                    .lines().filter(line -> !line.startsWith("SLF4J:")).reduce("", (x, y) -> x + y + "\n"));
        }
    }
}
