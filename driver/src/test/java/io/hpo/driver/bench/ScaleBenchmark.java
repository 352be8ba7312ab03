package io.hpo.driver.bench;

import io.hpo.aggregator.store.Database;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.config.AggregatorConfig;
import io.hpo.deploy.LocalAggregator;
import io.hpo.deploy.LocalKafkaBroker;
import io.hpo.deploy.LocalPostgres;
import io.hpo.driver.DispatchScale;
import io.hpo.events.BusConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The service at production scale, on one real stack (Kafka broker, PostgreSQL, and the aggregator in a JVM of its
 * own with {@code ./hpo up}'s flags) started for the run; prints one table. Parts: ingest rate and step → API
 * latency, and a backlog drained by a second aggregator ({@link IngestScale}; its consumers and batch size {@code
 * -Dhpo.bench.scale.consumers} and {@code batch}, the aggregator's defaults unless given); the dashboard and API on a
 * search of 10,000 trials (stored by SQL), the ingested search of long curves and 1,000 searches
 * ({@link DashboardScale}); resume among many searches ({@link ResumeScale}); dispatch through the real driver
 * ({@link DispatchScale}). Run with {@code mvn -B -o -q -pl driver -am test -Dtest=ScaleBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -Dhpo.bench=scale}. Settings: {@code -Dhpo.bench.scale.parts}
 * (ingest,drain,dashboard,resume,dispatch), {@code -Dhpo.bench.scale.trials} (100) and {@code -Dhpo.bench.scale.steps}
 * (10,000) size the ingested searches, {@code -Dhpo.bench.scale.rate} (100,000 records/s) paces the one whose
 * latency is measured, {@code -Dhpo.bench.scale.dispatch_trials} (1,000) the tiny trials run through the driver.
 */
@EnabledIfSystemProperty(named = "hpo.bench", matches = "scale")
class ScaleBenchmark {

    @Test
    void scale(@TempDir Path dir) throws Exception {
        Set<String> parts = Set.of(System.getProperty("hpo.bench.scale.parts",
                "ingest,drain,dashboard,resume,dispatch").split(","));
        int trials = Integer.getInteger("hpo.bench.scale.trials", 100);
        int steps = Integer.getInteger("hpo.bench.scale.steps", 10_000);
        int pacedRate = Integer.getInteger("hpo.bench.scale.rate", 100_000);
        int dispatchTrials = Integer.getInteger("hpo.bench.scale.dispatch_trials", 1_000);
        List<ScaleFigure> figures = new ArrayList<>();
        try (LocalKafkaBroker kafka = LocalKafkaBroker.start(dir.resolve("kafka"), 0);
             LocalPostgres postgres = LocalPostgres.start(dir.resolve("postgres"), 0)) {
            Map<String, String> settings = Map.of(AggregatorConfig.JDBC_URL, postgres.jdbcUrl(),
                    AggregatorConfig.USER, postgres.user(), AggregatorConfig.HTTP_PORT, "0",
                    BusConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            AggregatorConfig config = AggregatorConfig.of(settings);
            Map<String, String> env = Map.of("HPO_STORE_PASSWORD", postgres.password());
            String classpath = System.getProperty("java.class.path");
            // its own JVM, as in production: the benchmark's publishing and requests neither share its heap nor
            // pause it with their collections
            try (LocalAggregator aggregator = LocalAggregator.start(classpath, LocalAggregator.SERVICE_JVM, settings,
                    env, dir.resolve("aggregator.log"));
                 Database storeDb = new Database(postgres.jdbcUrl(), postgres.user(), postgres.password());
                 Connection db = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(),
                         postgres.password())) {
                ResultsStore store = new ResultsStore(storeDb);
                if (parts.contains("ingest")) {
                    figures.addAll(IngestScale.measure(config.bus(), store, db, aggregator.url(),
                            "ingest-scale", trials, steps, pacedRate));
                }
                if (parts.contains("drain")) {
                    Map<String, String> backlog = new HashMap<>(settings);
                    backlog.putAll(Map.of(BusConfig.STEPS_TOPIC, "backlog.steps",
                            BusConfig.LIFECYCLE_TOPIC, "backlog.lifecycle", AggregatorConfig.GROUP_ID, "backlog",
                            AggregatorConfig.CONSUMERS, System.getProperty("hpo.bench.scale.consumers",
                                    Integer.toString(config.consumers())),
                            AggregatorConfig.MAX_POLL_RECORDS, System.getProperty("hpo.bench.scale.batch",
                                    Integer.toString(config.maxPollRecords()))));
                    AggregatorConfig backlogConfig = AggregatorConfig.of(backlog);
                    figures.add(IngestScale.drain(backlogConfig.bus(), backlogConfig.consumers(), store, db,
                            "ingest-backlog", trials, steps, () -> LocalAggregator.start(classpath,
                                    LocalAggregator.SERVICE_JVM, backlog, env, dir.resolve("backlog-aggregator.log"))));
                }
                if (parts.contains("dashboard")) {
                    // the long curves are the ingest part's search when it ran: stored through the real ingest path
                    String longCurves = parts.contains("ingest") ? "ingest-scale" : DashboardScale.LONG_CURVES;
                    ScaleDatasets.search(postgres.jdbcUrl(), postgres.user(), postgres.password(),
                            DashboardScale.MANY_TRIALS, 10_000, 20);
                    if (!parts.contains("ingest")) {
                        ScaleDatasets.search(postgres.jdbcUrl(), postgres.user(), postgres.password(), longCurves,
                                trials, steps);
                    }
                    ScaleDatasets.manySearches(postgres.jdbcUrl(), postgres.user(), postgres.password(), 1_000);
                    figures.addAll(DashboardScale.measure(aggregator.url(), DashboardScale.MANY_TRIALS, longCurves,
                            dir.resolve("chromium")));
                }
                if (parts.contains("resume")) {
                    figures.addAll(ResumeScale.measure(kafka.bootstrapServers(), config.bus()));
                }
                if (parts.contains("dispatch")) {
                    figures.addAll(DispatchScale.measure(config.bus(), dispatchTrials));
                }
            }
        }
        print(figures);
    }

    private static void print(List<ScaleFigure> figures) {
        int w1 = "measure".length();
        int w2 = "value".length();
        for (ScaleFigure f : figures) {
            w1 = Math.max(w1, f.measure().length());
            w2 = Math.max(w2, f.value().length());
        }
        String row = "| %-" + w1 + "s | %-" + w2 + "s | %s |%n";
        System.out.printf(row, "measure", "value", "target");
        System.out.printf(row, "-".repeat(w1), "-".repeat(w2), "---");
        figures.forEach(f -> System.out.printf(row, f.measure(), f.value(), f.target()));
    }
}
