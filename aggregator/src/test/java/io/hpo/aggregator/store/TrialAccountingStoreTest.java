package io.hpo.aggregator.store;

import io.hpo.aggregator.results.ParetoTrials;
import io.hpo.aggregator.results.Results;
import io.hpo.aggregator.support.AccountedSearch;
import io.hpo.aggregator.support.Events;
import io.hpo.aggregator.support.TestServices;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.StepMetric;
import io.hpo.space.cost.Spend;
import io.hpo.space.cost.SpendMeasure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Accounting, the overfitting flag and the Pareto front, against the real PostgreSQL. */
class TrialAccountingStoreTest {
    private static Database db;
    private static ResultsStore store;

    @BeforeAll
    static void migrate() throws Exception {
        db = TestServices.migratedDatabase();
        store = new ResultsStore(db);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static Map<String, StoredTrial> byId(String search) throws Exception {
        return store.rankedTrials(search).stream().collect(Collectors.toMap(StoredTrial::trialId, Function.identity()));
    }

    @Test
    void aTrialsAccountingIsStoredAndOldEventsWithoutItLeaveItEmpty() throws Exception {
        AccountedSearch.store(store, "acct");
        AccountedSearch.store(store, "acct");
        Map<String, StoredTrial> trials = byId("acct");

        StoredTrial mid = trials.get("mid");
        assertEquals(50_000L, mid.parameters());
        assertEquals(120_000L, mid.trainingTokens());
        Spend s = mid.spend();
        assertEquals(144, s.executorSeconds());
        assertEquals(10_240, s.tokens());
        assertEquals(6.0 * 50_000 * 10_240, s.flops());
        assertEquals(100 * 144 / 3.6e6, s.energyKwh(), 1e-15);
        assertEquals(s.energyKwh() * 0.475, s.co2Kg(), 1e-15);
        assertEquals(0.10 * 144 / 3600, s.cost(), 1e-15);
        StoredTrial old = trials.get("old");
        assertNull(old.spend());
        assertNull(old.parameters());
        assertEquals("COMPLETED", old.status());
    }

    @Test
    void onlyTheTrialTrainingFarBelowItsValidationLossIsFlagged() throws Exception {
        AccountedSearch.store(store, "flags");
        Map<String, StoredTrial> trials = byId("flags");

        assertEquals("validation loss 1.800 exceeds training loss 1.000 by 0.800 nats (x1.80) at step 10",
                trials.get("best").overfitting());
        trials.values().stream().filter(t -> !t.trialId().equals("best"))
                .forEach(t -> assertNull(t.overfitting(), t.trialId()));
    }

    @Test
    void theFlagFollowsWhatIsStoredWhateverTheArrivalOrderAndTheLatestAttempt() throws Exception {
        String s = "order";
        // the evaluation and the terminal event come before any step: no training loss, no verdict yet
        store.applyBatch(List.of(), List.of(Events.started(s), LifecycleEvent.trialCreated(s, "t", Events.config(1e-3, 16)),
                Events.evaluated(s, "t", 10, 2.0, 10_240),
                Events.completedWithAccounting(s, "t", 10, 300_000, 200_000, 60)));
        assertNull(byId(s).get("t").overfitting());
        // the steps before the previous evaluation do not count: only steps 6..10 judge the evaluation at 10
        store.applyBatch(List.of(), List.of(Events.evaluated(s, "t", 5, 2.2, 5_120)));
        List<StepMetric> steps = new ArrayList<>();
        for (int step = 1; step <= 10; step++) {
            steps.add(Events.step(s, "t", step, 0, step <= 5 ? 3.0 : 1.2));
        }
        store.applyBatch(steps, List.of());
        assertTrue(byId(s).get("t").overfitting().startsWith("validation loss 2.000 exceeds training loss 1.200"),
                byId(s).get("t").overfitting());

        // a second attempt (the driver was resumed) trains near its validation loss: the flag goes
        store.applyBatch(List.of(StepMetric.of(s, "t", 2, 10, 0, 10_240, 1e-3, 1.9, 1)),
                List.of(LifecycleEvent.trialStarted(s, "t", 2, "resumed"),
                        LifecycleEvent.trialEvaluated(s, "t", 2, 10, 2.0, 10_240)));
        assertNull(byId(s).get("t").overfitting());
        // ... and it memorises: loss near zero with N = 300,000 >= D = 200,000 from the accounting
        store.applyBatch(List.of(StepMetric.of(s, "t", 2, 10, 1, 10_240, 1e-3, 0.01, 1),
                StepMetric.of(s, "t", 2, 9, 0, 9_216, 1e-3, 0.01, 1)), List.of());
        StoredTrial t = byId(s).get("t");
        assertEquals(2, t.attempt());
        assertTrue(t.overfitting().startsWith("validation loss 2.000 exceeds training loss 0.640"), t.overfitting());
        // ... and then memorises: a loss near zero with N = 300,000 >= D = 200,000 from the accounting
        List<StepMetric> later = new ArrayList<>();
        for (int step = 11; step <= 20; step++) {
            later.add(StepMetric.of(s, "t", 2, step, 0, step * 1024L, 1e-3, 0.05, 1));
        }
        store.applyBatch(later, List.of(LifecycleEvent.trialEvaluated(s, "t", 2, 20, 0.3, 20_480)));
        assertEquals("training loss 0.050 nats at step 20 with N = 300000 parameters >= D = 200000 training tokens:"
                + " memorising", byId(s).get("t").overfitting());
    }

    @Test
    void theParetoFrontIsOverTheTrialsWithLossAndCostAndKeepsTies() throws Exception {
        AccountedSearch.store(store, "pareto");
        Results results = new Results(store);

        ParetoTrials energy = results.pareto("pareto", SpendMeasure.ENERGY_KWH);
        assertEquals(List.of("cheap", "mid", "best", "twin"), energy.front().stream().map(ParetoTrials.Trial::trialId)
                .toList());
        assertEquals(5, energy.trials().size(), "the trial without accounting has no cost to place");
        assertEquals("kWh", energy.unit());
        assertEquals(100 * 36 / 3.6e6, energy.front().get(0).cost(), 1e-15);
        assertEquals(AccountedSearch.FRONT, results.pareto("pareto", SpendMeasure.EXECUTOR_HOURS).front().stream()
                .map(ParetoTrials.Trial::trialId).toList());
        assertEquals(0.01, results.pareto("pareto", SpendMeasure.EXECUTOR_HOURS).front().get(0).cost(), 1e-12);
        // every trial processed the same tokens: the best losses alone decide, and the twins share the front
        assertEquals(List.of("best", "twin"), results.pareto("pareto", SpendMeasure.TOKENS).front().stream()
                .map(ParetoTrials.Trial::trialId).toList());
        assertEquals(Results.DEFAULT_PARETO_COST, Results.costMeasure(null));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Results.costMeasure("watts"));
        assertTrue(unknown.getMessage().contains("unknown cost measure 'watts'; one of executor_hours, tokens"),
                unknown.getMessage());
    }
}
