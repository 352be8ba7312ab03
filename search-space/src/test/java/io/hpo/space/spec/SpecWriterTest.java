package io.hpo.space.spec;

import io.hpo.space.Hyperparameters;
import io.hpo.space.Optimizer;
import io.hpo.space.Schedule;
import io.hpo.space.sampler.Sampler;
import io.hpo.space.sampler.Samplers;
import io.hpo.space.sampler.SearchHistory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.hpo.space.Hyperparameter.DROPOUT;
import static io.hpo.space.Hyperparameter.GRAD_CLIP;
import static io.hpo.space.Hyperparameter.HEADS;
import static io.hpo.space.Hyperparameter.LAYERS;
import static io.hpo.space.Hyperparameter.LEARNING_RATE;
import static io.hpo.space.Hyperparameter.OPTIMIZER;
import static io.hpo.space.Hyperparameter.SCHEDULE;
import static io.hpo.space.Hyperparameter.SEQ_LENGTH;
import static io.hpo.space.Hyperparameter.WARMUP_STEPS;
import static io.hpo.space.Hyperparameter.WEIGHT_DECAY;
import static io.hpo.space.Hyperparameter.WIDTH;

class SpecWriterTest {

    private static final SearchSpec DEMO = SpecLoader.load(Path.of("..", "examples", "demo.yaml"));

    private static void assertRoundTrips(SearchSpec spec, Hyperparameters hp) {
        String yaml = SpecWriter.withFixed(spec, hp);
        SearchSpec fixed = SpecLoader.parse(yaml, "best.yaml");

        Sampler sampler = Samplers.forSpec(fixed);
        assertEquals(Optional.of(hp), sampler.suggest(SearchHistory.empty()), yaml);
        assertEquals(Optional.empty(), sampler.suggest(SearchHistory.empty()));
        assertEquals(spec.data(), fixed.data());
        assertEquals(spec.training(), fixed.training());
        assertEquals(spec.seed(), fixed.seed());
        assertEquals(new BudgetSpec(1, 1, spec.budget().maxStepsPerTrial(), spec.budget().maxWallTime()),
                fixed.budget());
        assertEquals(StrategyType.RANDOM, fixed.strategy().type());
        assertTrue(fixed.space().values().stream().allMatch(p -> p instanceof ParamSpec.Fixed));
    }

    @Test
    void writesASpecThatReproducesTheConfiguration() {
        Hyperparameters best = Samplers.forSpec(DEMO).suggest(SearchHistory.empty()).orElseThrow();

        assertRoundTrips(DEMO, best);
        assertEquals("demo-best", SpecLoader.parse(SpecWriter.withFixed(DEMO, best), "best").name());
    }

    @Test
    void keepsAwkwardDoublesBitForBit() {
        // integers large but within what one trial may use (SpecLimits.MAX_TRIAL_MEMORY_BYTES)
        Hyperparameters awkward = Hyperparameters.builder().set(LEARNING_RATE, 1.2345678901234567E-4)
                .set(WARMUP_STEPS, 0).set(SCHEDULE, Schedule.LINEAR).set(DROPOUT, 0.1 + 0.2)
                .set(WEIGHT_DECAY, 9.999999999999999).set(LAYERS, 8).set(WIDTH, 1024).set(HEADS, 16)
                .set(SEQ_LENGTH, 512).set(OPTIMIZER, Optimizer.NESTEROVS).set(GRAD_CLIP, 1.0E-7).build();

        assertRoundTrips(DEMO, awkward);
    }

