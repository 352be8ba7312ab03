package io.hpo.aggregator.store;

import io.hpo.aggregator.support.Events;
import io.hpo.aggregator.support.TestServices;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.StepMetric;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Writers sharing trials, as two consumers do when a trial's events and steps are on different partitions, or during
 * a rebalance that delivers one batch to two of them: their batches list the same trials and steps in opposite
 * orders and go in at the same moment. Neither may deadlock (PostgreSQL would abort one) and the store ends as one
 * writer alone would leave it.
 */
class ConcurrentWritersTest {
    private static final int TRIALS = 20;
    private static final int STEPS = 50;
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

    @Test
    void writersSharingTrialsInOppositeOrdersNeitherDeadlockNorDuplicate() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                String s = "concurrent-" + round;
                List<String> ids = new ArrayList<>();
                for (int t = 0; t < TRIALS; t++) {
                    ids.add(String.format(Locale.ROOT, "t%02d", t));
                }
                List<String> reversed = new ArrayList<>(ids);
                Collections.reverse(reversed);
                // rows that exist already: creating a row makes the second writer wait for the first one's commit
                store.applyBatch(List.of(), ids.stream().map(t -> LifecycleEvent.trialCreated(s, t,
                        Events.config(1e-3, 16))).toList());
                CyclicBarrier together = new CyclicBarrier(2);
                Future<?> a = pool.submit(writer(together, steps(s, ids), evaluations(s, reversed)));
                Future<?> b = pool.submit(writer(together, steps(s, reversed), evaluations(s, ids)));
                a.get(60, TimeUnit.SECONDS);
                b.get(60, TimeUnit.SECONDS);

                assertEquals(new StoreCounts(TRIALS, TRIALS * STEPS, TRIALS, 2 * TRIALS, 0), store.counts(s));
                for (StoredTrial t : store.rankedTrials(s)) {
                    assertEquals("RUNNING", t.status(), t.trialId());
                    assertEquals(STEPS, t.finalStep(), t.trialId());
                    assertEquals(2.0, t.bestValLoss(), t.trialId());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Both writers given the same lifecycle batch in opposite orders (no steps, so nothing else orders them). */
    @Test
    void writersGivenTheSameEventsInOppositeOrdersNeitherDeadlockNorDuplicate() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                String s = "concurrent-events-" + round;
                List<String> ids = new ArrayList<>();
                for (int t = 0; t < TRIALS; t++) {
                    ids.add(String.format(Locale.ROOT, "t%02d", t));
                }
                store.applyBatch(List.of(), ids.stream().map(t -> LifecycleEvent.trialCreated(s, t,
                        Events.config(1e-3, 16))).toList());
                List<LifecycleEvent> events = new ArrayList<>();
                ids.forEach(t -> events.add(LifecycleEvent.trialStarted(s, t, 1, null)));
                ids.forEach(t -> events.add(Events.evaluated(s, t, STEPS, 2.0, STEPS * 1024L)));
                List<LifecycleEvent> reversed = new ArrayList<>(events);
                Collections.reverse(reversed);
                CyclicBarrier together = new CyclicBarrier(2);
                Future<?> a = pool.submit(writer(together, List.of(), events));
                Future<?> b = pool.submit(writer(together, List.of(), reversed));
                a.get(60, TimeUnit.SECONDS);
                b.get(60, TimeUnit.SECONDS);

                assertEquals(new StoreCounts(TRIALS, 0, TRIALS, 3 * TRIALS, 0), store.counts(s));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Callable<Void> writer(CyclicBarrier together, List<StepMetric> steps, List<LifecycleEvent> events) {
        return () -> {
            together.await(30, TimeUnit.SECONDS);
            store.applyBatch(steps, events);
            return null;
        };
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

    private static List<LifecycleEvent> evaluations(String s, List<String> trials) {
        return trials.stream().map(t -> Events.evaluated(s, t, STEPS, 2.0, STEPS * 1024L)).toList();
    }
}
