package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sampler restored from a stopped search's history, with nothing replayed: a fresh sampler given the first n
 * suggestions (some finished, some running, in no particular order) goes on with suggestions n + 1, n + 2, ... of a
 * sampler that never stopped, and a finite space ends at the same point.
 */
class ResumedSamplerTest {

    private static final String CONTINUOUS = """
            space:
              learning_rate: {log_uniform: [1.0e-4, 1.0e-2]}
              dropout: {uniform: [0.0, 0.2]}
              warmup_steps: {int: [0, 50]}
              width: {choice: [32, 64]}
              heads: {choice: [2, 4]}
            """;
    /** 15 configurations; late ones are found by draws that keep hitting used ones. */
    private static final String FINITE = """
            space:
              width: {choice: [32, 48]}
              heads: {choice: [2, 3, 4]}
              layers: {int: [1, 3]}
            """;
    /** 12 feasible configurations of 40,000: most suggestions are the fallback's picks after 1,000 failed draws. */
    private static final String FINITE_SPARSE = """
            space:
              warmup_steps: {int: [0, 19999]}
              width: {choice: [32, 64]}
              heads: 2
            constraints:
              - warmup_steps < 6
            """;
    private static final String FINITE_CONSTRAINED = """
            space:
              width: {choice: [24, 32, 40]}
              heads: {choice: [1, 2, 3, 4, 8]}
              layers: {int: [1, 4]}
            constraints:
              - heads <= layers
            """;
    private static final String CONDITIONAL = """
            space:
              learning_rate: {log_uniform: [1.0e-4, 1.0e-2]}
              warmup_steps: {int: [1, 3], when: {schedule: [linear]}, otherwise: 0}
              schedule: {choice: [constant, linear, cosine]}
              width: {choice: [32, 64]}
              heads: {choice: [2, 4], when: {width: [64]}, otherwise: 2}
            """;
    /** Two grid points of 4 heads at width 32 settle to 2 heads, a configuration the grid has already. */
    private static final String CONDITIONAL_FINITE = """
            space:
              warmup_steps: {int: [1, 3], when: {schedule: [linear]}, otherwise: 0}
              schedule: {choice: [constant, linear, cosine]}
              width: {choice: [32, 64]}
              heads: {choice: [2, 4], when: {width: [64]}, otherwise: 2}
            """;

    private static String space(String name) {
        return switch (name) {
            case "continuous" -> CONTINUOUS;
            case "finite" -> FINITE;
            case "finiteSparse" -> FINITE_SPARSE;
            case "finiteConstrained" -> FINITE_CONSTRAINED;
            case "conditional" -> CONDITIONAL;
            case "conditionalFinite" -> CONDITIONAL_FINITE;
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static SearchSpec spec(String strategy, String space, long seed) {
        return SpecLoader.parse("name: resumed\nseed: " + seed + "\nstrategy:\n  type: " + strategy
                + "\n  grid_points: 3\n  startup_trials: 12\n" + space(space), "resumed");
    }

    /**
     * Up to {@code limit} suggestions after {@code before}, each asked with the earlier ones running, as the driver
     * asks; only {@code before} is split into finished (every other one, latest first) and running.
     */
    private static List<Hyperparameters> goOn(Sampler sampler, List<Hyperparameters> before, int limit) {
        List<FinishedTrial> finished = new ArrayList<>();
        List<Hyperparameters> running = new ArrayList<>();
        for (int i = before.size() - 1; i >= 0; i--) {
            if (i % 2 == 0) {
                finished.add(new FinishedTrial(before.get(i), i, 100));
            } else {
                running.add(0, before.get(i));
            }
        }
        List<Hyperparameters> out = new ArrayList<>();
        while (out.size() < limit) {
            Optional<Hyperparameters> next = sampler.suggest(new SearchHistory(finished, running));
            if (next.isEmpty()) {
                break;
            }
            out.add(next.get());
            running.add(next.get());
        }
        return out;
    }

    @ParameterizedTest(name = "{0} on a {1} space, seed {2}")
    @CsvSource({
            "random, continuous, 42", "random, continuous, 7",
            "random, finite, 42", "random, finite, 3",
            "random, finiteSparse, 42", "random, finiteSparse, 5",
            "random, finiteConstrained, 42",
            "random, conditional, 42", "random, conditionalFinite, 42",
            "grid, continuous, 1", "grid, finiteConstrained, 1", "grid, conditionalFinite, 1",
            "tpe, continuous, 42", "gp, continuous, 42"})
    void aFreshSamplerGivenTheFirstSuggestionsGoesOnWithTheNextOnes(String strategy, String space, long seed) {
        // within the start-up trials for tpe and gp, whose design is indexed by the trials started
        int limit = strategy.equals("tpe") || strategy.equals("gp") ? 12 : 30;
        List<Hyperparameters> uninterrupted = goOn(Samplers.forSpec(spec(strategy, space, seed)), List.of(), limit);
        assertTrue(uninterrupted.size() >= 10, uninterrupted.size() + " suggestions");

        for (int n = 1; n < uninterrupted.size(); n += 3) {
            List<Hyperparameters> before = uninterrupted.subList(0, n);
            List<Hyperparameters> resumed = goOn(Samplers.forSpec(spec(strategy, space, seed)), before, limit - n);

            assertEquals(uninterrupted.subList(n, uninterrupted.size()), resumed, "resumed after " + n);
        }
    }
}
