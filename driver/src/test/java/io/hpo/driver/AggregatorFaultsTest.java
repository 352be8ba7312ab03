package io.hpo.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.aggregator.config.AggregatorConfig;
import io.hpo.aggregator.store.Database;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.SearchSummary;
import io.hpo.aggregator.store.StoreCounts;
import io.hpo.aggregator.store.StoredTrial;
import io.hpo.deploy.LocalAggregator;
import io.hpo.deploy.LocalKafkaBroker;
import io.hpo.deploy.LocalPostgres;
import io.hpo.driver.history.RecordedSearch;
import io.hpo.events.BusConfig;
import io.hpo.events.TrialStatus;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One real search (Spark local[2], real broker and PostgreSQL) survives two faults of its aggregator, which runs as
 * a process of its own: first it is SIGKILLed mid-search and started again; then its database stops for 30 s
 * mid-search and starts again on the same data. The store must end exactly as an undisturbed run leaves it, with
 * every count derived from the spec: each event stored once, nothing lost. The last trial waits to start until the
 * database has stopped, so both faults fall mid-search however fast the search runs beside the aggregator's restart.
 */
class AggregatorFaultsTest {
    private static final int TRIALS = 3;
    private static final int STEPS = 80;
    private static final int WORKERS = 2;
    private static final int EVAL_EVERY = 20;
    private static final String SPEC = """
            name: faults
            seed: 11
            data: {source: demo, demo_sentences: 400}
            budget: {max_trials: %d, max_concurrent_trials: 1, max_steps_per_trial: %d, max_wall_time: 20m}
            training: {workers: %d, averaging_frequency: 5, eval_every: %d, eval_batches: 2}
            space:
              learning_rate: {choice: [2.0e-3, 3.0e-3, 4.0e-3]}
              warmup_steps: 0
              schedule: constant
              batch_size: 8
              layers: 1
              width: 16
              heads: 2
              mlp_multiplier: 2
              seq_length: 24
            """.formatted(TRIALS, STEPS, WORKERS, EVAL_EVERY);
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aKilledAggregatorAndAStoppedDatabaseLoseAndDuplicateNothing(@TempDir Path dir) throws Exception {
        SearchSpec spec = SpecLoader.parse(SPEC, "faults.yaml");
        String searchId = "faults-search";
        // every trial completes: the learning rates are small and constant, so none diverges
        long evaluationsPerTrial = STEPS / EVAL_EVERY;
        // lifecycle: search started and finished; per trial created, started, each evaluation, completed
        StoreCounts expected = new StoreCounts(TRIALS, (long) TRIALS * STEPS * WORKERS, TRIALS * evaluationsPerTrial,
                2 + TRIALS * (3 + evaluationsPerTrial), 0);

        Path log = dir.resolve("aggregator.log");
        LastTrialGate gate = new LastTrialGate(TRIALS);
        LocalPostgres pg = LocalPostgres.start(dir.resolve("postgres"), 0);
        int pgPort = pg.port();
        try (LocalKafkaBroker kafka = LocalKafkaBroker.start(dir.resolve("kafka"), 0);
             Database db = new Database(pg.jdbcUrl(), pg.user(), pg.password())) {
            BusConfig bus = BusConfig.defaults().withBootstrapServers(kafka.bootstrapServers());
            // the group hands a SIGKILLed member's partitions on after the session timeout (45 s by default):
            // the broker's minimum keeps the test short
            Map<String, String> settings = Map.of(AggregatorConfig.JDBC_URL, pg.jdbcUrl(),
                    AggregatorConfig.USER, pg.user(), AggregatorConfig.POLL_MS, "100",
                    AggregatorConfig.RETRY_MAX_MS, "2000", BusConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    BusConfig.KAFKA_PASSTHROUGH_PREFIX + "session.timeout.ms", "6000");
            Map<String, String> env = Map.of("HPO_STORE_PASSWORD", pg.password());
            String classpath = System.getProperty("java.class.path");
            ResultsStore store = new ResultsStore(db);
            long started = System.nanoTime();

            LocalAggregator first = LocalAggregator.start(classpath, settings, env, log);
            CompletableFuture<SearchOutcome> search = CompletableFuture.supplyAsync(
                    () -> runSearch(bus, spec, searchId, gate));

            // fault 1: SIGKILL mid-search, once some steps are stored; the search goes on publishing meanwhile
            await(Duration.ofMinutes(3), "the first steps stored", () -> steps(store, searchId) >= 20);
            long storedAtKill = steps(store, searchId);
            first.kill();
            assertFalse(first.isAlive());
            assertFalse(search.isDone(), "the kill must come mid-search");
            System.out.printf("[faults] aggregator killed at %.1f s with %d steps stored%n", seconds(started),
                    storedAtKill);
            Thread.sleep(2000);
            assertEquals(storedAtKill, steps(store, searchId), "nothing is stored while no aggregator runs");
            LocalAggregator second = LocalAggregator.start(classpath, settings, env, log);
            try {
                await(Duration.ofSeconds(60), "the restarted aggregator storing again",
                        () -> steps(store, searchId) > storedAtKill);

                // fault 2: the database stops for 30 s mid-search and starts again on the same data and port
                long storedAtStop = steps(store, searchId);
                pg.close();
                assertFalse(search.isDone(), "the outage must begin mid-search");
                System.out.printf("[faults] PostgreSQL stopped at %.1f s with %d steps stored%n", seconds(started),
                        storedAtStop);
                gate.open();
                long outageEnd = System.nanoTime() + OUTAGE.toNanos();
                await(OUTAGE, "the aggregator to report the outage", () -> {
                    JsonNode health = health(second);
                    return health.get("status").asText().equals("DOWN")
                            && !health.get("ingest").get("healthy").asBoolean()
                            && health.get("ingest").get("failedAttempts").asLong() > 0;
                });
                Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(outageEnd - System.nanoTime())));
                long failedDuringOutage = health(second).get("ingest").get("failedAttempts").asLong();
                pg = LocalPostgres.start(dir.resolve("postgres"), pgPort);
                System.out.printf("[faults] PostgreSQL back at %.1f s after %d failed write attempts%n",
                        seconds(started), failedDuringOutage);

                SearchOutcome outcome = search.get(5, TimeUnit.MINUTES);
                System.out.printf("[faults] search ended at %.1f s%n", seconds(started));
                assertEquals(TRIALS, outcome.trials().size());
                assertEquals(TRIALS, gate.trialsStarted(), "the gate saw every trial's start line");
                for (TrialSummary t : outcome.trials()) {
                    assertEquals(TrialStatus.COMPLETED, t.result().outcome(), t.trialId() + ": " + t.result());
                }
                await(Duration.ofSeconds(120), "the backlog stored", () -> {
                    try {
                        return store.search(searchId).map(SearchSummary::finished).orElse(false)
                                && store.counts(searchId).equals(expected);
                    } catch (SQLException e) {
                        return false;
                    }
                });
                System.out.printf("[faults] store complete at %.1f s: %s%n", seconds(started), store.counts(searchId));

                assertEquals(expected, store.counts(searchId));
                List<StoredTrial> trials = store.rankedTrials(searchId);
                assertEquals(TRIALS, trials.size());
                for (StoredTrial t : trials) {
                    assertEquals("COMPLETED", t.status(), t.trialId());
                    assertEquals((long) STEPS, t.finalStep(), t.trialId());
                    List<Long> keys = store.curve(searchId, t.trialId()).orElseThrow().steps().stream()
                            .map(s -> s.step() * WORKERS + s.worker()).toList();
                    Set<Long> distinct = new HashSet<>(keys);
                    assertEquals(keys.size(), distinct.size(), "duplicate steps in " + t.trialId());
                    assertEquals(STEPS * WORKERS, distinct.size(), t.trialId());
                }

                JsonNode after = health(second);
                assertEquals("UP", after.get("status").asText(), after.toString());
                assertTrue(after.get("ingest").get("failedAttempts").asLong() >= failedDuringOutage);
                String output = Files.readString(log, StandardCharsets.UTF_8);
                assertTrue(output.contains("failed (attempt 2), retrying in"),
                        "the aggregator backed off, growing its wait: " + output);
            } finally {
                second.close();
            }
        } finally {
            gate.open();
            pg.close();
        }
    }

    private static SearchOutcome runSearch(BusConfig bus, SearchSpec spec, String searchId, LastTrialGate gate) {
        try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("faults")
                .set("spark.ui.enabled", "false"));
             DriverMetrics metrics = new DriverMetrics()) {
            return new SearchRunner(sc, bus, new PrintStream(gate, true, StandardCharsets.UTF_8), metrics, 0)
                    .run(spec, searchId, RecordedSearch.none(searchId));
        } catch (Exception e) {
            throw new IllegalStateException("the search failed", e);
        }
    }

    /** Steps stored so far; -1 while the database does not answer. */
    private static long steps(ResultsStore store, String searchId) {
        try {
            return store.countSteps(searchId);
        } catch (SQLException e) {
            return -1;
        }
    }

    private static JsonNode health(LocalAggregator aggregator) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(aggregator.url() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void await(Duration timeout, String what, CheckedCondition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    /**
     * The driver's progress output, holding the search on the line that announces the last trial's start until
     * {@link #open()}: the search thread prints that line before the trial trains, with no other trial running.
     */
    private static final class LastTrialGate extends OutputStream {
        private final int trials;
        private final CountDownLatch opened = new CountDownLatch(1);
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private int started;

        LastTrialGate(int trials) {
            this.trials = trials;
        }

        void open() {
            opened.countDown();
        }

        synchronized int trialsStarted() {
            return started;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            if (b != '\n') {
                line.write(b);
                return;
            }
            boolean trialStart = line.toString(StandardCharsets.UTF_8).contains(" started: ");
            line.reset();
            if (trialStart && ++started == trials) {
                try {
                    // bounded, so a search whose test failed before opening the gate still ends
                    opened.await(5, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted at the gate", e);
                }
            }
        }
    }

    @FunctionalInterface
    private interface CheckedCondition {
        boolean holds() throws Exception;
    }
}
