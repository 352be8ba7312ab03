package io.hpo.aggregator.metrics;

import io.hpo.aggregator.ingest.IngestStats;
import io.hpo.aggregator.store.SearchSummary;
import io.hpo.events.PrometheusRegistries;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The aggregator's Micrometer meters, exposed in Prometheus format on {@code /metrics}:
 * <pre>
 * hpo_aggregator_records_ingested_total{topic}     valid records written (rate() = records per second)
 * hpo_aggregator_records_corrupt_total             records skipped as not valid events
 * hpo_aggregator_dead_lettered_total               of those, records acknowledged on the dead-letter topic
 * hpo_aggregator_records_rejected_total            valid events the database refused
 * hpo_aggregator_consumer_lag_records              records behind the end of the topics after the last poll
 * hpo_aggregator_store_write_seconds               time to store one batch (histogram)
 * hpo_aggregator_ingest_healthy                    1, or 0 while batch writes are failing or ingestion is down
 * hpo_trials{search_id,state}                      trials per state of the newest searches
 * hpo_search_best_val_loss{search_id}              best validation loss of each of those searches
 * hpo_search_running{search_id}                    1 while the search has not finished
 * </pre>
 * plus the JVM's own (memory, GC, threads, CPU, uptime). Store-derived gauges are refreshed on each scrape.
 */
public final class AggregatorMetrics {
    /** Per-search series are exported for this many newest searches, to bound the series count. */
    public static final int SEARCHES_EXPORTED = 50;

    private final PrometheusMeterRegistry registry = PrometheusRegistries.create();
    private final Counter stepsIngested;
    private final Counter lifecycleIngested;
    private final Timer storeWrite;
    private final AtomicLong consumerLag = new AtomicLong();
    private final MultiGauge trialsByState;
    private final MultiGauge bestLoss;
    private final MultiGauge searchRunning;
    private volatile Supplier<IngestStats> ingest = () -> IngestStats.NONE;

    public AggregatorMetrics() {
        stepsIngested = ingestedCounter("steps");
        lifecycleIngested = ingestedCounter("lifecycle");
        Gauge.builder("hpo.aggregator.consumer.lag", consumerLag, AtomicLong::get).baseUnit("records")
                .description("records behind the end of both topics, summed over partitions, after the last poll")
                .register(registry);
        storeWrite = Timer.builder("hpo.aggregator.store.write")
                .description("time to store one polled batch in one transaction")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
        trialsByState = MultiGauge.builder("hpo.trials").description("trials per state, per search")
                .register(registry);
        bestLoss = MultiGauge.builder("hpo.search.best.val.loss")
                .description("lowest validation loss of any trial of the search, nats per token").register(registry);
        searchRunning = MultiGauge.builder("hpo.search.running")
                .description("1 while the search has not finished, else 0").register(registry);
    }

    /** Exposes the consumer's own counts (corrupt, dead-lettered and rejected records, health). */
    public void bindIngest(Supplier<IngestStats> stats) {
        // meters hold their object weakly: this instance lives as long as the HTTP API, a lambda would not
        ingest = stats;
        FunctionCounter.builder("hpo.aggregator.records.corrupt", this, m -> m.ingest.get().corruptRecords())
                .description("records skipped because they are not valid events").register(registry);
        FunctionCounter.builder("hpo.aggregator.dead.lettered", this, m -> m.ingest.get().deadLettered())
                .description("corrupt records written to the dead-letter topic and acknowledged").register(registry);
        FunctionCounter.builder("hpo.aggregator.records.rejected", this, m -> m.ingest.get().rejectedRecords())
                .description("valid events the store refused: the database for their content, or failing alike repeatedly").register(registry);
        Gauge.builder("hpo.aggregator.ingest.healthy", this, m -> {
            IngestStats s = m.ingest.get();
            return s.healthy() && s.down() == null ? 1 : 0;
        }).description("1 while batches are stored, 0 while writes are failing and retried or ingestion is down")
                .register(registry);
    }

    private Counter ingestedCounter(String topic) {
        return Counter.builder("hpo.aggregator.records.ingested").tag("topic", topic)
                .description("valid records written to the store, redelivered copies included").register(registry);
    }

    /** A batch of this many step and lifecycle records was stored in {@code writeTime}. */
    public void batchStored(int steps, int lifecycle, Duration writeTime) {
        stepsIngested.increment(steps);
        lifecycleIngested.increment(lifecycle);
        storeWrite.record(writeTime);
    }

    public void consumerLag(long records) {
        consumerLag.set(records);
    }

    /** Replaces the per-search series with the state of these searches (newest first). */
    public void searches(List<SearchSummary> searches) {
        List<MultiGauge.Row<?>> trials = new ArrayList<>();
        List<MultiGauge.Row<?>> best = new ArrayList<>();
        List<MultiGauge.Row<?>> running = new ArrayList<>();
        for (SearchSummary s : searches.subList(0, Math.min(SEARCHES_EXPORTED, searches.size()))) {
            for (Map.Entry<String, Integer> c : s.trialCounts().entrySet()) {
                trials.add(MultiGauge.Row.of(Tags.of("search_id", s.searchId(), "state", c.getKey()), c.getValue()));
            }
            if (s.bestValLoss() != null) {
                best.add(MultiGauge.Row.of(Tags.of("search_id", s.searchId()), s.bestValLoss()));
            }
            running.add(MultiGauge.Row.of(Tags.of("search_id", s.searchId()), s.finished() ? 0 : 1));
        }
        trialsByState.register(trials, true);
        bestLoss.register(best, true);
        searchRunning.register(running, true);
    }

    /** The Prometheus text exposition (format 0.0.4). */
    public String scrape() {
        return registry.scrape();
    }
}
