package io.hpo.driver;

import io.hpo.deploy.LocalKafkaBroker;
import io.hpo.driver.bus.DriverLease;
import io.hpo.driver.history.LifecycleLog;
import io.hpo.driver.history.RecordedSearch;
import io.hpo.driver.history.RecordedTrial;
import io.hpo.events.BusConfig;
import io.hpo.events.EventPublisher;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleType;
import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.SpecLoader;
import io.hpo.space.spec.SpecWriter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A broken spec, bad arguments or another live driver of the search end the driver with exit code 2 before Spark
 * starts; bad data before any trial.
 */
class SearchDriverMainTest {

    @Test
    void aBrokenSpecFailsFastNamingFileLineAndReason(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("broken.yaml");
        Files.writeString(spec, "name: x\nbudget:\n  max_trails: 3\n");
        String err = stderrOf(() -> assertEquals(2, SearchDriverMain.run(new String[]{spec.toString()})));
        assertTrue(err.contains(spec + ":3:"), err);
        assertTrue(err.contains("max_trials"), err);
    }

    @Test
    void badArgumentsPrintUsage() throws Exception {
        String err = stderrOf(() -> assertEquals(2, SearchDriverMain.run(new String[0])));
        assertTrue(err.contains("usage"), err);
    }

    @Test
    void anInvalidSearchIdIsRefused(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("ok.yaml");
        Files.writeString(spec, "name: ok\n");
        String err = stderrOf(() -> assertEquals(2,
                SearchDriverMain.run(new String[]{spec.toString(), "--search-id", "../etc"})));
        assertTrue(err.contains("search id"), err);
    }

    /** The default jar carries only ND4J's CPU backend: a GPU request fails before the spec is read or Spark starts. */
    @Test
    void aGpuRequestWithoutTheCudaBackendIsRefused(@TempDir Path dir) throws Exception {
        Path spec = Files.writeString(dir.resolve("ok.yaml"), "name: ok\n");
        System.setProperty("spark.hpo.worker.gpus", "1");
        System.setProperty("spark.master", "spark://127.0.0.1:1");
        String err;
        try {
            err = stderrOf(() -> assertEquals(2, SearchDriverMain.run(new String[]{spec.toString()})));
        } finally {
            System.clearProperty("spark.hpo.worker.gpus");
            System.clearProperty("spark.master");
        }
        assertEquals("error: hpo.worker.gpus=1 asks for GPU executors, but this driver jar has no CUDA backend "
                + "(nd4j-cuda-11.6): build it with `mvn -Pgpu package`", err.strip());
    }

