package io.hpo.driver;

import io.hpo.aggregator.store.Curve;
import io.hpo.aggregator.store.LineageLink;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.StoreCounts;
import io.hpo.aggregator.store.StoredTrial;
import io.hpo.space.spec.CheckpointPolicy;
import io.hpo.space.spec.CheckpointsSpec;
import io.hpo.worker.checkpoint.PopulationSnapshots;
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
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    private static final int MEMBERS = 4;
    private static final long PBT_STEPS = 40;
    private static final long EXPLOIT_EVERY = 10;
    private static final long PBT_EVAL_EVERY = 5;
    private static final String PBT_SPEC = """
            name: pbt-faults
            seed: 5
            data: {source: demo, demo_sentences: 600}
            strategy: {type: pbt, population: %d, exploit_every: %d}
            budget: {max_trials: %d, max_concurrent_trials: 2, max_steps_per_trial: %d, max_wall_time: 15m}
            training: {workers: 1, averaging_frequency: 5, eval_every: %d, eval_batches: 1}
            checkpoints: {dir: %s}
            """ + TinyModel.space("{log_uniform: [1.0e-4, 3.0e-2]}") + """
              warmup_steps: 0
              schedule: constant
            """;

    /**
     * SIGKILL of a pbt search's driver after an interval boundary was saved, while members train past it:
     * `--resume` goes on from the saved boundary. Each member ends COMPLETED as its first attempt with one step
     * metric per step and one evaluation per eval_every (the steps and evaluations redone after the boundary are the
     * same keys, stored once), one exploit per boundary (the bottom 1 of 4), those stored before the kill unchanged
     * (decided again the same way), and the snapshot is removed once the search has ended.
     */
    @Test
    void aKilledPbtDriverGoesOnFromItsLastSavedBoundary(@TempDir Path dir) throws Exception {
        Path checkpoints = dir.resolve("checkpoints");
        Path spec = Files.writeString(dir.resolve("pbt.yaml"), PBT_SPEC.formatted(MEMBERS, EXPLOIT_EVERY, MEMBERS,
                PBT_STEPS, PBT_EVAL_EVERY, checkpoints));
        String searchId = "killed-pbt-it";
        PopulationSnapshots snapshots = new PopulationSnapshots(new CheckpointsSpec(checkpoints.toString(),
                CheckpointPolicy.BEST), searchId);
        try (ResultsStack stack = ResultsStack.start(dir)) {
            ResultsStore store = stack.store();
            DriverProcess first = DriverProcess.start("local[2]", stack.bootstrapServers(), List.of(),
                    dir.resolve("first.log"), spec.toString(), "--search-id", searchId);
            // frozen, the store caught up: a boundary saved, a member already past it, none at the end
            long saved;
            while (true) {
                awaitTrials(store, searchId, first, trials -> Files.exists(snapshots.file()) && trials.stream()
                        .anyMatch(t -> t.finalStep() != null && t.finalStep() > EXPLOIT_EVERY));
                first.pause();
                awaitSettled(store, searchId);
                saved = snapshots.read().orElseThrow().step();
                long boundary = saved;
                List<StoredTrial> trials = store.rankedTrials(searchId);
                if (trials.stream().anyMatch(t -> t.finalStep() != null && t.finalStep() > boundary)
                        && trials.stream().allMatch(t -> t.endedAt() == null)) {
                    break;
                }
                first.resume();
            }
            first.kill();
            StoreCounts atKill = store.counts(searchId);
            List<LineageLink> lineageAtKill = store.lineage(searchId);
            System.out.println("killed the pbt driver with step " + saved + " saved: " + atKill + ", " + lineageAtKill);
            assertTrue(atKill.steps() > MEMBERS * saved, "work after the boundary is redone: " + atKill);

            DriverProcess resumed = DriverProcess.start("local[2]", stack.bootstrapServers(), List.of(),
                    dir.resolve("resumed.log"), "--resume", searchId);
            assertEquals(0, resumed.await(8), () -> "the resumed search failed:\n" + resumed.tail());
            assertTrue(resumed.tail().contains("resuming " + searchId + " from the population saved at step " + saved
                    + ": " + MEMBERS + " members train on"), resumed.tail());
            stack.awaitStored(searchId, MEMBERS * PBT_STEPS);
            awaitSettled(store, searchId);

            List<StoredTrial> trials = store.rankedTrials(searchId);
            assertEquals(MEMBERS, trials.size());
            for (StoredTrial t : trials) {
                assertEquals("COMPLETED", t.status(), t.trialId() + ": " + t.reason());
                assertEquals(1, t.attempt(), t.trialId() + " went on as its first attempt");
                assertEquals(PBT_STEPS, t.finalStep());
                Curve curve = store.curve(searchId, t.trialId()).orElseThrow();
                assertEquals(LongStream.rangeClosed(1, PBT_STEPS).boxed().toList(),
                        curve.steps().stream().map(Curve.Step::step).toList(), t.trialId() + ": each step once");
                assertEquals(LongStream.rangeClosed(1, PBT_STEPS / PBT_EVAL_EVERY).map(i -> i * PBT_EVAL_EVERY)
                        .boxed().toList(), curve.evaluations().stream().map(Curve.Evaluation::step).toList());
            }
            List<LineageLink> lineage = store.lineage(searchId);
            assertEquals(List.of(EXPLOIT_EVERY, 2 * EXPLOIT_EVERY, 3 * EXPLOIT_EVERY),
                    lineage.stream().map(LineageLink::step).toList(), "one exploit per boundary, none twice");
            assertEquals(lineageAtKill, lineage.subList(0, lineageAtKill.size()), "recorded exploits stand");
            // the store keeps the first of two events with one id: the resumed driver's own line shows that it
            // decided the saved boundary's exploits as recorded, and so trains on as the lineage says
            String resumedLog = Files.readString(dir.resolve("resumed.log"));
            long resumedFrom = saved;
            for (LineageLink link : lineage.stream().filter(l -> l.step() == resumedFrom).toList()) {
                String line = resumedLog.lines().filter(l -> l.startsWith("trial " + link.trialId() + " takes over "
                        + link.donor() + "'s state at step " + link.step() + " ")).findFirst().orElseThrow(() ->
                        new AssertionError("the resumed driver decided otherwise than " + link + ":\n" + resumedLog));
                assertTrue(line.contains("learning_rate=" + link.config().get("learning_rate")), line);
            }
            // 1 SEARCH_STARTED + per member CREATED, STARTED, evaluations, COMPLETED + exploits + 1 SEARCH_FINISHED
            assertEquals(new StoreCounts(MEMBERS, MEMBERS * PBT_STEPS, MEMBERS * PBT_STEPS / PBT_EVAL_EVERY,
                    2 + MEMBERS * (3 + PBT_STEPS / PBT_EVAL_EVERY) + lineage.size(), 0), store.counts(searchId));
            assertFalse(Files.exists(snapshots.file()), "an ended search keeps no population snapshot");
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
