package io.hpo.aggregator.ingest;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

import java.time.Duration;
import java.util.Map;

/**
 * Whether a Kafka client hears from the brokers. An idle consumer and one cut off from every broker both poll
 * nothing, but a connected one receives responses (fetches, heartbeats) several times a second: the client's own
 * count of responses received tells them apart.
 */
final class BrokerContact {
    private static final String RESPONSES = "response-total";

    private final Metric responses;
    private final Duration limit;
    private double lastCount;
    private long lastAnswerNanos;

    BrokerContact(Map<MetricName, ? extends Metric> clientMetrics, String metricGroup, Duration limit) {
        this.responses = clientMetrics.entrySet().stream()
                .filter(e -> e.getKey().name().equals(RESPONSES) && e.getKey().group().equals(metricGroup))
                .map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new IllegalStateException("the Kafka client has no " + metricGroup + " "
                        + RESPONSES + " metric"));
        this.limit = limit;
        this.lastCount = count();
        this.lastAnswerNanos = System.nanoTime();
    }

    /** Null while some broker answered within the limit, else why ingestion is down. */
    String problem() {
        long now = System.nanoTime();
        double count = count();
        if (count != lastCount) {
            lastCount = count;
            lastAnswerNanos = now;
            return null;
        }
        long silentMs = Duration.ofNanos(now - lastAnswerNanos).toMillis();
        return silentMs < limit.toMillis() ? null : "no answer from any Kafka broker for " + silentMs / 1000 + " s";
    }

    private double count() {
        return ((Number) responses.metricValue()).doubleValue();
    }
}
