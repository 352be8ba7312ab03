package io.hpo.driver.bench;

import io.hpo.events.BusConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;

/** Topics created for a test or a benchmark, ready to publish to. */
public final class NewTopics {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private NewTopics() {
    }

    /**
     * Creates the topics with {@code partitions} partitions each; returns once every partition's leader serves it.
     * An idempotent producer whose first request to a partition arrives before the broker has opened it can stay
     * stuck on OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout (seen with Kafka 4.3.1; the broker's bug
     * KAFKA-15591), and the metadata may name a leader before that leader has opened the partition, so readiness is
     * a request that only the leader answers: the partitions' latest offsets.
     */
    public static void create(BusConfig bus, List<String> topics, int partitions)
            throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(bus.kafkaClientProperties())) {
            admin.createTopics(topics.stream().map(t -> new NewTopic(t, partitions, (short) 1)).toList()).all().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            topics.forEach(t -> IntStream.range(0, partitions)
                    .forEach(p -> latest.put(new TopicPartition(t, p), OffsetSpec.latest())));
            long deadline = System.currentTimeMillis() + WAIT.toMillis();
            while (!served(admin, latest)) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("partitions of " + topics + " not served after " + WAIT);
                }
                Thread.sleep(100);
            }
        }
    }

    private static boolean served(Admin admin, Map<TopicPartition, OffsetSpec> partitions)
            throws ExecutionException, InterruptedException {
        try {
            admin.listOffsets(partitions).all().get();
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RetriableException) {
                return false;
            }
            throw e;
        }
    }
}
