package io.hpo.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.aggregator.store.Curve;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.StoredTrial;
import io.hpo.deploy.LocalSparkCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged application on a real Spark standalone cluster: a master and two workers (separate JVMs, one
 * core each), the shaded jar submitted with SparkSubmit in client mode, the real Kafka broker, PostgreSQL and
 * aggregator. Spark's event log says which worker launched each executor and which executor ran each task of
 * each trial's job group; the store says which worker index published each step.
 */
class StandaloneClusterIT {
    private static final String SPEC = """
            name: cluster
            seed: 11
            data:
              source: demo
              demo_sentences: 600
            budget:
              max_trials: 2
              max_concurrent_trials: 2
              max_steps_per_trial: 10
              max_wall_time: 10m
            training:
              workers: 2
              averaging_frequency: 5
              eval_every: 5
              eval_batches: 1
            """ + TinyModel.space("{log_uniform: [1.0e-3, 1.0e-2]}");
    private static final Pattern WORKER_UI_PORT = Pattern.compile("^http://[^:/]+:(\\d+)/");

    @Test
    void searchSubmittedToAStandaloneClusterSpreadsOverBothWorkersAndLandsInTheStore(@TempDir Path dir) throws Exception {
        Path spec = Files.writeString(dir.resolve("cluster.yaml"), SPEC);
        Path eventLog = Files.createDirectories(dir.resolve("spark-events"));
        String searchId = "cluster-it";
        try (LocalSparkCluster cluster = LocalSparkCluster.start(dir.resolve("spark"), LocalSparkCluster.Settings.small());
             ResultsStack stack = ResultsStack.start(dir)) {
            DriverProcess driver = DriverProcess.start(cluster.masterUrl(), stack.bootstrapServers(), List.of(
                    "spark.executor.memory=1536m", "spark.cores.max=2", "spark.executor.cores=1",
                    // start only once both executors are up, and let no cached block pin tasks to the first one
                    "spark.scheduler.minRegisteredResourcesRatio=1.0", "spark.locality.wait=0s",
                    "spark.eventLog.enabled=true", "spark.eventLog.dir=" + eventLog.toUri()),
                    dir.resolve("driver.log"), spec.toString(), "--search-id", searchId);
            assertEquals(0, driver.await(8), () -> "spark-submit failed:\n" + driver.tail());

            ResultsStore store = stack.store();
            stack.awaitStored(searchId, 2L * 10 * 2);
            List<StoredTrial> trials = store.rankedTrials(searchId);
            assertEquals(2, trials.size());
            for (StoredTrial t : trials) {
                assertEquals("COMPLETED", t.status(), t.trialId() + ": " + t.reason());
                assertEquals(10L, t.finalStep(), t.trialId());
                // every step of the trial was trained by both workers of its averaging: indices 0 and 1 each
                Curve curve = store.curve(searchId, t.trialId()).orElseThrow();
                Map<Long, Set<Integer>> workersByStep = curve.steps().stream().collect(Collectors.groupingBy(
                        Curve.Step::step, TreeMap::new, Collectors.mapping(Curve.Step::worker, Collectors.toSet())));
                assertEquals(10, workersByStep.size(), t.trialId() + " " + workersByStep);
                workersByStep.forEach((step, workers) -> assertEquals(Set.of(0, 1), workers, t.trialId() + " step " + step));
            }

            // the executors: one on each standalone worker, and the search's training tasks ran on both of them.
            // Which executor runs which trial's task is the scheduler's choice (two trials compete for two cores),
            // so a trial may run both its workers on one executor in turn; the store shows both always took part.
            SparkEvents events = SparkEvents.read(eventLog);
            assertEquals(2, events.executorWorkerPorts.size(), events.executorWorkerPorts::toString);
            assertEquals(Set.copyOf(cluster.workerWebUiPorts()), Set.copyOf(events.executorWorkerPorts.values()),
                    "executors per worker " + events.executorWorkerPorts);
            Set<String> used = new TreeSet<>();
            for (StoredTrial t : trials) {
                Set<String> byTrial = events.executorsByJobGroup.get(searchId + "/" + t.trialId());
                assertTrue(byTrial != null && !byTrial.isEmpty(), t.trialId() + " ran no tasks: " + events.executorsByJobGroup);
                used.addAll(byTrial);
            }
            System.out.println("executors by trial: " + events.executorsByJobGroup);
            assertEquals(events.executorWorkerPorts.keySet(), used, "trials ran on " + events.executorsByJobGroup);
        }
    }

