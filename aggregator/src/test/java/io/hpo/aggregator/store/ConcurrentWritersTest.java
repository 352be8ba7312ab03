package io.hpo.aggregator.store;

import io.hpo.aggregator.support.Events;
import io.hpo.aggregator.support.TestServices;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.StepMetric;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Writers sharing rows, as two consumers do when a trial's events and steps are on different partitions, or during
 * a rebalance that delivers one batch to two of them: their batches list the same trials, steps or events in
 * opposite orders and go in at the same moment, ten times over. Neither may deadlock (PostgreSQL would abort one)
 * and the store ends as one writer alone would leave it.
 */
class ConcurrentWritersTest {
    private static final int TRIALS = 20;
    private static final int STEPS = 50;
    private static final int ROUNDS = 10;

    @Test
    void writersSharingTrialsAndStepsInOppositeOrders() throws Exception {
        rounds("concurrent-", (store, s, ids) -> {
            List<String> reversed = reversed(ids);
            race(store, new Batch(steps(s, ids), evaluations(s, reversed)),
                    new Batch(steps(s, reversed), evaluations(s, ids)));

            assertEquals(new StoreCounts(TRIALS, TRIALS * STEPS, TRIALS, 2 * TRIALS, 0), store.counts(s));
            for (StoredTrial t : store.rankedTrials(s)) {
                assertEquals("RUNNING", t.status(), t.trialId());
                assertEquals(STEPS, t.finalStep(), t.trialId());
                assertEquals(2.0, t.bestValLoss(), t.trialId());
            }
        });
    }

    /** The same lifecycle batch twice, in opposite orders: no steps, so nothing else orders the writers. */
    @Test
    void writersGivenTheSameEventsInOppositeOrders() throws Exception {
        rounds("concurrent-events-", (store, s, ids) -> {
            List<LifecycleEvent> events = new ArrayList<>();
            ids.forEach(t -> events.add(LifecycleEvent.trialStarted(s, t, 1, null)));
            events.addAll(evaluations(s, ids));
            race(store, new Batch(List.of(), events), new Batch(List.of(), reversed(events)));

            assertEquals(new StoreCounts(TRIALS, 0, TRIALS, 3 * TRIALS, 0), store.counts(s));
        });
    }

    /** One round: a search whose trials exist, raced on. */
    private interface Round {
        void run(ResultsStore store, String searchId, List<String> trialIds) throws Exception;
    }

    /** {@value #ROUNDS} rounds on a fresh store, each on a search of its own. */
    private static void rounds(String prefix, Round round) throws Exception {
        try (Database db = TestServices.migratedDatabase()) {
            ResultsStore store = new ResultsStore(db);
            for (int r = 0; r < ROUNDS; r++) {
                String s = prefix + r;
                round.run(store, s, createdTrials(store, s));
            }
        }
    }

    private record Batch(List<StepMetric> steps, List<LifecycleEvent> events) {
    }

    /** Both batches written at the same moment, each by a thread of its own; throws what either threw. */
    private static void race(ResultsStore store, Batch first, Batch second) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CyclicBarrier together = new CyclicBarrier(2);
            List<Future<?>> writes = new ArrayList<>();
            for (Batch b : List.of(first, second)) {
                writes.add(pool.submit(() -> {
                    together.await(30, TimeUnit.SECONDS);
                    store.applyBatch(b.steps(), b.events());
                    return null;
                }));
            }
            for (Future<?> w : writes) {
                w.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The search's trials, stored beforehand: a writer creating a row would make the other wait for its commit,
     * which orders them before they reach the rows under test.
     */
    private static List<String> createdTrials(ResultsStore store, String s) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int t = 0; t < TRIALS; t++) {
            ids.add(String.format(Locale.ROOT, "t%02d", t));
        }
        store.applyBatch(List.of(), ids.stream().map(t -> LifecycleEvent.trialCreated(s, t,
                Events.config(1e-3, 16))).toList());
        return ids;
    }

    /** Each trial's steps together, as blocks arrive, trials in the given order. */
    private static List<StepMetric> steps(String s, List<String> trials) {
        List<StepMetric> out = new ArrayList<>();
        for (String t : trials) {
            for (int step = 1; step <= STEPS; step++) {
                out.add(Events.step(s, t, step, 0, 3.0));
            }
        }
        return out;
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }

    private static List<LifecycleEvent> evaluations(String s, List<String> trials) {
        return trials.stream().map(t -> Events.evaluated(s, t, STEPS, 2.0, STEPS * 1024L)).toList();
    }
}