    @Test
    void quotesDataPathsAndKeepsTheBestSuffixSingle(@TempDir Path dir) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("a: \"b\" #c"));
        Files.writeString(folder.resolve("corpus.txt"), "text\n");
        SearchSpec spec = SpecLoader.parse("name: run-best\ndata:\n  source: " + SpecWriter.quoted(folder.toString())
                + "\n", "inline");
        Hyperparameters hp = Hyperparameters.defaults();

        assertRoundTrips(spec, hp);
        assertEquals("run-best", SpecLoader.parse(SpecWriter.withFixed(spec, hp), "best").name());
    }

    @Test
    void theCanonicalSpecMeansExactlyWhatTheOriginalMeant() {
        for (String example : new String[]{"demo.yaml", "full.yaml"}) {
            SearchSpec original = SpecLoader.load(Path.of("..", "examples", example));
            SearchSpec recorded = SpecLoader.parseRecorded(SpecWriter.canonical(original), "recorded " + example);
            assertEquals(original.name(), recorded.name());
            assertEquals(original.seed(), recorded.seed());
            assertEquals(original.data(), recorded.data());
            assertEquals(original.space(), recorded.space(), example);
            assertEquals(original.constraints().stream().map(Constraint::text).toList(),
                    recorded.constraints().stream().map(Constraint::text).toList());
            assertEquals(original.strategy(), recorded.strategy());
            assertEquals(original.pruner(), recorded.pruner());
            assertEquals(original.budget(), recorded.budget());
            assertEquals(original.training(), recorded.training());
        }
    }

    @Test
    void aPrunerIsRecordedWithEverySetting() {
        SearchSpec spec = SpecLoader.parse("name: h\npruner: {type: hyperband, min_steps: 25, reduction_factor: 2,"
                + " brackets: 3}\n", "h");

        assertEquals(spec.pruner(), SpecLoader.parseRecorded(SpecWriter.canonical(spec), "recorded").pruner());
        assertFalse(SpecWriter.canonical(SpecLoader.parse("name: n\n", "n")).contains("pruner"));
    }

    @Test
    void aSearchRecordedBeforePrunersWereWrittenStillMatchesItsSpec() {
        SearchSpec asha = SpecLoader.parse("name: a\nstrategy: {type: tpe, startup_trials: 4}\n"
                + "pruner: {type: asha, min_steps: 20}\n", "a");
        String current = SpecWriter.canonical(asha);
        // what the writer recorded before: neither the pruner nor the sampler's settings
        String older = current.replaceAll("(?m)^pruner:\n(  .*\n)*", "").replaceAll("(?m)^  (startup_trials|"
                + "ei_candidates|gamma|multivariate|multi_fidelity): .*\n", "");

        assertTrue(SpecWriter.records(current, asha));
        assertTrue(SpecWriter.records(older, asha));
        SearchSpec median = SpecLoader.parse("name: a\nstrategy: {type: tpe, startup_trials: 4}\n"
                + "pruner: {type: median}\n", "a");
        assertFalse(SpecWriter.records(current, median), "a recorded pruner must match");
        assertFalse(SpecWriter.records(older, SpecLoader.parse("name: a\nseed: 9\n", "a")));
    }

    @Test
    void theModelSettingsAreRecordedUnlessTheyAreTheDefaults() {
        SearchSpec spec = SpecLoader.parse("name: bohb\nstrategy: {type: tpe, startup_trials: 4, ei_candidates: 48,"
                + " gamma: 0.2, multivariate: false, multi_fidelity: true}\n", "bohb");

        assertEquals(spec.strategy(), SpecLoader.parseRecorded(SpecWriter.canonical(spec), "recorded").strategy());
        assertTrue(spec.strategy().gp().multiFidelity());
        assertFalse(SpecWriter.canonical(SpecLoader.parse("name: n\nstrategy: {type: tpe}\n", "n"))
                .contains("multi_fidelity"));
    }

    @Test
    void aRecordedSpecReadsBackWhereItsDataIsAbsent(@TempDir Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("corpus.txt"), "some text ".repeat(100));
        Files.writeString(dir.resolve("spec.yaml"), "name: local\ndata:\n  source: corpus.txt\n");
        String recorded = SpecWriter.canonical(SpecLoader.load(dir.resolve("spec.yaml")));
        Files.delete(text);

        assertEquals(text.toString(), SpecLoader.parseRecorded(recorded, "recorded").data().source());
        SpecException e = org.junit.jupiter.api.Assertions.assertThrows(SpecException.class,
                () -> SpecLoader.parse(recorded, "resubmitted"));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void aSearchRecordedBeforeTheOuterOptimizerExistedReadsBackAsPlainAveraging() {
        String yaml = "name: old\ntraining:\n  workers: 2\n";
        SearchSpec recorded = SpecLoader.parseRecorded(yaml, "recorded before outer_optimizer");

        assertEquals(OuterOptimizerSpec.average(), recorded.training().outerOptimizer());
        assertFalse(SpecWriter.canonical(recorded).contains("outer_optimizer"));
    }

    @Test
    void aNesterovOuterOptimizerIsRecordedWithItsSettings() {
        SearchSpec spec = SpecLoader.parse("name: n\ntraining:\n  workers: 4\n  outer_optimizer: {type: nesterov, "
                + "learning_rate: 0.9, momentum: 0.25}\n", "n");

        String canonical = SpecWriter.canonical(spec);

        assertTrue(canonical.contains("outer_optimizer: {type: nesterov, learning_rate: 0.9, momentum: 0.25}"),
                canonical);
        assertEquals(spec.training(), SpecLoader.parseRecorded(canonical, "recorded").training());
    }
}
