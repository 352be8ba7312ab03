package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TpeSamplerTest {

    private static final int TRIALS = 60;
    private static final long[] SEEDS = {1, 2, 3, 4, 5, 6, 7};

    /**
     * Over 7 seeds TPE's mean best loss is about 0.20 against random search's 0.33. Much of what is left is TPE
     * settling early on a categorical value (as independent TPE does): its continuous picks are near the optimum.
     */
    @Test
    void beatsRandomSearchClearlyAtEqualTrialCount() {
        double tpeTotal = 0;
        double randomTotal = 0;
        int tpeWins = 0;
        for (long seed : SEEDS) {
            double tpe = SyntheticObjective.bestOf(SyntheticObjective.spec(seed, "tpe"), TRIALS);
            double random = SyntheticObjective.bestOf(SyntheticObjective.spec(seed, "random"), TRIALS);
            tpeTotal += tpe;
            randomTotal += random;
            tpeWins += tpe < random ? 1 : 0;
        }
        String figures = "mean best: tpe " + tpeTotal / SEEDS.length + ", random " + randomTotal / SEEDS.length;
        assertTrue(tpeTotal < 0.7 * randomTotal, figures);
        assertTrue(tpeWins >= SEEDS.length - 2, "tpe won " + tpeWins + " of " + SEEDS.length + "; " + figures);
    }

    /**
     * Independent draws often leave a whole end of a range to one trial or none (here: learning rates above 1e-2 in
     * a log range from 1e-5, a quarter of it); the start-up design gives each eighth of every range one trial.
     */
    @Test
    void startUpTrialsCoverEachRangeEvenlyAndEachCategoryAlike() {
        SearchSpec spec = SpecLoader.parse("""
                name: startup
                seed: 5
                strategy: {type: tpe, startup_trials: 8}
                space:
                  learning_rate: {log_uniform: [1.0e-5, 1.0e-1]}
                  dropout: {uniform: [0.0, 0.4]}
                  batch_size: {choice: [8, 16]}
                """, "startup.yaml");
        Sampler sampler = new TpeSampler(SamplingSpace.of(spec), spec.strategy().tpe());
        List<Hyperparameters> running = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            running.add(sampler.suggest(new SearchHistory(List.of(), running)).orElseThrow());
        }
        Set<Integer> learningRateStrata = new HashSet<>();
        Set<Integer> dropoutStrata = new HashSet<>();
        int batch16 = 0;
        for (Hyperparameters hp : running) {
            learningRateStrata.add((int) Math.floor(2 * Math.log10(hp.learningRate() / 1e-5)));
            dropoutStrata.add((int) Math.floor(hp.dropout() / 0.05));
            batch16 += hp.batchSize() == 16 ? 1 : 0;
        }
        assertEquals(8, learningRateStrata.size(), "learning rates: " + running);
        assertEquals(8, dropoutStrata.size(), "dropouts: " + running);
        assertEquals(4, batch16, "batch sizes: " + running);
    }

    @Test
    void sameSeedAndHistoryGiveTheSameSuggestion() {
        SearchSpec spec = SyntheticObjective.spec(11, "tpe");
        List<FinishedTrial> finished = new ArrayList<>();
        Sampler first = new TpeSampler(SamplingSpace.of(spec), spec.strategy().tpe());
        for (int i = 0; i < 25; i++) {
            Hyperparameters hp = first.suggest(new SearchHistory(finished, List.of())).orElseThrow();
            finished.add(new FinishedTrial(hp, SyntheticObjective.loss(hp), 100));
        }
        SearchHistory history = new SearchHistory(finished.subList(0, 20), List.of(finished.get(22).config()));

        Optional<Hyperparameters> a = new TpeSampler(SamplingSpace.of(spec), spec.strategy().tpe()).suggest(history);
        Optional<Hyperparameters> b = first.suggest(history);
        assertTrue(a.isPresent());
        assertEquals(a, b);
        assertNotEquals(a, Samplers.forSpec(SyntheticObjective.spec(12, "tpe")).suggest(history));
        // the same state with that suggestion running must not suggest it again
        assertNotEquals(a, first.suggest(new SearchHistory(finished.subList(0, 20), List.of(a.get()))));
    }

    @Test
    void concurrentSuggestionsNeverRepeatRunningOrFinishedTrials() {
        // 3 x 4 x 2 = 24 configurations: small enough that a careless sampler would repeat itself
        SearchSpec spec = SpecLoader.parse("""
                name: small
                seed: 5
                strategy: {type: tpe, startup_trials: 4}
                space:
                  warmup_steps: {int: [0, 2]}
                  width: {choice: [16, 32, 48, 64]}
                  schedule: {choice: [linear, cosine]}
                """, "small");
        Sampler sampler = Samplers.forSpec(spec);
        List<FinishedTrial> finished = new ArrayList<>();
        List<Hyperparameters> running = new ArrayList<>();
        Set<Hyperparameters> seen = new HashSet<>();
        while (true) {
            // keep 4 trials running; the oldest finishes whenever 4 are out
            Optional<Hyperparameters> next = sampler.suggest(new SearchHistory(finished, running));
            if (next.isEmpty()) {
                break;
            }
            assertTrue(seen.add(next.get()), "suggested twice: " + next.get());
            running.add(next.get());
            if (running.size() == 4) {
                Hyperparameters done = running.remove(0);
                finished.add(new FinishedTrial(done, done.warmupSteps() + done.width() / 16.0, 100));
            }
        }
        assertEquals(24, seen.size());
        assertFalse(running.isEmpty());
    }

    @Test
    void suggestionsMeetTheConstraints() {
        SearchSpec spec = SpecLoader.parse("""
                name: constrained
                strategy: {type: tpe, startup_trials: 3}
                space:
                  width: {choice: [24, 32, 48]}
                  heads: {choice: [2, 3, 4]}
                  layers: {int: [1, 4]}
                constraints:
                  - layers <= 2
                """, "constrained");
        Sampler sampler = Samplers.forSpec(spec);
        List<FinishedTrial> finished = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Optional<Hyperparameters> hp = sampler.suggest(new SearchHistory(finished, List.of()));
            if (hp.isEmpty()) {
                break;
            }
            assertTrue(hp.get().layers() <= 2 && hp.get().width() % hp.get().heads() == 0, hp.get().toString());
            finished.add(new FinishedTrial(hp.get(), hp.get().layers(), 100));
        }
    }
}
