package io.hpo.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.aggregator.store.Curve;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.TrialResult;
import io.hpo.deploy.LocalSparkCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
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
            space:
              learning_rate: {log_uniform: [1.0e-3, 1.0e-2]}
              batch_size: 8
              layers: 1
              width: 16
              heads: 2
              mlp_multiplier: 2
              seq_length: 16
            """;
    private static final Pattern WORKER_UI_PORT = Pattern.compile("^http://[^:/]+:(\\d+)/");

    @Test
    void searchSubmittedToAStandaloneClusterSpreadsOverBothWorkersAndLandsInTheStore(@TempDir Path dir) throws Exception {
        Path spec = Files.writeString(dir.resolve("cluster.yaml"), SPEC);
        Path eventLog = Files.createDirectories(dir.resolve("spark-events"));
        String searchId = "cluster-it";
        try (LocalSparkCluster cluster = LocalSparkCluster.start(dir.resolve("spark"), LocalSparkCluster.Settings.small());
             ResultsStack stack = ResultsStack.start(dir)) {
            Path driverLog = dir.resolve("driver.log");
            int rc = submit(cluster, stack.bootstrapServers(), eventLog, spec, searchId, driverLog);
            assertEquals(0, rc, () -> "spark-submit failed:\n" + tail(driverLog));

            ResultsStore store = stack.store();
            stack.awaitStored(searchId, 2L * 10 * 2);
            List<TrialResult> trials = store.rankedTrials(searchId);
            assertEquals(2, trials.size());
            for (TrialResult t : trials) {
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
            for (TrialResult t : trials) {
                Set<String> byTrial = events.executorsByJobGroup.get(searchId + "/" + t.trialId());
                assertTrue(byTrial != null && !byTrial.isEmpty(), t.trialId() + " ran no tasks: " + events.executorsByJobGroup);
                used.addAll(byTrial);
            }
            System.out.println("executors by trial: " + events.executorsByJobGroup);
            assertEquals(events.executorWorkerPorts.keySet(), used, "trials ran on " + events.executorsByJobGroup);
        }
    }

    /** SparkSubmit in client mode from Spark's Maven jars, exactly as `./hpo submit` runs it against a cluster. */
    private static int submit(LocalSparkCluster cluster, String bootstrap, Path eventLog, Path spec, String searchId,
                              Path log) throws IOException, InterruptedException {
        String flags = String.join(" ", LocalSparkCluster.sparkJvmFlags());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g"));
        cmd.addAll(LocalSparkCluster.sparkJvmFlags());
        cmd.addAll(List.of("-cp", LocalSparkCluster.sparkHome().resolve("jars") + "/*",
                "org.apache.spark.deploy.SparkSubmit", "--master", cluster.masterUrl(), "--deploy-mode", "client",
                "--executor-memory", "1536m", "--total-executor-cores", "2", "--executor-cores", "1",
                "--conf", "spark.driver.host=127.0.0.1",
                "--conf", "spark.ui.enabled=false",
                // start only once both executors are up, and let no cached block pin tasks to the first one
                "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf", "spark.locality.wait=0s",
                "--conf", "spark.eventLog.enabled=true",
                "--conf", "spark.eventLog.dir=" + eventLog.toUri(),
                "--conf", "spark.hpo.kafka.bootstrap.servers=" + bootstrap,
                "--conf", "spark.executorEnv.OMP_NUM_THREADS=1",
                "--conf", "spark.driver.extraJavaOptions=" + flags,
                "--conf", "spark.executor.extraJavaOptions=" + flags,
                "--class", "io.hpo.driver.SearchDriverMain", System.getProperty("hpo.driver.jar"),
                spec.toString(), "--search-id", searchId));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(LocalSparkCluster.sparkEnvironment(LocalSparkCluster.sparkHome()));
        Process p = pb.start();
        if (!p.waitFor(8, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("the search did not finish within 8 minutes:\n" + tail(log));
        }
        return p.exitValue();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
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
