package io.hpo.space.sampler;

import io.hpo.space.Hyperparameter;
import io.hpo.space.Hyperparameters;
import io.hpo.space.Schedule;
import io.hpo.space.spec.ParamSpec;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hyperparameters searched only under some choices of another ({@code when}, {@code otherwise}). */
class ConditionalSpaceTest {

    /** Warm-up searched only with the linear schedule (else none); 4 heads only at width 64 (else 2). */
    private static final String SPACE = """
            space:
              learning_rate: {log_uniform: [1.0e-4, 1.0e-2]}
              warmup_steps: {int: [1, 20], when: {schedule: [linear]}, otherwise: 0}
              schedule: {choice: [constant, linear, cosine]}
              width: {choice: [32, 64]}
              heads: {choice: [2, 4], when: {width: 64}, otherwise: 2}
            """;

    private static SearchSpec spec(String strategy, long seed, String space) {
        return SpecLoader.parse("name: conditional\nseed: " + seed + "\nstrategy:\n  type: " + strategy
                + "\n  startup_trials: 8\n" + space, "conditional");
    }

    /** Best at learning_rate 2e-3, linear with 8 warm-up steps, width 64 with 4 heads. */
    private static double loss(Hyperparameters hp) {
        double lr = Math.log10(hp.learningRate() / 2e-3);
        double warmup = hp.schedule() == Schedule.LINEAR ? Math.pow((hp.warmupSteps() - 8) / 10.0, 2) : 0.3;
        double shape = hp.width() == 64 ? (hp.heads() == 4 ? 0 : 0.1) : 0.2;
        return lr * lr + warmup + shape;
    }

    private static List<Hyperparameters> search(SearchSpec spec, int trials) {
        Sampler sampler = Samplers.forSpec(spec);
        List<FinishedTrial> finished = new ArrayList<>();
        List<Hyperparameters> suggested = new ArrayList<>();
        for (int i = 0; i < trials; i++) {
            Optional<Hyperparameters> next = sampler.suggest(new SearchHistory(finished, List.of()));
            if (next.isEmpty()) {
                break;
            }
            suggested.add(next.get());
            finished.add(new FinishedTrial(next.get(), loss(next.get()), 100));
        }
        return suggested;
    }

    private static void assertSettled(Hyperparameters hp) {
        if (hp.schedule() == Schedule.LINEAR) {
            assertTrue(hp.warmupSteps() >= 1 && hp.warmupSteps() <= 20, hp.toString());
        } else {
            assertEquals(0, hp.warmupSteps(), hp.toString());
        }
        if (hp.width() == 32) {
            assertEquals(2, hp.heads(), hp.toString());
        }
    }