    /** Kafka down: one line and exit code 2 within the check's timeout, before Spark starts or any data loads. */
    @Test
    void aBrokerThatDoesNotAnswerFailsBeforeSparkWithOneLine(@TempDir Path dir) throws Exception {
        Path spec = Files.writeString(dir.resolve("ok.yaml"), "name: ok\n");
        String servers;
        try (ServerSocket free = new ServerSocket(0)) {
            servers = "127.0.0.1:" + free.getLocalPort();
        }
        System.setProperty("spark.hpo.kafka.bootstrap.servers", servers);
        String err;
        long started = System.nanoTime();
        try {
            err = stderrOf(() -> assertEquals(2, SearchDriverMain.run(new String[]{spec.toString()})));
        } finally {
            System.clearProperty("spark.hpo.kafka.bootstrap.servers");
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

        assertEquals("error: no Kafka broker answered at " + servers + " within 10 s (hpo.kafka.bootstrap.servers):"
                + " start it (./hpo up) or point hpo.kafka.bootstrap.servers at a running one", err.strip());
        assertTrue(seconds < 30, "took " + seconds + " s");
    }

    /** Spark starts and reads the data, but the data is checked before the first event is published. */
    @Test
    void dataTooSmallForOneBatchFailsBeforeAnyTrialWithExitCode2(@TempDir Path dir) throws Exception {
        Path data = Files.writeString(dir.resolve("x.txt"), "the cat can run . can the cat run ?\n".repeat(3));
        Path spec = Files.writeString(dir.resolve("tiny.yaml"), """
                name: tiny
                data:
                  source: x.txt
                space:
                  batch_size: {choice: [8, 16]}
                  seq_length: 64
                """);
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"), 0)) {
            System.setProperty("spark.hpo.kafka.bootstrap.servers", broker.bootstrapServers());
            String err;
            try {
                err = stderrOf(() -> assertEquals(2, SearchDriverMain.run(new String[]{spec.toString()})));
            } finally {
                System.clearProperty("spark.hpo.kafka.bootstrap.servers");
            }

            assertTrue(err.contains("error: " + data + ": the training split has 97 tokens; a training batch needs "
                    + "batch_size × (seq_length + 1) = 16 × 65 = 1,040"), err);
            assertFalse(err.contains("\tat "), "no stack trace: " + err);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                assertEquals(Set.of(BusConfig.LEASE_TOPIC_DEFAULT), admin.listTopics().names().get(30, TimeUnit.SECONDS),
                        "nothing was published, so no topic but the (empty) lease topic was created");
            }
        }
    }

    /**
     * A second driver of a search, by submit with its id or by --resume, while another holds the search's lease:
     * one line and exit code 2, before it reads the search's history or starts Spark.
     */
    @Test
    void aSecondDriverOfARunningSearchIsRefusedWithOneLine(@TempDir Path dir) throws Exception {
        Path spec = Files.writeString(dir.resolve("ok.yaml"), "name: ok\n");
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"), 0);
             DriverLease first = DriverLease.acquire(BusConfig.defaults()
                     .withBootstrapServers(broker.bootstrapServers()), "busy", Duration.ofSeconds(10))) {
            System.setProperty("spark.hpo.kafka.bootstrap.servers", broker.bootstrapServers());
            try {
                String refusal = "error: search busy is already being run by another driver (it holds the lease in "
                        + "consumer group hpo-driver.busy on hpo.leases): wait for it to end or stop it; a driver "
                        + "killed without stopping keeps the lease for 10 s (hpo.driver.lease.session.timeout.ms)";
                assertEquals(refusal, stderrOf(() -> assertEquals(2,
                        SearchDriverMain.run(new String[]{spec.toString(), "--search-id", "busy"}))).strip());
                assertEquals(refusal, stderrOf(() -> assertEquals(2,
                        SearchDriverMain.run(new String[]{"--resume", "busy"}))).strip());
            } finally {
                System.clearProperty("spark.hpo.kafka.bootstrap.servers");
            }
            assertEquals(Optional.empty(), first.lost(), "the running driver keeps its lease");
        }
    }

    /**
     * Two real drivers of one search in this JVM: while the first runs its search (it holds the lease before Spark
     * starts), {@code --resume} of it exits 2 with the refusal; once the first has ended, {@code --resume} gets the
     * lease and finds the search finished.
     */
    @Test
    void aResumeWhileTheSearchsDriverRunsIsRefusedAndGoesThroughOnceItEnded(@TempDir Path dir) throws Exception {
        Path spec = Files.writeString(dir.resolve("live.yaml"), """
                name: live
                seed: 3
                data: {source: demo, demo_sentences: 200}
                budget: {max_trials: 1, max_concurrent_trials: 1, max_steps_per_trial: 1000, max_wall_time: 10m}
                training: {workers: 1, averaging_frequency: 50, eval_every: 500, eval_batches: 1}
                """ + TinyModel.space("1.0e-3"));
        // 1,000 steps (seconds even on a quiet machine) so that the first driver still runs while the second one
        // joins the lease's group: with 100 steps it could end first, and the second then took the freed lease
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"), 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     broker.bootstrapServers()))) {
            Map<String, String> props = Map.of("spark.hpo.kafka.bootstrap.servers", broker.bootstrapServers(),
                    "spark.master", "local[1]", "spark.ui.enabled", "false");
            props.forEach(System::setProperty);
            try {
                CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() ->
                        SearchDriverMain.run(new String[]{spec.toString(), "--search-id", "live"}));
                String group = DriverLease.group("live");
                while (!first.isDone() && admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS)
                        .get(group).members().stream().noneMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
                    Thread.sleep(100);
                }
                assertFalse(first.isDone(), "the first driver still runs");
                String err = stderrOf(() -> assertEquals(2, SearchDriverMain.run(new String[]{"--resume", "live"})));
                assertTrue(err.contains("error: search live is already being run by another driver"), err);
                assertFalse(first.isDone(), "refused while the first driver ran, not after it ended");

                assertEquals(0, first.get(5, TimeUnit.MINUTES));
                assertEquals(0, SearchDriverMain.run(new String[]{"--resume", "live"}), "the lease was left");
            } finally {
                props.keySet().forEach(System::clearProperty);
            }
        }
    }

    /**
     * A pbt search whose driver stopped before the population's first boundary was saved (one member created and
     * started, no snapshot): {@code --resume} starts the members again, the recorded one as its attempt 2 with its
     * recorded configuration, the rest drawn as new members, and every member completes.
     */
    @Test
    void aPbtSearchStoppedBeforeItsFirstBoundaryStartsItsMembersAgain(@TempDir Path dir) throws Exception {
        Path spec = Files.writeString(dir.resolve("pbt.yaml"), """
                name: p
                seed: 4
                data: {source: demo, demo_sentences: 200}
                strategy: {type: pbt, population: 2, exploit_every: 5}
                budget: {max_trials: 2, max_steps_per_trial: 10, max_wall_time: 10m}
                training: {workers: 1, averaging_frequency: 5, eval_every: 5, eval_batches: 1}
                checkpoints: {dir: %s}
                """.formatted(dir.resolve("checkpoints")) + TinyModel.space("{log_uniform: [1.0e-4, 1.0e-2]}"));
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"), 0)) {
            BusConfig bus = BusConfig.defaults().withBootstrapServers(broker.bootstrapServers());
            Map<String, Object> recorded = new LinkedHashMap<>(Hyperparameters.defaults().toMap());
            recorded.putAll(Map.of("learning_rate", 1e-3, "batch_size", 8, "layers", 1, "width", 16, "heads", 2,
                    "mlp_multiplier", 2, "seq_length", 16));
            try (EventPublisher publisher = new EventPublisher(bus)) {
                publisher.publish(LifecycleEvent.searchStarted("stopped", "p",
                        SpecWriter.canonical(SpecLoader.load(spec))));
                publisher.publish(LifecycleEvent.trialCreated("stopped", "trial-000", recorded));
                publisher.publish(LifecycleEvent.trialStarted("stopped", "trial-000", 1, null));
                publisher.flush();
            }
            Map<String, String> props = Map.of("spark.hpo.kafka.bootstrap.servers", broker.bootstrapServers(),
                    "spark.master", "local[1]", "spark.ui.enabled", "false");
            props.forEach(System::setProperty);
            try {
                assertEquals(0, SearchDriverMain.run(new String[]{"--resume", "stopped"}));
            } finally {
                props.keySet().forEach(System::clearProperty);
            }
            RecordedSearch after = LifecycleLog.read(bus, "stopped", System.err);
            assertTrue(after.finished(), "the search ended");
            assertEquals(List.of("trial-000", "trial-001"), after.trials().stream().map(RecordedTrial::trialId)
                    .toList());
            for (RecordedTrial t : after.trials()) {
                assertEquals(LifecycleType.TRIAL_COMPLETED, t.terminal().type(), t.trialId());
                assertEquals(List.of(5L, 10L), t.evaluations().stream().map(RecordedTrial.Evaluation::step)
                        .toList(), t.trialId());
            }
            assertEquals(2, after.trials().get(0).lastAttempt(), "the recorded member started again");
            assertEquals(1, after.trials().get(1).lastAttempt());
        }
    }

    /**
     * What {@code r} wrote to stderr, without SLF4J's own notice about the test classpath's two providers: it comes
     * from whichever test first logs in this JVM, so a test run alone would see it and one run after others not.
     */
    private static String stderrOf(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8).lines().filter(line -> !line.startsWith("SLF4J:"))
                .collect(Collectors.joining("\n"));
    }
}
