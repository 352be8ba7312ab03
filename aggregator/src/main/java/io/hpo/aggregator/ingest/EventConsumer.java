package io.hpo.aggregator.ingest;

import io.hpo.aggregator.store.Database;
import io.hpo.aggregator.store.EventValidation;
import io.hpo.events.BusConfig;
import io.hpo.events.CorruptEventException;
import io.hpo.events.EventCodec;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.StepMetric;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Moves events from both topics into the store on its own thread: poll, decode, write the batch in one
 * transaction, dead-letter the records that are not valid events, then commit the offsets. Offsets are committed
 * only after the batch is stored and its dead letters are acknowledged, so nothing is lost; the store is
 * idempotent, so what is delivered twice counts once. A failed write rewinds to the batch's first offsets and
 * retries with growing back-off, so an unreachable database or broker stalls ingestion but never ends it.
 * A record that is not a valid event is logged with its coordinates, counted, and written as it came (key, value,
 * headers) to the dead-letter topic with headers naming its source and the error (see {@link DeadLetterWriter});
 * so is a valid event whose values the database refuses (counted as rejected), while the rest of its batch is stored,
 * and one whose write fails the same way, with an error that is not the database's, {@code recordAttempts} times in
 * a row (also counted as rejected): such a poison record would otherwise stall its partition for good.
 * Ingestion is down, not just retrying, while no broker has answered for {@code kafkaDownAfter}, and for good once
 * an {@link Error} ended the thread: {@link IngestListener#consumerFailed} is told, so the process can exit.
 */
public final class EventConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventConsumer.class);
    private static final long FIRST_BACKOFF_MS = 200;
    // names this process's consumers apart (client ids, threads)
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final BusConfig bus;
    private final ConsumerSettings settings;
    private final EventSink sink;
    private final IngestListener listener;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final DeadLetterWriter deadLetters;
    private final Thread thread;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicLong ingested = new AtomicLong();
    private final AtomicLong corrupt = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private volatile boolean healthy = true;
    private volatile String down;
    private final BrokerContact brokers;
    private final RepeatedFailures repeatedFailures = new RepeatedFailures();
    // highest corrupt offset already counted per partition: a rewound batch must not count its corrupt records twice
    private final Map<TopicPartition, Long> corruptCounted = new HashMap<>();
    // highest offset per partition whose dead letter the broker acknowledged: a redelivered batch does not repeat it
    private final Map<TopicPartition, Long> deadLetteredUpTo = new HashMap<>();

    public EventConsumer(BusConfig bus, ConsumerSettings settings, EventSink sink, IngestListener listener) {
        this.bus = bus;
        this.settings = settings;
        this.sink = sink;
        this.listener = listener;
        int maxPollRecords = settings.maxPollRecords();
        Properties p = bus.kafkaClientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
        // a partition's fetch must hold a whole batch (a step record is ~250 bytes), or polls come back short
        p.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(Math.max(1 << 20,
                maxPollRecords * 1024)));
        int instance = INSTANCES.incrementAndGet();
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "hpo-aggregator-" + ProcessHandle.current().pid() + "-"
                + instance);
        // keys stay raw bytes: a dead letter must carry the record exactly as it came
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.brokers = new BrokerContact(consumer.metrics(), "consumer-metrics", settings.kafkaDownAfter());
        this.deadLetters = new DeadLetterWriter(bus);
        this.thread = new Thread(this::run, "hpo-event-consumer-" + instance);
    }

    /** Starts consuming on the consumer's own thread. */
    public void start() {
        LOG.info("consuming {} and {} from {}, dead letters to {}", bus.stepsTopic(), bus.lifecycleTopic(),
                bus.bootstrapServers(), deadLetters.topic());
        thread.start();
    }

    public long recordsIngested() {
        return ingested.get();
    }

    public long corruptRecords() {
        return corrupt.get();
    }

    public IngestStats stats() {
        return new IngestStats(ingested.get(), corrupt.get(), deadLettered.get(), rejected.get(), failedAttempts.get(),
                healthy, down);
    }

    private void run() {
        try {
            consumer.subscribe(List.of(bus.stepsTopic(), bus.lifecycleTopic()));
            int failures = 0;
            boolean rewound = false;
            while (stop.getCount() > 0) {
                ConsumerRecords<byte[], byte[]> records = ConsumerRecords.empty();
                try {
                    records = consumer.poll(settings.pollInterval());
                    down = brokers.problem();
                    listener.lag(lag());
                    if (!records.isEmpty()) {
                        Batch batch = decode(records);
                        long writeStart = System.nanoTime();
                        int stored = store(batch);
                        Duration writeTime = Duration.ofNanos(System.nanoTime() - writeStart);
                        deadLetter(batch.refused());
                        commit(records);
                        repeatedFailures.clear();
                        ingested.addAndGet(stored);
                        rewound = false;
                        listener.batchStored(batch.steps().size(), batch.events().size(), writeTime, batch.searchIds());
                    }
                    // after a failed write only storing the rewound batch proves recovery, not an empty poll
                    if (!rewound) {
                        failures = 0;
                        healthy = true;
                    }
                } catch (WakeupException | InterruptException e) {
                    break;
                } catch (SQLException | ExecutionException | RuntimeException e) {
                    failures++;
                    healthy = false;
                    rewound = !records.isEmpty();
                    failedAttempts.incrementAndGet();
                    long delay = Math.min(settings.retryMax().toMillis(),
                            FIRST_BACKOFF_MS << Math.min(failures - 1, 16));
                    LOG.warn("{} failed (attempt {}), retrying in {} ms: {}", records.isEmpty() ? "polling Kafka"
                            : "storing " + records.count() + " records", failures, delay, e.toString());
                    rewind(records);
                    stop.await(delay, TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Error e) {
            // the JVM may be unusable (out of memory, a missing class): say so instead of looking idle
            healthy = false;
            down = "the event consumer stopped on an unrecoverable error";
            LOG.error("{}, ingestion has ended", down, e);
            listener.consumerFailed(e);
        } finally {
            consumer.close(Duration.ofSeconds(10));
            deadLetters.close();
            LOG.info("consumer stopped: {}", stats());
        }
    }

    /**
     * Decoded records, the record each came from (a step's at the same index, an event's by identity) and the records
     * refused so far (mutable: the database may refuse more).
     */
    private record Batch(List<StepMetric> steps, List<ConsumerRecord<byte[], byte[]>> stepSources,
                         List<LifecycleEvent> events, Map<LifecycleEvent, ConsumerRecord<byte[], byte[]>> eventSources,
                         List<DeadLetterWriter.Refused> refused) {
        int size() {
            return steps.size() + events.size();
        }

        Set<String> searchIds() {
            Set<String> ids = new HashSet<>();
            String previous = null;
            for (StepMetric s : steps) {
                // a block's steps share their search: one set insertion per block, not per step
                if (!s.searchId().equals(previous)) {
                    previous = s.searchId();
                    ids.add(previous);
                }
            }
            events.forEach(e -> ids.add(e.searchId()));
            return ids;
        }
    }

    /** Sum over the assigned partitions whose lag the consumer knows (it learns it from fetch responses). */
    private long lag() {
        long total = 0;
        for (TopicPartition tp : consumer.assignment()) {
            total += consumer.currentLag(tp).orElse(0);
        }
        return total;
    }

    private Batch decode(ConsumerRecords<byte[], byte[]> records) {
        List<StepMetric> steps = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> stepSources = new ArrayList<>();
        List<LifecycleEvent> events = new ArrayList<>();
        Map<LifecycleEvent, ConsumerRecord<byte[], byte[]>> eventSources = new IdentityHashMap<>();
        List<DeadLetterWriter.Refused> refused = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                if (r.topic().equals(bus.stepsTopic())) {
                    List<StepMetric> block = EventCodec.decodeSteps(r.headers(), r.value());
                    steps.addAll(block);
                    stepSources.addAll(Collections.nCopies(block.size(), r));
                } else {
                    LifecycleEvent e = EventCodec.decodeLifecycle(r.value());
                    String problem = EventValidation.problem(e).orElse(null);
                    if (problem != null) {
                        throw new CorruptEventException(problem, null);
                    }
                    events.add(e);
                    eventSources.put(e, r);
                }
            } catch (CorruptEventException e) {
                countCorrupt(r, e.getMessage());
                refused.add(new DeadLetterWriter.Refused(r, e.getMessage()));
            }
        }
        return new Batch(steps, stepSources, events, eventSources, refused);
    }

    /** Writes the refused records not yet acknowledged to the dead-letter topic; returns once all are. */
    private void deadLetter(List<DeadLetterWriter.Refused> refused) throws ExecutionException, InterruptedException {
        // a block's steps share one record: it is dead-lettered once, with the first reason
        Map<ConsumerRecord<byte[], byte[]>, DeadLetterWriter.Refused> once = new IdentityHashMap<>();
        refused.forEach(r -> once.putIfAbsent(r.record(), r));
        List<DeadLetterWriter.Refused> fresh = refused.stream().filter(r -> once.get(r.record()) == r
                && r.record().offset() > deadLetteredUpTo.getOrDefault(partition(r.record()), -1L)).toList();
        if (fresh.isEmpty()) {
            return;
        }
        deadLetters.write(fresh);
        for (DeadLetterWriter.Refused r : fresh) {
            deadLetteredUpTo.merge(partition(r.record()), r.record().offset(), Math::max);
        }
        deadLettered.addAndGet(fresh.size());
        LOG.warn("dead-lettered {} record(s) to {}", fresh.size(), deadLetters.topic());
    }

    private static TopicPartition partition(ConsumerRecord<?, ?> r) {
        return new TopicPartition(r.topic(), r.partition());
    }

    private void countCorrupt(ConsumerRecord<byte[], byte[]> r, String why) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        Long counted = corruptCounted.get(tp);
        if (counted != null && counted >= r.offset()) {
            return;
        }
        corruptCounted.put(tp, r.offset());
        corrupt.incrementAndGet();
        LOG.warn("skipping corrupt record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), why);
    }

    /**
     * Writes the batch in one transaction. If the database refuses its content (a bad value, not an outage), or
     * the write fails otherwise than in the database, the events are written one by one to find the culprits.
     */
    private int store(Batch batch) throws SQLException {
        try {
            sink.write(batch.steps(), batch.events());
            return batch.size();
        } catch (SQLException e) {
            if (!Database.isDataError(e)) {
                throw e;
            }
            LOG.warn("the database refused a batch of {} ({}); writing its events one at a time", batch.size(),
                    e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("storing a batch of {} failed ({}); writing its events one at a time", batch.size(),
                    e.toString());
        }
        int stored = 0;
        for (int i = 0; i < batch.steps().size(); i++) {
            StepMetric s = batch.steps().get(i);
            stored += storeAlone(batch, List.of(s), List.of(), s, batch.stepSources().get(i));
        }
        for (LifecycleEvent e : batch.events()) {
            stored += storeAlone(batch, List.of(), List.of(e), e, batch.eventSources().get(e));
        }
        return stored;
    }

    /**
     * Writes one event. One the database refuses is dead-lettered at once; one failing otherwise is retried with
     * its batch (rethrown) until it has failed the same way {@code recordAttempts} times, then dead-lettered.
     */
    private int storeAlone(Batch batch, List<StepMetric> steps, List<LifecycleEvent> events, Object event,
                           ConsumerRecord<byte[], byte[]> source) throws SQLException {
        try {
            sink.write(steps, events);
            return 1;
        } catch (SQLException e) {
            if (!Database.isDataError(e)) {
                throw e;
            }
            LOG.error("the database refuses an event ({}), dead-lettering it: {}", e.getMessage(), event);
            return reject(batch, source, "the results database refused it: " + e.getMessage());
        } catch (RuntimeException e) {
            int times = repeatedFailures.failed(source, e);
            if (times < settings.recordAttempts()) {
                throw e;
            }
            LOG.error("storing an event failed {} times alike, dead-lettering it: {}", times, event, e);
            return reject(batch, source, "storing it failed " + times + " times: " + e);
        }
    }

    private int reject(Batch batch, ConsumerRecord<byte[], byte[]> source, String why) {
        rejected.incrementAndGet();
        batch.refused().add(new DeadLetterWriter.Refused(source, why));
        return 0;
    }

    private void commit(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> rs = records.records(tp);
            offsets.put(tp, new OffsetAndMetadata(rs.get(rs.size() - 1).offset() + 1));
        }
        try {
            consumer.commitSync(offsets);
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            // the batch is stored; whoever reads these records again writes nothing new
            LOG.warn("committing offsets failed, records may be delivered again: {}", e.toString());
        }
    }

    /** Makes the next poll return the batch's records again. */
    private void rewind(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            if (consumer.assignment().contains(tp)) {
                consumer.seek(tp, records.records(tp).get(0).offset());
            }
        }
    }

    /** Stops consuming and waits for the thread; offsets of stored batches are already committed. */
    @Override
    public void close() {
        stop.countDown();
        if (!thread.isAlive()) {
            if (thread.getState() == Thread.State.NEW) {
                consumer.close(Duration.ofSeconds(10));
                deadLetters.close();
            }
            return;
        }
        consumer.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
