package io.hpo.driver.bench;

import io.hpo.events.BusConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;

/** Topics created for a test or a benchmark, ready to publish to. */
public final class NewTopics {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private NewTopics() {
    }

    /** Creates the topics with {@code partitions} partitions each; returns once every partition has a leader. */
    public static void create(BusConfig bus, List<String> topics, int partitions)
            throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(bus.kafkaClientProperties())) {
            admin.createTopics(topics.stream().map(t -> new NewTopic(t, partitions, (short) 1)).toList()).all().get();
            long deadline = System.currentTimeMillis() + WAIT.toMillis();
            while (!allHaveLeaders(admin, topics)) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("partitions of " + topics + " without a leader after " + WAIT);
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * Whether every partition has a leader: an idempotent producer that meets a partition before its leader is up
     * can stay stuck on OUT_OF_ORDER_SEQUENCE_NUMBER (seen with Kafka 4.3.1).
     */
    private static boolean allHaveLeaders(Admin admin, List<String> topics)
            throws ExecutionException, InterruptedException {
        try {
            return admin.describeTopics(topics).allTopicNames().get().values().stream()
                    .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }
}
