package io.hpo.aggregator.ingest;

/**
 * What the consumer has done so far.
 *
 * @param recordsIngested valid records written to the store (redelivered copies included)
 * @param corruptRecords  records skipped because they are not valid events
 * @param deadLettered    corrupt records written to the dead-letter topic and acknowledged there
 * @param rejectedRecords valid events the database refused for their content (logged, skipped)
 * @param failedAttempts  batch writes that failed and were retried
 * @param healthy         false while the latest batch write is failing (e.g. database unreachable)
 */
public record IngestStats(long recordsIngested, long corruptRecords, long deadLettered, long rejectedRecords,
                          long failedAttempts, boolean healthy) {
    /** For a process that does not consume (e.g. an API-only instance). */
    public static final IngestStats NONE = new IngestStats(0, 0, 0, 0, 0, true);
}
