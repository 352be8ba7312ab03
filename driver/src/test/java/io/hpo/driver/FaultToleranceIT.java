package io.hpo.driver;

import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.StoreCounts;
import io.hpo.aggregator.store.StoredTrial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults during a real search, with the packaged driver as its own process on Spark local[2], the real Kafka
 * broker, PostgreSQL and aggregator. Every check is an exact count in the store, against what the spec
 * budgets: trials x steps x workers step metrics, trials x evaluations per trial.
 */
class FaultToleranceIT {
    private static final int TRIALS = 4;
    private static final int STEPS = 40;
    private static final int EVAL_EVERY = 20;
    private static final String SPEC = """
            name: faults
            seed: 9
            data: {source: demo, demo_sentences: 600}
            budget: {max_trials: %d, max_concurrent_trials: 2, max_steps_per_trial: %d, max_wall_time: 15m}
            training: {workers: 1, averaging_frequency: 4, eval_every: %d, eval_batches: 1}
            """.formatted(TRIALS, STEPS, EVAL_EVERY) + TinyModel.space("{log_uniform: [1.0e-3, 1.0e-2]}");

    /**
     * SIGKILL of the driver once one trial has finished and another is half-way: `--resume` goes on from the
     * lifecycle topic. Finished trials are not run again, the interrupted ones run again as attempt 2, new trials
     * take the next ids, and the search ends with exactly the budgeted trials. Re-submitting the finished search
     * under its id does nothing; re-submitting it with a changed spec is refused.
     */
    @Test
    void aKilledDriverIsResumedFromTheRecordedHistoryAndEndsWithExactlyTheBudgetedTrials(@TempDir Path dir)
            throws Exception {
        Path spec = Files.writeString(dir.resolve("faults.yaml"), SPEC);
        String searchId = "killed-driver-it";
        try (ResultsStack stack = ResultsStack.start(dir)) {
            ResultsStore store = stack.store();
            DriverProcess first = DriverProcess.start("local[2]", stack.bootstrapServers(), List.of(),
                    dir.resolve("first.log"), spec.toString(), "--search-id", searchId);
            Predicate<List<StoredTrial>> halfWay = trials -> trials.stream().anyMatch(t -> t.endedAt() != null)
                    && trials.stream().anyMatch(t -> t.endedAt() == null && t.finalStep() != null
                    && t.finalStep() >= STEPS / 2);
            // the store lags the driver, so a trial it shows half-way may have ended already: freeze the driver
            // until the store has caught up, and kill only if a trial is still half-way then
            while (true) {
                awaitTrials(store, searchId, first, halfWay);
                first.pause();
                awaitSettled(store, searchId);
                if (halfWay.test(store.rankedTrials(searchId))) {
                    break;
                }
                first.resume();
            }
            first.kill();
            StoreCounts atKill = store.counts(searchId);
            Set<String> finishedBefore = store.rankedTrials(searchId).stream().filter(t -> t.endedAt() != null)
                    .map(StoredTrial::trialId).collect(Collectors.toSet());
            Set<String> interrupted = store.rankedTrials(searchId).stream().filter(t -> t.endedAt() == null)
                    .map(StoredTrial::trialId).collect(Collectors.toSet());
            System.out.println("killed the driver: finished " + finishedBefore + ", interrupted " + interrupted);

            DriverProcess resumed = DriverProcess.start("local[2]", stack.bootstrapServers(), List.of(),
                    dir.resolve("resumed.log"), "--resume", searchId);
            assertEquals(0, resumed.await(8), () -> "the resumed search failed:\n" + resumed.tail());
            assertTrue(resumed.tail().contains("to run again"), resumed.tail());
            stack.awaitStored(searchId, (long) TRIALS * STEPS);

            Map<String, StoredTrial> trials = store.rankedTrials(searchId).stream()
                    .collect(Collectors.toMap(StoredTrial::trialId, t -> t));
            assertEquals(Set.of("trial-000", "trial-001", "trial-002", "trial-003"), trials.keySet());
            trials.values().forEach(t -> assertEquals("COMPLETED", t.status(), t.trialId() + ": " + t.reason()));
            finishedBefore.forEach(id -> assertEquals(1, trials.get(id).attempt(), id + " was not run again"));
            interrupted.forEach(id -> assertEquals(2, trials.get(id).attempt(), id + " ran again"));
            StoreCounts counts = store.counts(searchId);
            assertEquals(TRIALS, counts.trials());
            assertEquals((long) TRIALS * STEPS, counts.steps());
            assertEquals((long) TRIALS * STEPS / EVAL_EVERY, counts.evaluations());
            assertTrue(counts.supersededSteps() > 0, "a half-way attempt was interrupted");
            assertEquals(atKill.steps() - (long) finishedBefore.size() * STEPS, counts.supersededSteps(),
                    "the interrupted attempts' steps stay stored");

            DriverProcess again = DriverProcess.start("local[2]", stack.bootstrapServers(), List.of(),
                    dir.resolve("again.log"), spec.toString(), "--search-id", searchId);
            assertEquals(0, again.await(3), again::tail);
            assertTrue(again.tail().contains("already finished"), again.tail());
            Path changed = Files.writeString(dir.resolve("changed.yaml"), SPEC.replace("seed: 9", "seed: 10"));
            DriverProcess refused = DriverProcess.start("local[2]", stack.bootstrapServers(), List.of(),
                    dir.resolve("refused.log"), changed.toString(), "--search-id", searchId);
            assertEquals(2, refused.await(3), refused::tail);
            assertTrue(refused.tail().contains("recorded with a different spec"), refused.tail());
            assertEquals(counts, store.counts(searchId), "neither re-submission ran anything");
        }
    }

