package io.hpo.aggregator.scaling;

import io.hpo.aggregator.store.StoredTrial;
import io.hpo.space.cost.Spend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScalingAnalysisTest {

    static StoredTrial trial(String id, String status, double loss, long parameters, long tokens) {
        return new StoredTrial(0, id, status, Map.of(), loss, 10L, 100L, 10L, 100L, null, null, null, null, null, 1,
                parameters, tokens, Spend.NONE, null);
    }

    /** Completed trials of the law on a grid of sizes, with a relative noise of 1% (sd). */
    static List<StoredTrial> searchOf(ScalingLaw law) {
        List<StoredTrial> trials = new ArrayList<>();
        for (ScalingPoint p : ScalingFitTest.trials(law, ScalingFitTest.SIZES, ScalingFitTest.TOKENS, 0.01, 9)) {
            trials.add(trial(p.trialId(), "COMPLETED", p.loss(), (long) p.parameters(), (long) p.tokens()));
        }
        return trials;
    }

    @Test
    void theIntervalsHoldTheTrueExponentsAndTheFitPredictsUnseenTrials() {
        long started = System.nanoTime();
        ScalingReport r = ScalingAnalysis.of("s", searchOf(ScalingFitTest.CHINCHILLA), Map.of(),
                ComputeBudget.flops(1e21));
        System.out.printf("scaling analysis of 30 trials (fit, %d resamples, 5 folds, extrapolation): %.0f ms%n",
                ScalingAnalysis.RESAMPLES, (System.nanoTime() - started) / 1e6);

        assertEquals(30, r.used());
        assertTrue(r.resamples() > 150, "most resamples hold two sizes on each axis: " + r.resamples());
        assertTrue(r.intervals().alpha().low() < 0.34 && 0.34 < r.intervals().alpha().high(), r.intervals().toString());
        assertTrue(r.intervals().beta().low() < 0.28 && 0.28 < r.intervals().beta().high(), r.intervals().toString());
        assertTrue(r.heldOut().crossValidated() < 0.02, "1% noise, so about 1% error: " + r.heldOut());
        assertNotNull(r.heldOut().extrapolated());
        assertEquals(3e8, r.heldOut().extrapolatedSize());
        assertTrue(r.heldOut().extrapolated() < 0.05, r.heldOut().toString());
        ScalingReport.Recommendation rec = r.allocation();
        ScalingLaw.Allocation truth = ScalingFitTest.CHINCHILLA.allocate(1e21);
        assertTrue(rec.parametersInterval().low() <= rec.parameters()
                && rec.parameters() <= rec.parametersInterval().high(), rec.toString());
        assertEquals(truth.loss(), rec.loss(), 0.05 * truth.loss(), "the predicted loss at the true law's optimum");
        assertEquals(30, r.points().size());
        ScalingReport.Point first = r.points().get(0);
        assertEquals(first.parameters() / (first.tokens() * first.tokens()), first.parametersPerTokenSquared());
        assertEquals(new ScalingReport.Regime(0, 3e8 / 1e16, 0, 0), r.regime(), "N / D² at most 3e8 / (1e8)²");
        assertEquals(List.of(), r.warnings(), "every number well inside what the fit searches");
    }

    @Test
    void theRegimeCountsTrialsPastDSquaredAndTheFlaggedOnes() {
        List<StoredTrial> trials = new ArrayList<>(searchOf(ScalingFitTest.CHINCHILLA));
        trials.set(0, flagged(trial("big", "COMPLETED", 1.5, 40_000, 100), "training loss 0.050 nats at step 10"
                + " with N = 40000 parameters >= D = 100 training tokens: memorising"));
        trials.set(1, flagged(trial("gap", "COMPLETED", 3.0, 1_000_000, 100_000_000), "validation loss 3.000"
                + " exceeds training loss 1.000 by 2.000 nats (x3.00) at step 10"));

        ScalingReport.Regime regime = ScalingAnalysis.of("s", trials, Map.of(), null).regime();

        assertEquals(1, regime.atLeastDSquared(), "only 'big' has N >= D²");
        assertEquals(4.0, regime.largestRatio(), 1e-12);
        assertEquals(2, regime.overfitting());
        assertEquals(1, regime.memorising());
    }

    private static StoredTrial flagged(StoredTrial t, String reason) {
        return new StoredTrial(t.rank(), t.trialId(), t.status(), t.config(), t.bestValLoss(), t.bestStep(),
                t.tokensAtBest(), t.finalStep(), t.tokensSeen(), t.reason(), t.createdAt(), t.startedAt(),
                t.endedAt(), t.prunedRung(), t.attempt(), t.parameters(), t.trainingTokens(), t.spend(), reason);
    }

    @Test
    void usesOnlyCompletedTrialsWithAFiniteLossAndKnownSizes() {
        List<StoredTrial> trials = new ArrayList<>(searchOf(ScalingFitTest.CHINCHILLA));
        trials.add(trial("pruned", "PRUNED", 9.0, 1_000_000, 100_000_000));
        trials.add(trial("diverged", "COMPLETED", Double.NaN, 1_000_000, 100_000_000));
        trials.add(new StoredTrial(0, "old", "COMPLETED", Map.of(), 2.0, 1L, 1L, 1L, 1L, null, null, null, null, null,
                1, null, null, Spend.NONE, null));

        ScalingReport r = ScalingAnalysis.of("s", trials, Map.of(), null);

        assertEquals(30, r.used());
        assertEquals(30, r.points().size());
        assertNull(r.allocation(), "no budget asked");
    }

    @Test
    void saysWhyTooFewOrTooAlikeTrialsCannotBeFitted() {
        assertTrue(ScalingAnalysis.notReady(List.of(trial("a", "COMPLETED", 2, 1000, 5000),
                trial("b", "COMPLETED", 2.1, 1000, 5000))).contains("all of one model size and one data size"));
        List<StoredTrial> few = searchOf(ScalingFitTest.CHINCHILLA).subList(0, 6);
        assertTrue(ScalingAnalysis.notReady(few).contains("needs at least 7 completed trials"),
                ScalingAnalysis.notReady(few));
        assertNull(ScalingAnalysis.notReady(searchOf(ScalingFitTest.CHINCHILLA)));
    }

    @Test
    void aBudgetIsSplitEvenWhenSomeResamplesDropATerm() {
        // the loss barely depends on D but at the smallest share: many resamples fit B = 0
        List<StoredTrial> trials = new ArrayList<>();
        int i = 0;
        for (double n : new double[]{2e4, 5e4, 1e5}) {
            for (double d : new double[]{8e3, 3e4, 1e5, 3e5}) {
                double loss = (1.6 + 5 / Math.pow(n, 0.14) + (d < 1e4 ? 0.08 : 0)) * (1 + 0.01 * Math.sin(i));
                trials.add(trial("t" + i++, "COMPLETED", loss, (long) n, (long) d));
            }
        }
        ScalingReport r = ScalingAnalysis.of("s", trials, Map.of(), ComputeBudget.flops(1e13));

        assertTrue(r.law().hasDataTerm(), r.law().toString());
        assertNotNull(r.allocation(), "the fit to all trials has both terms, so the budget is split");
    }

    @Test
    void warnsWhereAFittedNumberSitsAtTheEdgeOfTheSearch() {
        // the demo experiment's fit (docs): E at 0, beta at its bound
        List<String> w = ScalingAnalysis.warnings(new ScalingLaw(0, 6.657, 0.1371, 5.094e8, 2.5),
                new ScalingFit.Terms(true, true));
        assertEquals(2, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("E fitted at 0"), w.toString());
        assertTrue(w.get(1).startsWith("the data size's term is not identified"), w.toString());
        assertTrue(ScalingAnalysis.warnings(new ScalingLaw(1.2, 200, 0.4, 0, 0), new ScalingFit.Terms(true, false))
                .isEmpty(), "a term not fitted for want of sizes is no warning");
    }

    @Test
    void withOneDataSizeTheReportHasNoDataTermAndNoAllocation() {
        List<StoredTrial> trials = new ArrayList<>();
        ScalingLaw law = new ScalingLaw(1.2, 200, 0.4, 0, 0);
        for (ScalingPoint p : ScalingFitTest.trials(law, ScalingFitTest.SIZES, new double[]{5e8}, 0.003, 4)) {
            trials.add(trial(p.trialId(), "COMPLETED", p.loss(), (long) p.parameters(), (long) p.tokens()));
        }
        ScalingReport r = ScalingAnalysis.of("s", trials, Map.of(), ComputeBudget.flops(1e18));

        assertTrue(r.modelTerm());
        assertEquals(false, r.dataTerm());
        assertNull(r.intervals().beta());
        assertNull(r.allocation(), "a budget cannot be split without a data term");
    }
}
