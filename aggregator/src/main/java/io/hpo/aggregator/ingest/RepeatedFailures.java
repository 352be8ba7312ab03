package io.hpo.aggregator.ingest;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How many times in a row each record's write failed the same way. A record that always fails alike (a bug its
 * content triggers) is poison; one failing differently each time may yet succeed, so a new failure starts over.
 */
final class RepeatedFailures {
    private record Coordinates(TopicPartition partition, long offset) {
    }

    private record Failure(String what, int times) {
    }

    private final Map<Coordinates, Failure> failures = new HashMap<>();

    /** Records the failure; returns how many times in a row the record has now failed this way. */
    int failed(ConsumerRecord<?, ?> record, Exception e) {
        Coordinates at = new Coordinates(new TopicPartition(record.topic(), record.partition()), record.offset());
        String what = e.toString();
        Failure before = failures.get(at);
        Failure now = new Failure(what, before != null && Objects.equals(before.what(), what) ? before.times() + 1 : 1);
        failures.put(at, now);
        return now.times();
    }

    /** Forgets everything: the batch holding the failed records is done. */
    void clear() {
        failures.clear();
    }
}
