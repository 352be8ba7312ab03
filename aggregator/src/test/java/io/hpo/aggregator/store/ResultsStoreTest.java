package io.hpo.aggregator.store;

import io.hpo.aggregator.support.Events;
import io.hpo.aggregator.support.TestServices;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleType;
import io.hpo.events.StepMetric;
import io.hpo.events.TrialEvaluation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.hpo.aggregator.support.Events.config;
import static io.hpo.aggregator.support.Events.evaluated;
import static io.hpo.aggregator.support.Events.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultsStoreTest {
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

    /** A small finished search: t1 completes, t2 diverges with NaN losses, t3 fails before evaluating. */
    private static List<LifecycleEvent> lifecycle(String s) {
        return List.of(Events.started(s),
                LifecycleEvent.trialCreated(s, "t1", config(1e-3, 16)),
                LifecycleEvent.trialCreated(s, "t2", config(1e-1, 16)),
                LifecycleEvent.trialCreated(s, "t3", config(3e-4, 32)),
                LifecycleEvent.trialStarted(s, "t1", 1, null), LifecycleEvent.trialStarted(s, "t2", 1, null),
                evaluated(s, "t1", 2, 3.5, 2048), evaluated(s, "t2", 2, Double.NaN, 2048),
                evaluated(s, "t1", 4, 3.1, 4096),
                Events.ended(s, "t1", LifecycleType.TRIAL_COMPLETED, 4, null),
                Events.ended(s, "t2", LifecycleType.TRIAL_DIVERGED, 3, "loss is NaN"),
                Events.ended(s, "t3", LifecycleType.TRIAL_FAILED, 0, "out of memory"),
                LifecycleEvent.searchFinished(s, "COMPLETED"));
    }

    private static List<StepMetric> steps(String s) {
        List<StepMetric> out = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            for (int w = 0; w < 2; w++) {
                out.add(step(s, "t1", i, w, 5.0 - i * 0.4));
            }
        }
        out.add(step(s, "t2", 1, 0, 4.0));
        out.add(step(s, "t2", 2, 0, Double.POSITIVE_INFINITY));
        out.add(step(s, "t2", 3, 0, Double.NaN));
        return out;
    }

    @Test
    void redeliveredBatchesLeaveTheSameState() throws Exception {
        String s = "redelivery";
        store.applyBatch(steps(s), lifecycle(s));
        StoreCounts counts = store.counts(s);
        List<StoredTrial> trials = store.rankedTrials(s);
        SearchSummary search = store.search(s).orElseThrow();

        store.applyBatch(steps(s), lifecycle(s));
        List<LifecycleEvent> reversed = new ArrayList<>(lifecycle(s));
        Collections.reverse(reversed);
        store.applyBatch(steps(s).subList(0, 3), reversed);

        assertEquals(new StoreCounts(3, 11, 3, 13, 0), counts);
        assertEquals(counts, store.counts(s));
        assertEquals(trials, store.rankedTrials(s));
        assertEquals(search, store.search(s).orElseThrow());
        assertEquals(11, store.countSteps(s));
    }

    @Test
    void finishedSearchHasExpectedResults() throws Exception {
        String s = "finished";
        store.applyBatch(steps(s), lifecycle(s));

        SearchSummary search = store.search(s).orElseThrow();
        assertEquals(SearchSummary.FINISHED, search.status());
        assertEquals("COMPLETED", search.outcome());
        assertEquals("tiny " + s, search.name());
        assertEquals(Events.SPEC_YAML, search.specYaml());
        assertEquals(3, search.trials());
        assertEquals(1, search.trialCounts().get("COMPLETED"));
        assertEquals(1, search.trialCounts().get("DIVERGED"));
        assertEquals(1, search.trialCounts().get("FAILED"));
        assertEquals(0, search.trialCounts().get("RUNNING"));
        assertEquals(3.1, search.bestValLoss());
        assertEquals("t1", search.bestTrialId());
        assertNotNull(search.finishedAt());

        List<StoredTrial> trials = store.rankedTrials(s);
        assertEquals(List.of("t1", "t2", "t3"), trials.stream().map(StoredTrial::trialId).toList());
        StoredTrial t1 = trials.get(0);
        assertEquals(1, t1.rank());
        assertEquals("COMPLETED", t1.status());
        assertEquals(3.1, t1.bestValLoss());
        assertEquals(4L, t1.bestStep());
        assertEquals(4096L, t1.tokensAtBest());
        assertEquals(4L, t1.finalStep());
        assertEquals(4096L, t1.tokensSeen());
        assertEquals(0.001, t1.config().get("learning_rate"));
        assertEquals("learning_rate", t1.config().keySet().iterator().next(), "spec order, not jsonb order");
        StoredTrial t2 = trials.get(1);
        assertEquals("DIVERGED", t2.status());
        assertNull(t2.bestValLoss(), "a NaN evaluation is no best loss");
        assertEquals("loss is NaN", t2.reason());
        assertEquals("FAILED", trials.get(2).status());
        assertEquals("out of memory", trials.get(2).reason());

        Curve curve = store.curve(s, "t2").orElseThrow();
        assertEquals(List.of(4.0, Double.POSITIVE_INFINITY, Double.NaN),
                curve.steps().stream().map(Curve.Step::loss).toList());
        assertTrue(Double.isNaN(curve.evaluations().get(0).valLoss()));
        Curve c1 = store.curve(s, "t1").orElseThrow();
        assertEquals(8, c1.steps().size());
        assertEquals(List.of(1L, 1L, 2L, 2L, 3L, 3L, 4L, 4L), c1.steps().stream().map(Curve.Step::step).toList());
        assertEquals(List.of(0, 1, 0, 1, 0, 1, 0, 1), c1.steps().stream().map(Curve.Step::worker).toList());
        assertEquals(List.of(3.5, 3.1), c1.evaluations().stream().map(Curve.Evaluation::valLoss).toList());
        assertEquals(t1, store.best(s).orElseThrow());
    }

    @Test
    void outOfOrderEventsEndInTheRightState() throws Exception {
        String s = "out-of-order";
        // steps and the end of the search arrive before anything else
        store.applyBatch(List.of(step(s, "t1", 5, 0, 3.0), step(s, "t1", 6, 0, 2.9)),
                List.of(LifecycleEvent.searchFinished(s, "COMPLETED")));
        StoredTrial early = store.rankedTrials(s).get(0);
        assertEquals("RUNNING", early.status(), "steps mean the trial runs");
        assertTrue(early.config().isEmpty());
        assertEquals(SearchSummary.FINISHED, store.search(s).orElseThrow().status());

        // the terminal event before the evaluation, the start and creation last
        store.applyBatch(List.of(), List.of(Events.ended(s, "t1", LifecycleType.TRIAL_COMPLETED, 8, null)));
        store.applyBatch(List.of(step(s, "t1", 7, 0, 2.8)), List.of(evaluated(s, "t1", 8, 2.5, 8192),
                evaluated(s, "t1", 4, 2.7, 4096), LifecycleEvent.trialStarted(s, "t1", 1, null),
                LifecycleEvent.trialCreated(s, "t1", config(1e-3, 16)), Events.started(s)));

        StoredTrial t1 = store.rankedTrials(s).get(0);
        assertEquals("COMPLETED", t1.status(), "a late non-terminal event does not reopen a trial");
        assertEquals(2.5, t1.bestValLoss());
        assertEquals(8L, t1.bestStep());
        assertEquals(8L, t1.finalStep());
        assertEquals(8192L, t1.tokensSeen());
        assertEquals(16, t1.config().get("batch_size"));
        assertNotNull(t1.startedAt());
        assertNotNull(t1.createdAt());
        SearchSummary search = store.search(s).orElseThrow();
        assertEquals(SearchSummary.FINISHED, search.status(), "a late SEARCH_STARTED does not reopen the search");
        assertEquals("tiny " + s, search.name());
    }

    @Test
    void aRetriedTrialShowsItsLatestAttemptInAnyArrivalOrderAndKeepsTheEarlierRows() throws Exception {
        String s = "attempts";
        List<StepMetric> firstSteps = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            firstSteps.add(step(s, "t1", i, 0, 3.0 - 0.1 * i));
        }
        List<StepMetric> secondSteps = List.of(StepMetric.of(s, "t1", 2, 1, 0, 1024, 1e-3, 3.3, 1),
                StepMetric.of(s, "t1", 2, 2, 0, 2048, 1e-3, 3.2, 2), StepMetric.of(s, "t1", 2, 3, 0, 3072, 1e-3, 3.1, 3));
        List<LifecycleEvent> firstEvents = List.of(LifecycleEvent.trialStarted(s, "t1", 1, null),
                evaluated(s, "t1", 4, 2.0, 4096));
        List<LifecycleEvent> secondEvents = List.of(LifecycleEvent.trialStarted(s, "t1", 2, "executor lost"),
                LifecycleEvent.trialEvaluated(s, "t1", 2, 2, 2.5, 2048));
        // the second attempt's records first, then the first attempt's arriving late
        store.applyBatch(secondSteps, secondEvents);
        store.applyBatch(firstSteps, firstEvents);

        StoredTrial t1 = store.rankedTrials(s).get(0);
        assertEquals(2, t1.attempt());
        assertEquals(3L, t1.finalStep(), "progress is the latest attempt's");
        assertEquals(2.5, t1.bestValLoss(), "the first attempt's better loss is not the trial's");
        Curve curve = store.curve(s, "t1").orElseThrow();
        assertEquals(List.of(3.3, 3.2, 3.1), curve.steps().stream().map(Curve.Step::loss).toList());
        assertEquals(1, curve.evaluations().size());
        assertEquals(new StoreCounts(1, 3, 1, 4, 5), store.counts(s));

        store.applyBatch(List.of(), List.of(LifecycleEvent.trialEnded(s, "t1", 2, LifecycleType.TRIAL_COMPLETED, 3,
                3072, null)));
        assertEquals("COMPLETED", store.rankedTrials(s).get(0).status());
    }

    @Test
    void firstTerminalStatusWins() throws Exception {
        String s = "terminal";
        store.applyBatch(List.of(), List.of(Events.ended(s, "t1", LifecycleType.TRIAL_DIVERGED, 3, "NaN"),
                Events.ended(s, "t1", LifecycleType.TRIAL_FAILED, 3, "crash")));
        StoredTrial t1 = store.rankedTrials(s).get(0);
        assertEquals("DIVERGED", t1.status());
        assertEquals("NaN", t1.reason());
    }

    @Test
    void aPrunedTrialKeepsItsRungAndRanksByItsBestLoss() throws Exception {
        String s = "pruned";
        store.applyBatch(List.of(), List.of(
                evaluated(s, "full", 30, 1.9, 3000), Events.ended(s, "full", LifecycleType.TRIAL_COMPLETED, 30, null),
                evaluated(s, "early", 10, 1.7, 1000),
                LifecycleEvent.trialPruned(s, "early", 1, 10, 1000, 0, "asha rung 0"),
                evaluated(s, "median", 10, 2.5, 1000),
                LifecycleEvent.trialPruned(s, "median", 1, 10, 1000, null, "median stopping")));

        List<StoredTrial> ranked = store.rankedTrials(s);
        assertEquals(List.of("early", "full", "median"), ranked.stream().map(StoredTrial::trialId).toList());
        assertEquals(List.of("PRUNED", "COMPLETED", "PRUNED"), ranked.stream().map(StoredTrial::status).toList());
        assertEquals(0, ranked.get(0).prunedRung());
        assertEquals("asha rung 0", ranked.get(0).reason());
        assertEquals(10L, ranked.get(0).finalStep());
        assertNull(ranked.get(1).prunedRung());
        assertNull(ranked.get(2).prunedRung());
        assertEquals(2, store.search(s).orElseThrow().trialCounts().get("PRUNED"));
    }

    @Test
    void rankingOrdersByLossThenTokensThenIdWithUnevaluatedLast() throws Exception {
        String s = "ranking";
        List<LifecycleEvent> events = List.of(
                evaluated(s, "e", 1, 1.5, 900),
                evaluated(s, "a", 1, 2.0, 1000),
                evaluated(s, "c", 1, 2.0, 500),
                evaluated(s, "b", 1, 2.0, 500),
                // a trial's own tie: the same loss reached later does not replace the earlier best
                evaluated(s, "f", 1, 1.8, 100), evaluated(s, "f", 2, 1.8, 200),
                evaluated(s, "g", 1, Double.NaN, 100),
                LifecycleEvent.trialStarted(s, "d", 1, null));
        store.applyBatch(List.of(), events);

        List<StoredTrial> ranked = store.rankedTrials(s);
        assertEquals(List.of("e", "f", "b", "c", "a", "d", "g"), ranked.stream().map(StoredTrial::trialId).toList());
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), ranked.stream().map(StoredTrial::rank).toList());
        assertEquals(100L, ranked.get(1).tokensAtBest());
        assertEquals(1L, ranked.get(1).bestStep());
        assertEquals("e", store.best(s).orElseThrow().trialId());
    }

    @Test
    void unknownIdsAreEmpty() throws Exception {
        assertTrue(store.search("nope").isEmpty());
        assertTrue(store.rankedTrials("nope").isEmpty());
        assertTrue(store.curve("nope", "t1").isEmpty());
        assertTrue(store.best("nope").isEmpty());
        assertEquals(new StoreCounts(0, 0, 0, 0, 0), store.counts("nope"));
    }

    @Test
    void invalidEventsAreRefusedAndNothingIsWritten() throws Exception {
        String s = "invalid";
        LifecycleEvent noLoss = new LifecycleEvent(1, s + "/t1/eval", s, "t1", 1, LifecycleType.TRIAL_EVALUATED, 0,
                null, null, null, new TrialEvaluation(3L, null, 10L), null, null, null);
        assertThrows(IllegalArgumentException.class,
                () -> store.applyBatch(List.of(step(s, "t1", 1, 0, 1.0)), List.of(noLoss)));
        assertTrue(store.search(s).isEmpty());
        assertEquals(new StoreCounts(0, 0, 0, 0, 0), store.counts(s));
    }

    @Test
    void searchesListsEverySearch() throws Exception {
        String s = "listed";
        store.applyBatch(steps(s), lifecycle(s));
        assertTrue(store.searches().stream().anyMatch(x -> x.searchId().equals(s) && x.specYaml() == null
                && x.trials() == 3));
        assertTrue(store.ping());
    }

    @Test
    void idsWithArrayLiteralCharactersRoundTripThroughTheBatchColumns() throws Exception {
        // a batch's columns travel as array parameters: quotes, backslashes, braces, commas, NULL and spaces in ids
        // must arrive as they were, not split or unescaped
        String s = "s\"{a,b}\\ NULL";
        List<String> trials = List.of("t\"1\"", "t{2}", "t,3", "NULL", "t\\5", " t6 ", "t\u00e97");
        List<StepMetric> steps = new ArrayList<>();
        List<LifecycleEvent> events = new ArrayList<>(List.of(Events.started(s)));
        for (String t : trials) {
            events.add(LifecycleEvent.trialCreated(s, t, config(1e-3, 16)));
            for (int i = 1; i <= 3; i++) {
                steps.add(step(s, t, i, 0, 4.0 - i * 0.1));
            }
            events.add(evaluated(s, t, 3, 3.8, 3072));
        }
        store.applyBatch(steps, events);
        store.applyBatch(steps, events);
        assertEquals(trials.size() * 3L, store.countSteps(s));
        Map<String, StoredTrial> byId = new HashMap<>();
        store.rankedTrials(s).forEach(t -> byId.put(t.trialId(), t));
        assertEquals(Set.copyOf(trials), byId.keySet());
        for (String t : trials) {
            assertEquals(3L, byId.get(t).finalStep(), t);
            assertEquals(3.8, byId.get(t).bestValLoss(), t);
            assertEquals(3, store.curve(s, t).orElseThrow().steps().size(), t);
        }
    }
}
