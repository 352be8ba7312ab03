package io.hpo.space.sampler;

import io.hpo.space.Hyperparameter;
import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiFidelityTest {

    private static Hyperparameters lr(double learningRate) {
        return Hyperparameters.builder().set(Hyperparameter.LEARNING_RATE, learningRate).build();
    }

    private static FinishedTrial trial(double learningRate, Map<Long, Double> evaluations) {
        double best = evaluations.values().stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).min()
                .orElse(Double.NaN);
        long steps = evaluations.isEmpty() ? 0 : new TreeMap<>(evaluations).lastKey();
        return new FinishedTrial(lr(learningRate), best, steps, new TreeMap<>(evaluations));
    }

    /** Four trials last evaluated at step 10, three at 30, two at 90; a failed one, one known by its final loss. */
    private static List<FinishedTrial> history() {
        List<FinishedTrial> trials = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            trials.add(trial(1e-3 * (i + 1), Map.of(10L, 3.0 + i)));
        }
        for (int i = 0; i < 3; i++) {
            trials.add(trial(1e-2 * (i + 1), Map.of(10L, 3.5, 20L, 2.0 + i, 30L, 2.5 + i)));
        }
        trials.add(trial(0.05, Map.of(10L, 3.2, 20L, 2.8, 30L, 2.6, 60L, 1.5, 90L, 1.2)));
        trials.add(trial(0.06, Map.of(10L, 3.1, 20L, Double.NaN, 30L, 2.7, 90L, 1.1)));
        trials.add(trial(0.07, Map.of()));
        trials.add(new FinishedTrial(lr(0.08), 0.5, 90));
        return trials;
    }

    @Test
    void fitsTheHighestBudgetThatEnoughTrialsReached() {
        List<FinishedTrial> trials = history();

        assertEquals(90, MultiFidelity.atHighestBudget(trials, 2).get(0).steps());
        assertEquals(30, MultiFidelity.atHighestBudget(trials, 5).get(0).steps());
        assertEquals(10, MultiFidelity.atHighestBudget(trials, 6).get(0).steps());
        assertEquals(10, MultiFidelity.atHighestBudget(trials, 9).get(0).steps());
        assertEquals(List.of(), MultiFidelity.atHighestBudget(trials, 10));
    }

    @Test
    void eachTrialCountsWithItsBestLossUpToTheBudget() {
        List<FinishedTrial> at30 = MultiFidelity.atHighestBudget(history(), 5);

        // the three stopped at 30, the two that went on to 90, and the failed one; not the one without evaluations
        assertEquals(List.of(0.01, 0.02, 0.03, 0.05, 0.06, 0.07),
                at30.stream().map(t -> t.config().learningRate()).toList());
        assertEquals(List.of(2.0, 3.0, 3.5, 2.6, 2.7), at30.subList(0, 5).stream().map(FinishedTrial::loss).toList());
        assertTrue(Double.isNaN(at30.get(5).loss()));
        assertTrue(at30.stream().allMatch(t -> t.steps() == 30));
    }

    /**
     * Sixteen trials spread over a log range of learning rates. At step 30 the best are near 2e-4; the four that
     * went on to step 90 are the highest rates, whose final losses beat every loss at 30. Fitted on final losses, a
     * model ranks trials that trained further first and follows the high rates; fitted on the losses at step 30
     * (the highest step that startup_trials, 8, trials reached), it follows the low ones.
     */
    private static SearchHistory disagreeingHistory() {
        List<FinishedTrial> trials = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            double rate = 1e-4 * Math.pow(10, 3.0 * i / 15);
            double atRung = 2 + Math.abs(Math.log10(rate / 2e-4));
            Map<Long, Double> evaluations = new TreeMap<>(Map.of(10L, atRung + 1, 30L, atRung));
            if (i >= 12) {
                evaluations.put(90L, 1 + 0.1 * Math.abs(Math.log10(rate / 5e-2)));
            }
            trials.add(trial(rate, evaluations));
        }
        return new SearchHistory(trials, List.of());
    }

    private static SearchSpec spec(String strategy, boolean multiFidelity) {
        return SpecLoader.parse("name: mf\nseed: 3\nstrategy: {type: " + strategy + ", startup_trials: 8,"
                + " multi_fidelity: " + multiFidelity + "}\nspace:\n  learning_rate: {log_uniform: [1.0e-4, 1.0e-1]}\n",
                "mf");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tpe", "gp"})
    void theModelFollowsTheLossesAtTheBudgetNotTheFinalOnes(String strategy) {
        double onRung = Samplers.forSpec(spec(strategy, true)).suggest(disagreeingHistory()).orElseThrow()
                .learningRate();
        double onFinal = Samplers.forSpec(spec(strategy, false)).suggest(disagreeingHistory()).orElseThrow()
                .learningRate();

        assertTrue(onRung < 1e-3, strategy + " on the losses at step 30 suggested " + onRung);
        assertTrue(onFinal > 1e-2, strategy + " on the final losses suggested " + onFinal);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tpe", "gp"})
    void withoutMultiFidelityTheEvaluationsChangeNothing(String strategy) {
        List<FinishedTrial> finalOnly = disagreeingHistory().finished().stream()
                .map(t -> new FinishedTrial(t.config(), t.loss(), t.steps())).toList();

        assertEquals(Samplers.forSpec(spec(strategy, false)).suggest(new SearchHistory(finalOnly, List.of())),
                Samplers.forSpec(spec(strategy, false)).suggest(disagreeingHistory()));
    }

    @Test
    void theModelWaitsUntilABudgetHasStartupTrials() {
        List<FinishedTrial> seven = disagreeingHistory().finished().subList(0, 7);
        SearchHistory history = new SearchHistory(seven, List.of());
        // 7 of 8: the start-up design's eighth point, as without multi_fidelity
        assertEquals(Samplers.forSpec(spec("tpe", false)).suggest(history),
                Samplers.forSpec(spec("tpe", true)).suggest(history));
    }
}