    /**
     * Executors killed (SIGKILL) under running trials, with Spark's in-round task retry off
     * (spark.task.maxFailures=1) and one trial-level retry (hpo.trial.retries=1): the first trial loses its
     * executors once and completes as attempt 2; the second loses them on both attempts and ends FAILED with the
     * reason; the third runs undisturbed. The search goes on through all of it and ends with every trial's latest
     * attempt complete in the store.
     */
    @Test
    void aTrialThatLosesItsExecutorRunsAgainUntilItsRetriesAreSpentAndTheSearchGoesOn(@TempDir Path dir)
            throws Exception {
        Path spec = Files.writeString(dir.resolve("lost.yaml"), LOST_EXECUTOR_SPEC);
        String searchId = "lost-executor-it";
        try (LocalSparkCluster cluster = LocalSparkCluster.start(dir.resolve("spark"), LocalSparkCluster.Settings.small());
             ResultsStack stack = ResultsStack.start(dir)) {
            DriverProcess driver = DriverProcess.start(cluster.masterUrl(), stack.bootstrapServers(), List.of(
                    "spark.executor.memory=1536m", "spark.cores.max=2", "spark.executor.cores=1",
                    "spark.scheduler.minRegisteredResourcesRatio=1.0", "spark.task.maxFailures=1",
                    "spark.hpo.trial.retries=1"), dir.resolve("driver.log"), spec.toString(), "--search-id", searchId);
            ResultsStore store = stack.store();
            killExecutorsUntilAttempt(store, searchId, "trial-000", 2, driver);
            killExecutorsUntilAttempt(store, searchId, "trial-001", 2, driver);
            killExecutorsUntilAttempt(store, searchId, "trial-001", 3, driver);
            assertEquals(0, driver.await(8), () -> "the search failed:\n" + driver.tail());
            stack.awaitStored(searchId, 2L * 30);

            Map<String, StoredTrial> trials = store.rankedTrials(searchId).stream()
                    .collect(Collectors.toMap(StoredTrial::trialId, t -> t));
            assertEquals(Set.of("trial-000", "trial-001", "trial-002"), trials.keySet());
            StoredTrial retried = trials.get("trial-000");
            assertEquals("COMPLETED", retried.status(), retried.reason());
            assertEquals(2, retried.attempt());
            assertEquals(30L, retried.finalStep());
            StoredTrial failed = trials.get("trial-001");
            assertEquals("FAILED", failed.status());
            assertEquals(2, failed.attempt());
            assertTrue(failed.reason().contains("lost an executor") && failed.reason().contains("ExecutorLostFailure")
                    && failed.reason().contains("no retries left"), failed.reason());
            assertEquals("COMPLETED", trials.get("trial-002").status());
            assertEquals(1, trials.get("trial-002").attempt());
            assertEquals(30, store.curve(searchId, "trial-000").orElseThrow().steps().size(),
                    "the retried trial's curve is its second attempt's, each step once");
            assertTrue(store.counts(searchId).supersededSteps() > 0, "the lost attempts' steps stay stored");
        }
    }

    private static final String LOST_EXECUTOR_SPEC = """
            name: lost
            seed: 5
            data: {source: demo, demo_sentences: 600}
            strategy: {type: grid}
            budget: {max_trials: 3, max_concurrent_trials: 1, max_steps_per_trial: 30, max_wall_time: 15m}
            training: {workers: 1, averaging_frequency: 3, eval_every: 15, eval_batches: 1}
            """ + TinyModel.space("{choice: [1.0e-3, 2.0e-3, 3.0e-3]}");

    /**
     * Kills every executor of the cluster whenever {@code trialId} has trained steps in an attempt before
     * {@code attempt}, until the store shows that attempt started (or the trial ended). A kill that lands between
     * two rounds fails no task, so it repeats until one does.
     */
    private static void killExecutorsUntilAttempt(ResultsStore store, String searchId, String trialId, int attempt,
                                                  DriverProcess driver) throws Exception {
        long deadline = System.currentTimeMillis() + 4 * 60_000;
        long killedAtStep = -1;
        while (System.currentTimeMillis() < deadline && driver.isAlive()) {
            StoredTrial t = store.rankedTrials(searchId).stream().filter(r -> r.trialId().equals(trialId))
                    .findFirst().orElse(null);
            if (t != null && (t.attempt() >= attempt || t.endedAt() != null)) {
                return;
            }
            if (t != null && t.finalStep() != null && t.finalStep() > killedAtStep) {
                List<ProcessHandle> executors = ProcessHandle.allProcesses()
                        .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                        .toList();
                executors.forEach(ProcessHandle::destroyForcibly);
                System.out.println("killed " + executors.size() + " executors at " + trialId + " attempt "
                        + t.attempt() + " step " + t.finalStep());
                killedAtStep = t.finalStep();
            }
            Thread.sleep(200);
        }
        throw new AssertionError(trialId + " never reached attempt " + attempt + ":\n" + driver.tail());
    }

    /** What Spark's JSON event log says about executors and where each job group's tasks ran. */
    private static final class SparkEvents {
        final Map<String, Integer> executorWorkerPorts = new TreeMap<>();
        final Map<String, Set<String>> executorsByJobGroup = new HashMap<>();

        static SparkEvents read(Path dir) throws IOException {
            List<Path> logs;
            try (Stream<Path> files = Files.list(dir)) {
                logs = files.toList();
            }
            assertEquals(1, logs.size(), "one application's event log: " + logs);
            ObjectMapper json = new ObjectMapper();
            SparkEvents events = new SparkEvents();
            Map<Integer, String> groupByStage = new HashMap<>();
            for (String line : Files.readAllLines(logs.get(0))) {
                JsonNode e = json.readTree(line);
                switch (e.path("Event").asText()) {
                    case "SparkListenerExecutorAdded" -> {
                        // an executor's log URL is served by the standalone worker that launched it
                        Matcher m = WORKER_UI_PORT.matcher(e.path("Executor Info").path("Log Urls").path("stdout").asText());
                        assertTrue(m.find(), line);
                        events.executorWorkerPorts.put(e.path("Executor ID").asText(), Integer.parseInt(m.group(1)));
                    }
                    case "SparkListenerJobStart" -> {
                        String group = e.path("Properties").path("spark.jobGroup.id").asText(null);
                        if (group != null) {
                            e.path("Stage IDs").forEach(s -> groupByStage.put(s.asInt(), group));
                        }
                    }
                    case "SparkListenerTaskEnd" -> {
                        String group = groupByStage.get(e.path("Stage ID").asInt());
                        if (group != null) {
                            events.executorsByJobGroup.computeIfAbsent(group, g -> new TreeSet<>())
                                    .add(e.path("Task Info").path("Executor ID").asText());
                        }
                    }
                    default -> {
                    }
                }
            }
            return events;
        }
    }
}
