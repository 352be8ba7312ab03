package io.hpo.driver.history;

import io.hpo.events.BusConfig;
import io.hpo.events.CorruptEventException;
import io.hpo.events.EventCodec;
import io.hpo.events.LifecycleEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads a search's history back from the lifecycle topic, the log every result is derived from: it holds what
 * the driver published up to the moment it stopped, whether or not the aggregator had stored it yet.
 */
public final class LifecycleLog {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private LifecycleLog() {
    }

    /** Every event of the topic up to its current end, decoded; corrupt records are skipped with a warning. */
    public static RecordedSearch read(BusConfig bus, String searchId, PrintStream warnings) {
        Properties p = bus.kafkaClientProperties();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "hpo-history-" + ProcessHandle.current().pid());
        List<LifecycleEvent> events = new ArrayList<>();
        int corrupt = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(bus.lifecycleTopic(), TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                return RecordedSearch.none(searchId);
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            long deadline = System.currentTimeMillis() + TIMEOUT.toMillis();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, TIMEOUT) < end.get(tp))) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("reading " + bus.lifecycleTopic() + " at "
                            + bus.bootstrapServers() + " did not reach its end within " + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        events.add(EventCodec.decodeLifecycle(r.value()));
                    } catch (CorruptEventException e) {
                        corrupt++;
                    }
                }
            }
        }
        if (corrupt > 0) {
            warnings.println("warning: skipped " + corrupt + " corrupt records on " + bus.lifecycleTopic()
                    + " while reading the history of " + searchId);
        }
        return RecordedSearch.of(searchId, events);
    }
}