    /**
     * The broker stops (controlled shutdown) for 10 s mid-search and comes back on the same port: producers on the
     * driver and in the trials retry, the aggregator reconnects, and the store ends with every record exactly once.
     */
    @Test
    void aBrokerRestartMidSearchLosesAndDuplicatesNothing(@TempDir Path dir) throws Exception {
        Path spec = Files.writeString(dir.resolve("faults.yaml"), SPEC);
        String searchId = "broker-restart-it";
        try (ResultsStack stack = ResultsStack.start(dir)) {
            ResultsStore store = stack.store();
            DriverProcess driver = DriverProcess.start("local[2]", stack.bootstrapServers(), List.of(),
                    dir.resolve("driver.log"), spec.toString(), "--search-id", searchId);
            awaitTrials(store, searchId, driver, trials -> trials.stream()
                    .anyMatch(t -> t.finalStep() != null && t.finalStep() >= STEPS / 4));
            stack.restartKafka(Duration.ofSeconds(10));
            assertEquals(0, driver.await(8), () -> "the search failed:\n" + driver.tail());
            stack.awaitStored(searchId, (long) TRIALS * STEPS);

            List<StoredTrial> trials = store.rankedTrials(searchId);
            trials.forEach(t -> assertEquals("COMPLETED", t.status(), t.trialId() + ": " + t.reason()));
            trials.forEach(t -> assertEquals(1, t.attempt(), t.trialId()));
            // 1 SEARCH_STARTED + per trial CREATED, STARTED, 2 EVALUATED, COMPLETED + 1 SEARCH_FINISHED
            assertEquals(new StoreCounts(TRIALS, (long) TRIALS * STEPS, (long) TRIALS * STEPS / EVAL_EVERY,
                    2 + TRIALS * (3L + STEPS / EVAL_EVERY), 0), store.counts(searchId));
        }
    }

    /** Waits until the store's counts for the search stay the same for 2 s. */
    private static void awaitSettled(ResultsStore store, String searchId) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        StoreCounts last = store.counts(searchId);
        long stableSince = System.currentTimeMillis();
        while (System.currentTimeMillis() - stableSince < 2_000) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the store never settled: " + last);
            }
            Thread.sleep(250);
            StoreCounts now = store.counts(searchId);
            if (!now.equals(last)) {
                last = now;
                stableSince = System.currentTimeMillis();
            }
        }
    }

    private static void awaitTrials(ResultsStore store, String searchId, DriverProcess driver,
                                    Predicate<List<StoredTrial>> condition) throws Exception {
        long deadline = System.currentTimeMillis() + 5 * 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (!driver.isAlive()) {
                throw new AssertionError("the driver ended early:\n" + driver.tail());
            }
            if (condition.test(store.rankedTrials(searchId))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the search never reached the state to disturb:\n" + driver.tail());
    }
}
