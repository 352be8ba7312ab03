package io.hpo.driver.bus;

import io.hpo.events.BusConfig;
import io.hpo.events.SearchHeader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads one topic for one search: every partition, from the first record at or after the earliest time the
 * search's records can carry (from the beginning when that is unknown), handing back only the values of records
 * that may be the search's. Other searches' records are dropped by their {@link SearchHeader} without their values
 * being copied or decoded, so what a read costs follows the topic's traffic since the search began, and what it
 * keeps follows the search alone. No consumer group: nothing is committed and no rebalance is waited for.
 */
public final class SearchScopedConsumer implements AutoCloseable {
    private final KafkaConsumer<ByteBuffer, ByteBuffer> consumer;
    private final String topic;
    private final byte[] searchId;
    private final Optional<Instant> notBefore;
    private List<TopicPartition> partitions = List.of();

    public SearchScopedConsumer(BusConfig bus, String topic, String searchId, Optional<Instant> notBefore,
                                String clientId) {
        Properties p = bus.kafkaClientProperties();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-" + ProcessHandle.current().pid());
        // ByteBufferDeserializer hands over a view of the fetched batch: a skipped record is never copied
        this.consumer = new KafkaConsumer<>(p, new ByteBufferDeserializer(), new ByteBufferDeserializer());
        this.topic = topic;
        this.searchId = searchId.getBytes(StandardCharsets.UTF_8);
        this.notBefore = notBefore;
    }

    public String topic() {
        return topic;
    }

    /** Assigns every partition of the topic, each at the search's start; false while the topic has none. */
    public boolean assign(Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            return false;
        }
        partitions = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        consumer.assign(partitions);
        startOffsets(timeout).forEach(consumer::seek);
        return true;
    }

    private Map<TopicPartition, Long> startOffsets(Duration timeout) {
        if (notBefore.isEmpty()) {
            return consumer.beginningOffsets(partitions, timeout);
        }
        long ms = notBefore.get().toEpochMilli();
        Map<TopicPartition, OffsetAndTimestamp> first = consumer.offsetsForTimes(
                partitions.stream().collect(Collectors.toMap(Function.identity(), tp -> ms)), timeout);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        // a partition with no record that recent holds nothing of the search yet
        return partitions.stream().collect(Collectors.toMap(Function.identity(),
                tp -> first.get(tp) == null ? end.get(tp) : first.get(tp).offset()));
    }

    /** The assigned partitions' current ends. */
    public Map<TopicPartition, Long> endOffsets(Duration timeout) {
        return consumer.endOffsets(partitions, timeout);
    }

    /** The values of the records polled that may be the search's: their header names it, or they predate it. */
    public List<byte[]> poll(Duration timeout) {
        List<byte[]> values = new ArrayList<>();
        for (ConsumerRecord<ByteBuffer, ByteBuffer> r : consumer.poll(timeout)) {
            if (SearchHeader.mayBelongTo(r.headers(), searchId)) {
                values.add(bytes(r.value()));
            }
        }
        return values;
    }

    private static byte[] bytes(ByteBuffer value) {
        if (value == null) {
            return null;
        }
        byte[] b = new byte[value.remaining()];
        value.duplicate().get(b);
        return b;
    }

    /** The partitions' positions summed: it grows while the read makes progress. */
    public long position(Duration timeout) {
        return partitions.stream().mapToLong(tp -> consumer.position(tp, timeout)).sum();
    }

    /** Whether every partition has been read up to {@code offsets}. */
    public boolean reached(Map<TopicPartition, Long> offsets, Duration timeout) {
        return partitions.stream().allMatch(tp -> consumer.position(tp, timeout) >= offsets.get(tp));
    }

    /** Makes a poll blocked in another thread, or the next one, throw {@code WakeupException}. */
    public void wakeup() {
        consumer.wakeup();
    }

    /**
     * Closes without waiting: with no group there is nothing to commit or leave, and a wait would only see out the
     * broker's hold on the fetch in flight (fetch.max.wait.ms, 500 ms), which cost a search up to half a second.
     */
    @Override
    public void close() {
        consumer.close(Duration.ZERO);
    }
}
