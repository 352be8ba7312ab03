package io.hpo.driver.history;

import io.hpo.driver.SearchIds;
import io.hpo.driver.bus.SearchScopedConsumer;
import io.hpo.events.BusConfig;
import io.hpo.events.CorruptEventException;
import io.hpo.events.EventCodec;
import io.hpo.events.LifecycleEvent;
import org.apache.kafka.common.TopicPartition;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a search's history back from the lifecycle topic, the log every result is derived from: it holds what
 * the driver published up to the moment it stopped, whether or not the aggregator had stored it yet. Only the
 * search's own records are read into memory (see {@link SearchScopedConsumer}), from the earliest time its id
 * allows, so a resume costs what the search and the topic's traffic since its start cost, not the topic's history.
 */
public final class LifecycleLog {
    /** A broker call, and the read as a whole, fail only after this long without progress, however long the read. */
    private static final Duration STALL = Duration.ofSeconds(60);

    private LifecycleLog() {
    }

    /** The search as its events up to the topic's current end record it. */
    public static RecordedSearch read(BusConfig bus, String searchId, PrintStream warnings) {
        return RecordedSearch.of(searchId, events(bus, searchId, warnings));
    }

    /**
     * The search's events up to the topic's current end, in the order read (copies included); corrupt records
     * are skipped with a warning.
     */
    public static List<LifecycleEvent> events(BusConfig bus, String searchId, PrintStream warnings) {
        List<LifecycleEvent> events = new ArrayList<>();
        int corrupt = 0;
        try (SearchScopedConsumer consumer = new SearchScopedConsumer(bus, bus.lifecycleTopic(), searchId,
                SearchIds.recordsNotBefore(searchId), "hpo-history")) {
            if (!consumer.assign(STALL)) {
                return List.of();
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(STALL);
            long position = consumer.position(STALL);
            long progressedAt = System.currentTimeMillis();
            while (!consumer.reached(end, STALL)) {
                for (byte[] value : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        LifecycleEvent e = EventCodec.decodeLifecycle(value);
                        // records from before the search header are decoded to tell whose they are
                        if (e.searchId().equals(searchId)) {
                            events.add(e);
                        }
                    } catch (CorruptEventException e) {
                        corrupt++;
                    }
                }
                long now = System.currentTimeMillis();
                long reachedPosition = consumer.position(STALL);
                if (reachedPosition > position) {
                    position = reachedPosition;
                    progressedAt = now;
                } else if (now - progressedAt > STALL.toMillis()) {
                    throw new IllegalStateException("reading " + bus.lifecycleTopic() + " at "
                            + bus.bootstrapServers() + " made no progress for " + STALL.toSeconds() + " s");
                }
            }
        }
        if (corrupt > 0) {
            warnings.println("warning: skipped " + corrupt + " corrupt records on " + bus.lifecycleTopic()
                    + " while reading the history of " + searchId);
        }
        return events;
    }
}
