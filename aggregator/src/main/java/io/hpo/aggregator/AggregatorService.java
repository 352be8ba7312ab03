package io.hpo.aggregator;

import io.hpo.aggregator.api.ControlRequests;
import io.hpo.aggregator.api.HttpApi;
import io.hpo.aggregator.config.AggregatorConfig;
import io.hpo.aggregator.api.LiveUpdates;
import io.hpo.aggregator.ingest.ConsumerSettings;
import io.hpo.aggregator.ingest.EventConsumers;
import io.hpo.aggregator.ingest.IngestListener;
import io.hpo.aggregator.metrics.AggregatorMetrics;
import io.hpo.aggregator.store.Database;
import io.hpo.aggregator.store.Migrations;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.events.EventPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** The running aggregator: schema migrated, consumers writing events to the store, HTTP API serving them. */
public final class AggregatorService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AggregatorService.class);
    /** How long start-up waits for the database to accept connections (it may start alongside us). */
    static final Duration DATABASE_WAIT = Duration.ofSeconds(60);

    private final Database db;
    private final ResultsStore store;
    private final EventConsumers consumers;
    private final HttpApi api;
    private final CompletableFuture<Error> consumerFailure;

    private AggregatorService(Database db, ResultsStore store, EventConsumers consumers, HttpApi api,
                              CompletableFuture<Error> consumerFailure) {
        this.db = db;
        this.store = store;
        this.consumers = consumers;
        this.api = api;
        this.consumerFailure = consumerFailure;
    }

    /** Starts everything; an {@link IllegalArgumentException} names a setting that is wrong. */
    public static AggregatorService start(AggregatorConfig config) throws SQLException, InterruptedException {
        config.requireTokenBeyondLoopback();
        LOG.info("starting with {}", config);
        Database db = new Database(config.jdbcUrl(), config.user(), config.password());
        migrate(db);
        ResultsStore store = new ResultsStore(db);
        LiveUpdates live = new LiveUpdates(config.liveClients());
        AggregatorMetrics metrics = new AggregatorMetrics();
        CompletableFuture<Error> consumerFailure = new CompletableFuture<>();
        EventConsumers consumers = EventConsumers.start(config.consumers(), config.bus(),
                ConsumerSettings.from(config), store, new IngestListener() {
            @Override
            public void batchStored(int steps, int lifecycle, Duration writeTime, Set<String> searchIds) {
                metrics.batchStored(steps, lifecycle, writeTime);
                live.searchesChanged(searchIds);
            }

            @Override
            public void lag(long records) {
                metrics.consumerLag(records);
            }

            @Override
            public void consumerFailed(Error error) {
                consumerFailure.complete(error);
            }
        });
        metrics.bindIngest(consumers::stats);
        // a producer only where the API may change something
        ControlRequests control = config.apiToken()
                .map(t -> ControlRequests.withToken(t, new EventPublisher(config.bus())))
                .orElseGet(ControlRequests::readOnly);
        HttpApi api;
        try {
            api = HttpApi.start(config.httpHost(), config.httpPort(), config.httpIdleTimeout(), config.allowedHosts(),
                    store, consumers::stats, metrics, live, control);
        } catch (RuntimeException e) {
            control.close();
            live.close();
            consumers.close();
            db.close();
            throw e;
        }
        LOG.info("results API listening on {} ({})", api.url(), config.apiToken().isPresent()
                ? "cancel requests need the API token, go to " + config.bus().controlTopic() : "read-only");
        return new AggregatorService(db, store, consumers, api, consumerFailure);
    }

    private static void migrate(Database db) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + DATABASE_WAIT.toNanos();
        while (true) {
            try {
                Migrations.migrate(db);
                return;
            } catch (SQLException e) {
                if (!Database.isTransient(e) || System.nanoTime() > deadline) {
                    // its message may quote the URL (a URL the driver cannot parse): only the redacted one goes on
                    SQLException shown = new SQLException(db.withoutCredentials(e.getMessage()), e.getSQLState(),
                            e.getErrorCode());
                    shown.setStackTrace(e.getStackTrace());
                    throw shown;
                }
                LOG.info("waiting for the database at {}: {}", db.url(), db.withoutCredentials(e.getMessage()));
                Thread.sleep(1000);
            }
        }
    }

    public String url() {
        return api.url();
    }

    public ResultsStore store() {
        return store;
    }

    /** Completes with the error that ended a consumer's thread: from then on the API serves a stale store. */
    public CompletableFuture<Error> consumerFailure() {
        return consumerFailure;
    }

    @Override
    public void close() {
        api.close();
        consumers.close();
        db.close();
        LOG.info("stopped");
    }
}
