package io.hpo.aggregator.ingest;

import io.hpo.aggregator.config.AggregatorConfig;

import java.time.Duration;

/**
 * How a consumer polls, retries and gives up; {@link AggregatorConfig} documents each setting.
 *
 * @param kafkaDownAfter how long no broker may answer before ingestion counts as down
 * @param recordAttempts times a record failing the same non-database way is tried before it is dead-lettered
 */
public record ConsumerSettings(String groupId, Duration pollInterval, int maxPollRecords, Duration retryMax,
                               Duration kafkaDownAfter, int recordAttempts) {
    public ConsumerSettings {
        if (recordAttempts < 1) {
            throw new IllegalArgumentException(AggregatorConfig.RECORD_ATTEMPTS + " must be at least 1, got "
                    + recordAttempts);
        }
    }

    public static ConsumerSettings from(AggregatorConfig config) {
        return new ConsumerSettings(config.groupId(), config.pollInterval(), config.maxPollRecords(),
                config.retryMax(), config.kafkaDownAfter(), config.recordAttempts());
    }
}
