package io.hpo.driver;

import io.hpo.aggregator.AggregatorService;
import io.hpo.aggregator.config.AggregatorConfig;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.SearchSummary;
import io.hpo.deploy.LocalKafkaBroker;
import io.hpo.deploy.LocalPostgres;
import io.hpo.events.BusConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What a search reports to, for integration tests: a real Kafka broker, a real PostgreSQL and the real
 * aggregator between them, in one folder, stopped in reverse order.
 */
final class ResultsStack implements AutoCloseable {
    /** The aggregator's API token: its cancel endpoints are open to tests that send it. */
    static final String API_TOKEN = "test-token";

    private LocalKafkaBroker kafka;
    private final LocalPostgres postgres;
    private final AggregatorService aggregator;
    private final AggregatorConfig config;

    private ResultsStack(LocalKafkaBroker kafka, LocalPostgres postgres, AggregatorService aggregator,
                         AggregatorConfig config) {
        this.kafka = kafka;
        this.postgres = postgres;
        this.aggregator = aggregator;
        this.config = config;
    }

    static ResultsStack start(Path dir) throws Exception {
        LocalKafkaBroker kafka = LocalKafkaBroker.start(dir.resolve("kafka"), 0);
        LocalPostgres postgres = LocalPostgres.start(dir.resolve("postgres"), 0);
        AggregatorConfig config = AggregatorConfig.of(Map.of(
                AggregatorConfig.JDBC_URL, postgres.jdbcUrl(),
                AggregatorConfig.USER, postgres.user(),
                AggregatorConfig.PASSWORD, postgres.password(),
                AggregatorConfig.HTTP_PORT, "0",
                AggregatorConfig.API_TOKEN, API_TOKEN,
                BusConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers()));
        return new ResultsStack(kafka, postgres, AggregatorService.start(config), config);
    }

    /** The aggregator's settings, for the results CLI ({@code ./hpo best} and the like) on the same store. */
    AggregatorConfig config() {
        return config;
    }

    BusConfig bus() {
        return BusConfig.defaults().withBootstrapServers(kafka.bootstrapServers());
    }

    /** Stops the broker (controlled shutdown), leaves it down for {@code downtime}, starts it on the same port. */
    void restartKafka(Duration downtime) throws InterruptedException {
        Path dir = kafka.dataDir();
        int port = kafka.port();
        kafka.close();
        Thread.sleep(downtime.toMillis());
        kafka = LocalKafkaBroker.start(dir, port);
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    AggregatorService aggregator() {
        return aggregator;
    }

    ResultsStore store() {
        return aggregator.store();
    }

    /** Waits until the store has a step of the trial: it is training. */
    void awaitSteps(String searchId, String trialId) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            if (store().rankedTrials(searchId).stream()
                    .anyMatch(t -> t.trialId().equals(trialId) && t.finalStep() != null && t.finalStep() > 0)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(trialId + " never trained a step");
    }

    /** Waits until the search is FINISHED in the store with at least {@code expectedSteps} step metrics. */
    void awaitStored(String searchId, long expectedSteps) throws Exception {
        ResultsStore store = store();
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            boolean finished = store.search(searchId).map(SearchSummary::finished).orElse(false);
            if (finished && store.countSteps(searchId) >= expectedSteps) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the store did not catch up within 60 s: " + store.search(searchId)
                + ", steps " + store.countSteps(searchId) + " of " + expectedSteps);
    }

    @Override
    public void close() {
        aggregator.close();
        postgres.close();
        kafka.close();
    }
}
