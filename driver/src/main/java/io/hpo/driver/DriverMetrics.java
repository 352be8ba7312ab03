package io.hpo.driver;

import com.sun.net.httpserver.HttpServer;
import io.hpo.events.PrometheusRegistries;
import io.hpo.events.TrialStatus;
import io.hpo.worker.trial.TrainingResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The driver's Micrometer meters, in Prometheus format on {@code GET /metrics} when a port is configured:
 * <pre>
 * hpo_driver_trials_running                        trials training now
 * hpo_driver_trials_ended_total{outcome}           trials ended, by outcome (COMPLETED, DIVERGED, FAILED, ...)
 * hpo_driver_suggestion_latency_seconds            time the sampler takes to suggest the next configuration
 * hpo_driver_trial_duration_seconds{outcome}       wall time of each trial
 * hpo_trial_throughput_tokens_per_second           training tokens per second of each ended trial (histogram)
 * hpo_trial_tokens_total                           training tokens consumed by ended trials
 * </pre>
 * plus the JVM's own. A search runs in one driver, so these carry no search label.
 */
final class DriverMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = PrometheusRegistries.create();
    private final AtomicInteger running = new AtomicInteger();
    private final Map<TrialStatus, Counter> ended = new EnumMap<>(TrialStatus.class);
    private final Map<TrialStatus, Timer> durations = new EnumMap<>(TrialStatus.class);
    private final Timer suggestion;
    private final DistributionSummary throughput;
    private final Counter tokens;
    private HttpServer server;

    DriverMetrics() {
        Gauge.builder("hpo.driver.trials.running", running, AtomicInteger::get)
                .description("trials training now").register(registry);
        for (TrialStatus outcome : TrialStatus.terminal()) {
            ended.put(outcome, Counter.builder("hpo.driver.trials.ended").tag("outcome", outcome.name())
                    .description("trials that ended, by outcome").register(registry));
            durations.put(outcome, Timer.builder("hpo.driver.trial.duration").tag("outcome", outcome.name())
                    .description("wall time of one trial from start to its end")
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofSeconds(1))
                    .maximumExpectedValue(Duration.ofHours(12)).register(registry));
        }
        suggestion = Timer.builder("hpo.driver.suggestion.latency")
                .description("time the sampler takes to suggest the next configuration")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(1000))
                .maximumExpectedValue(Duration.ofMinutes(1)).register(registry);
        throughput = DistributionSummary.builder("hpo.trial.throughput").baseUnit("tokens.per.second")
                .description("training tokens per second of one trial, over its whole run")
                .publishPercentileHistogram().minimumExpectedValue(10.0).maximumExpectedValue(10_000_000.0)
                .register(registry);
        tokens = Counter.builder("hpo.trial.tokens").description("training tokens consumed by trials that ended")
                .register(registry);
    }

    /** Serves {@code /metrics} on host:port (0 = a free port). */
    void serve(String host, int port) {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve driver metrics on " + host + ":" + port + ": "
                    + e.getMessage(), e);
        }
        server.createContext("/metrics", ex -> {
            try (ex) {
                byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", PrometheusRegistries.CONTENT_TYPE);
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    /** The port /metrics is served on; only after {@link #serve}. */
    int port() {
        return server.getAddress().getPort();
    }

    <T> T timeSuggestion(Supplier<T> sampler) {
        return suggestion.record(sampler);
    }

    void trialStarted() {
        running.incrementAndGet();
    }

    void trialEnded(TrainingResult result) {
        running.decrementAndGet();
        ended.get(result.outcome()).increment();
        durations.get(result.outcome()).record(Duration.ofMillis(result.wallTimeMs()));
        if (result.wallTimeMs() > 0 && result.tokensSeen() > 0) {
            throughput.record(result.tokensSeen() * 1000.0 / result.wallTimeMs());
            tokens.increment(result.tokensSeen());
        }
    }

    String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
