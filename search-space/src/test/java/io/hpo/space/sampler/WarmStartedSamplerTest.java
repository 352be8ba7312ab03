package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.SearchSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Warm trials reach the model as finished trials; random and grid search are not warm-started. */
class WarmStartedSamplerTest {

    /** An earlier search of {@code trials} trials of {@link SyntheticObjective} with the spec's sampler. */
    private static List<FinishedTrial> earlierSearch(SearchSpec spec, int trials) {
        Sampler sampler = Samplers.forSpec(spec);
        List<FinishedTrial> finished = new ArrayList<>();
        for (int i = 0; i < trials; i++) {
            Hyperparameters hp = sampler.suggest(new SearchHistory(finished, List.of())).orElseThrow();
            finished.add(new FinishedTrial(hp, SyntheticObjective.loss(hp), 100));
        }
        return finished;
    }

    @Test
    void theModelSeesWarmTrialsAsFinishedBeforeTheSearchsOwn() {
        for (String strategy : List.of("tpe", "gp")) {
            SearchSpec spec = SyntheticObjective.spec(3, strategy);
            List<FinishedTrial> warm = earlierSearch(SyntheticObjective.spec(99, "random"), 12);
            List<FinishedTrial> own = earlierSearch(SyntheticObjective.spec(98, "random"), 2);
            List<Hyperparameters> running = List.of(own.get(0).config());
            List<FinishedTrial> together = new ArrayList<>(warm);
            together.addAll(own.subList(1, 2));

            Sampler warmStarted = Samplers.forSpec(spec, warm);

            assertTrue(warmStarted instanceof WarmStartedSampler, strategy);
            assertEquals(Samplers.forSpec(spec).suggest(new SearchHistory(together, running)),
                    warmStarted.suggest(new SearchHistory(own.subList(1, 2), running)), strategy);
            assertEquals(Samplers.forSpec(spec).suggest(new SearchHistory(warm, List.of())),
                    warmStarted.suggest(SearchHistory.empty()), strategy);
        }
    }

    /** 12 warm trials pass startup_trials (10): the first new trial is the model's, not the start-up design's. */
    @Test
    void warmTrialsCountTowardsTheStartUpTrials() {
        SearchSpec spec = SyntheticObjective.spec(3, "tpe");
        List<FinishedTrial> warm = earlierSearch(SyntheticObjective.spec(99, "random"), 12);

        Hyperparameters first = Samplers.forSpec(spec, warm).suggest(SearchHistory.empty()).orElseThrow();

        assertNotEquals(Samplers.forSpec(spec).suggest(SearchHistory.empty()).orElseThrow(), first);
        assertFalse(warm.stream().anyMatch(t -> t.config().equals(first)), "a warm configuration is not tried again");
    }

    /**
     * A resumed search reads the same warm trials again: a fresh sampler given them and the stopped search's finished
     * trials goes on with exactly the suggestions of one that never stopped.
     */
    @Test
    void aResumedWarmStartedSamplerGoesOnAsTheStoppedOneWould() {
        for (String strategy : List.of("tpe", "gp")) {
            SearchSpec spec = SyntheticObjective.spec(8, strategy);
            List<FinishedTrial> warm = earlierSearch(SyntheticObjective.spec(99, "random"), 6);
            Sampler uninterrupted = Samplers.forSpec(spec, warm);
            List<FinishedTrial> finished = new ArrayList<>();
            List<Hyperparameters> suggested = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                Hyperparameters hp = uninterrupted.suggest(new SearchHistory(finished, List.of())).orElseThrow();
                suggested.add(hp);
                finished.add(new FinishedTrial(hp, SyntheticObjective.loss(hp), 100));
            }

            // stopped once 7 trials had finished
            Sampler resumed = Samplers.forSpec(spec, warm);
            List<FinishedTrial> before = new ArrayList<>(finished.subList(0, 7));
            assertEquals(suggested.get(7), resumed.suggest(new SearchHistory(before, List.of())).orElseThrow(),
                    strategy);
            before.add(finished.get(7));
            assertEquals(suggested.get(8), resumed.suggest(new SearchHistory(before, List.of())).orElseThrow(),
                    strategy);
        }
    }

    /** Over 7 seeds, 8 trials after 30 warm ones of an earlier search find a better best than 8 cold ones. */
    @Test
    void aWarmStartFindsBetterConfigurationsSooner() {
        double warmTotal = 0;
        double coldTotal = 0;
        for (long seed = 1; seed <= 7; seed++) {
            SearchSpec spec = SyntheticObjective.spec(seed, "tpe");
            List<FinishedTrial> warm = earlierSearch(SyntheticObjective.spec(seed + 100, "tpe"), 30);
            warmTotal += newBest(Samplers.forSpec(spec, warm), 8);
            coldTotal += newBest(Samplers.forSpec(spec), 8);
        }
        assertTrue(warmTotal < 0.6 * coldTotal, "mean best of the new trials: warm " + warmTotal / 7 + ", cold "
                + coldTotal / 7);
    }

    private static double newBest(Sampler sampler, int trials) {
        List<FinishedTrial> finished = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < trials; i++) {
            Hyperparameters hp = sampler.suggest(new SearchHistory(finished, List.of())).orElseThrow();
            finished.add(new FinishedTrial(hp, SyntheticObjective.loss(hp), 100));
            best = Math.min(best, finished.get(i).loss());
        }
        return best;
    }

    @Test
    void randomAndGridSearchAreNotWarmStarted() {
        List<FinishedTrial> warm = earlierSearch(SyntheticObjective.spec(99, "random"), 3);
        for (String strategy : List.of("random", "grid")) {
            SearchSpec spec = SyntheticObjective.spec(3, strategy);
            Sampler sampler = Samplers.forSpec(spec, warm);

            assertFalse(sampler instanceof WarmStartedSampler, strategy);
            assertEquals(Samplers.forSpec(spec).suggest(SearchHistory.empty()), sampler.suggest(SearchHistory.empty()));
        }
    }
}
