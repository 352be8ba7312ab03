package io.hpo.aggregator.ingest;

import java.time.Duration;
import java.util.Set;

/** Told by the consumer what it did, on the consumer's thread: implementations must return quickly. */
public interface IngestListener {
    /** Does nothing: for a consumer nobody watches. */
    IngestListener NONE = new IngestListener() {
        @Override
        public void batchStored(int steps, int lifecycle, Duration writeTime, Set<String> searchIds) {
        }

        @Override
        public void lag(long records) {
        }
    };

    /** A batch was stored and its offsets committed: its effects are visible in the store. */
    void batchStored(int steps, int lifecycle, Duration writeTime, Set<String> searchIds);

    /** Records behind the end of the subscribed partitions after a poll. */
    void lag(long records);

    /** The consumer's thread ended on {@code error}: this consumer ingests nothing more. */
    default void consumerFailed(Error error) {
    }
}
