package io.hpo.aggregator.ingest;

import io.hpo.aggregator.store.ResultsStore;
import io.hpo.events.BusConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Several {@link EventConsumer}s of one group, each with its own thread and database connection, so that decoding
 * a batch, the broker and the database's work on another overlap instead of queueing behind one thread. Kafka
 * splits the partitions among them, so the steps topic gets at least one partition per consumer (a trial's records
 * stay in one partition; the store does not depend on order across partitions).
 */
public final class EventConsumers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventConsumers.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);

    private final List<EventConsumer> consumers;

    private EventConsumers(List<EventConsumer> consumers) {
        this.consumers = consumers;
    }

    /** {@code count} consumers, started; {@code listener} sees their batches and their lag summed. */
    public static EventConsumers start(int count, BusConfig bus, ConsumerSettings settings, ResultsStore store,
                                       IngestListener listener) {
        if (count < 1) {
            throw new IllegalArgumentException("at least one consumer is needed, got " + count);
        }
        ensurePartitions(bus, bus.stepsTopic(), count);
        AtomicLongArray lags = new AtomicLongArray(count);
        List<EventConsumer> consumers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int index = i;
            consumers.add(new EventConsumer(bus, settings, store::applyBatch, new IngestListener() {
                @Override
                public void batchStored(int steps, int lifecycle, Duration writeTime,
                                        Set<String> searchIds) {
                    listener.batchStored(steps, lifecycle, writeTime, searchIds);
                }

                @Override
                public void lag(long records) {
                    lags.set(index, records);
                    long total = 0;
                    for (int k = 0; k < lags.length(); k++) {
                        total += lags.get(k);
                    }
                    listener.lag(total);
                }

                @Override
                public void consumerFailed(Error error) {
                    listener.consumerFailed(error);
                }
            }));
        }
        consumers.forEach(EventConsumer::start);
        return new EventConsumers(consumers);
    }

    /**
     * Creates the topic with {@code partitions} partitions, or adds partitions up to that. A broker that cannot
     * be reached or refuses leaves the topic as it is, with a warning: ingestion still works, on fewer consumers.
     */
    static void ensurePartitions(BusConfig bus, String topic, int partitions) {
        Properties p = bus.kafkaClientProperties();
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(ADMIN_TIMEOUT.toMillis()));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(ADMIN_TIMEOUT.toMillis()));
        try (Admin admin = Admin.create(p)) {
            Optional<Integer> existing = partitionCount(admin, topic);
            if (existing.isEmpty()) {
                admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
                        .all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("created {} with {} partitions", topic, partitions);
            } else if (existing.get() < partitions) {
                admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions)))
                        .all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("{} had {} partitions, now {}", topic, existing.get(), partitions);
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("could not give {} {} partitions, ingesting with what it has: {}", topic, partitions,
                    e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Optional<Integer> partitionCount(Admin admin, String topic)
            throws ExecutionException, InterruptedException, TimeoutException {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            return Optional.of(d.partitions().size());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The consumers' counts added up; healthy while every one of them is, down while any one is. */
    public IngestStats stats() {
        long ingested = 0;
        long corrupt = 0;
        long deadLettered = 0;
        long rejected = 0;
        long failed = 0;
        boolean healthy = true;
        String down = null;
        for (EventConsumer c : consumers) {
            IngestStats s = c.stats();
            ingested += s.recordsIngested();
            corrupt += s.corruptRecords();
            deadLettered += s.deadLettered();
            rejected += s.rejectedRecords();
            failed += s.failedAttempts();
            healthy &= s.healthy();
            down = down == null ? s.down() : down;
        }
        return new IngestStats(ingested, corrupt, deadLettered, rejected, failed, healthy, down);
    }

    @Override
    public void close() {
        consumers.parallelStream().forEach(EventConsumer::close);
    }
}
