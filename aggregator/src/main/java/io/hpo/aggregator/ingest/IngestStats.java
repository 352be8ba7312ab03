package io.hpo.aggregator.ingest;

/**
 * What the consumer has done so far.
 *
 * @param recordsIngested valid records written to the store (redelivered copies included)
 * @param corruptRecords  records skipped because they are not valid events
 * @param deadLettered    corrupt records written to the dead-letter topic and acknowledged there
 * @param failedAttempts  batch writes that failed and were retried
 * @param rejectedRecords valid events the store refused: the database for their content, or failing alike the
 *                        configured number of times (logged, dead-lettered)
 * @param failedAttempts  batch writes that failed and were retried
 * @param healthy         false while the latest batch write is failing (e.g. database unreachable)
 * @param down            why ingestion is down (no broker answers, the consumer stopped), null while it is not
 */
public record IngestStats(long recordsIngested, long corruptRecords, long deadLettered, long rejectedRecords,
                          long failedAttempts, boolean healthy, String down) {
    /** For a process that does not consume (e.g. an API-only instance). */
    public static final IngestStats NONE = new IngestStats(0, 0, 0, 0, 0, true, null);
}