    @Test
    void readsTheConditionAndItsOtherwiseValue() {
        SearchSpec spec = spec("random", 1, SPACE);

        assertEquals(new ParamSpec.Conditional(new ParamSpec.IntRange(1, 20), Hyperparameter.SCHEDULE.name(),
                List.of("linear"), 0), spec.space().get(Hyperparameter.WARMUP_STEPS.name()));
        assertEquals(new ParamSpec.Conditional(new ParamSpec.Choice(List.of(2, 4)), Hyperparameter.WIDTH.name(),
                List.of(64), 2), spec.space().get(Hyperparameter.HEADS.name()));
        // without otherwise, the default; one parent value may be written bare
        SearchSpec defaulted = spec("random", 1, """
                space:
                  schedule: {choice: [constant, cosine]}
                  dropout: {uniform: [0.1, 0.3], when: {schedule: cosine}}
                """);
        assertEquals(new ParamSpec.Conditional(new ParamSpec.Uniform(0.1, 0.3), Hyperparameter.SCHEDULE.name(),
                List.of("cosine"), 0.0), defaulted.space().get(Hyperparameter.DROPOUT.name()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "tpe", "gp"})
    void everySamplerSearchesAConditionalHyperparameterOnlyUnderItsParent(String strategy) {
        List<Hyperparameters> trials = search(spec(strategy, 3, SPACE), 40);

        assertEquals(40, trials.size());
        assertEquals(40, new HashSet<>(trials).size(), "no configuration twice");
        trials.forEach(ConditionalSpaceTest::assertSettled);
        Set<Integer> warmups = new HashSet<>();
        trials.stream().filter(hp -> hp.schedule() == Schedule.LINEAR).forEach(hp -> warmups.add(hp.warmupSteps()));
        assertTrue(warmups.size() >= 3, strategy + " searched warm-up at " + warmups);
        assertTrue(trials.stream().anyMatch(hp -> hp.heads() == 4), strategy);
    }

    @Test
    void aGridVisitsEachConditionalValueOnlyWhereItsParentAllowsIt() {
        List<Hyperparameters> grid = search(spec("grid", 1, SPACE), 1000);

        // 3 rates * (constant, cosine, linear at warm-ups 1, 11 and 20) * (32/2, 64/2, 64/4)
        assertEquals(3 * 5 * 3, grid.size());
        assertEquals(grid.size(), new HashSet<>(grid).size());
        grid.forEach(ConditionalSpaceTest::assertSettled);
    }

    @Test
    void aFiniteSpaceEndsAfterItsDistinctConfigurations() {
        String finite = """
                space:
                  warmup_steps: {int: [1, 3], when: {schedule: [linear]}, otherwise: 0}
                  schedule: {choice: [constant, linear, cosine]}
                  width: {choice: [32, 64]}
                  heads: {choice: [2, 4], when: {width: [64]}, otherwise: 2}
                """;
        for (String strategy : new String[]{"random", "tpe"}) {
            List<Hyperparameters> all = search(spec(strategy, 5, finite), 100);

            // (constant, cosine, linear with 1, 2 or 3) * (32/2, 64/2, 64/4)
            assertEquals(5 * 3, all.size(), strategy);
            assertEquals(all.size(), new HashSet<>(all).size(), strategy);
        }
    }

    @Test
    void tpeSeesAnExcludedHyperparameterAsMissingAndEachParentBeforeItsChildren() {
        Coordinates coordinates = new Coordinates(spec("tpe", 1, SPACE).space());
        List<String> names = coordinates.dimensions().stream().map(d -> d.name()).toList();
        int warmup = names.indexOf(Hyperparameter.WARMUP_STEPS.name());
        int schedule = names.indexOf(Hyperparameter.SCHEDULE.name());

        assertEquals(schedule, coordinates.dimensions().get(warmup).parent());
        assertTrue(schedule < warmup
                && names.indexOf(Hyperparameter.WIDTH.name()) < names.indexOf(Hyperparameter.HEADS.name()));
        Hyperparameters cosine = search(spec("random", 1, SPACE), 40).stream()
                .filter(hp -> hp.schedule() == Schedule.COSINE).findFirst().orElseThrow();
        double[] point = coordinates.encode(cosine);
        assertTrue(Double.isNaN(point[warmup]));
        assertFalse(Double.isNaN(point[schedule]));
    }

    @Test
    void modelBasedSamplersFindTheConditionalOptimumSoonerThanRandomSearch() {
        double[] mean = new double[3];
        String[] strategies = {"random", "tpe", "gp"};
        int seeds = 5;
        for (int s = 0; s < strategies.length; s++) {
            for (long seed = 1; seed <= seeds; seed++) {
                mean[s] += search(spec(strategies[s], seed, SPACE), 40).stream()
                        .mapToDouble(ConditionalSpaceTest::loss).min().orElseThrow() / seeds;
            }
        }
        String figures = String.format("mean best over %d seeds: random %.3f, tpe %.3f, gp %.3f", seeds, mean[0],
                mean[1], mean[2]);
        System.out.println("conditional space, 40 trials: " + figures);
        assertTrue(mean[1] < mean[0] && mean[2] < mean[0], figures);
    }

    @Test
    void aConstraintMetOnlyWhereTheParentExcludesTheHyperparameterIsFeasible() {
        SearchSpec spec = spec("random", 1, """
                space:
                  warmup_steps: {int: [5, 9], when: {schedule: [linear]}, otherwise: 0}
                  schedule: {choice: [constant, linear]}
                constraints:
                  - warmup_steps < 5
                """);

        List<Hyperparameters> all = search(spec, 100);

        assertEquals(List.of(Schedule.CONSTANT), all.stream().map(Hyperparameters::schedule).toList());
    }
}
