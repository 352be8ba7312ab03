package io.hpo.events;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Publishes events with an idempotent producer (acks=all, retries): a broker hiccup neither loses nor
 * duplicates a record. Thread-safe. {@link #flush()} blocks until everything published so far is acknowledged and
 * fails if any send failed, so callers can make "published" a precondition of "done". Steps go out as
 * {@link StepBlock}s: a worker's steps wait at most {@link #BLOCK_LINGER} (or until {@value #BLOCK_STEPS} have come, or
 * a flush) and travel as one record.
 */
public final class EventPublisher implements LifecycleSink, AutoCloseable {
    /** The most steps one block holds. */
    static final int BLOCK_STEPS = 100;
    /** How long a step waits for others of its worker before its block is sent; Kafka's linger comes on top. */
    static final Duration BLOCK_LINGER = Duration.ofMillis(50);
    private static final Map<String, EventPublisher> SHARED = new ConcurrentHashMap<>();

    private final KafkaProducer<String, byte[]> producer;
    private final BusConfig config;
    private final AtomicReference<Exception> firstError = new AtomicReference<>();
    /** Steps not yet sent, per search, trial, attempt and worker; sends happen under this lock, so blocks keep order. */
    private final Map<List<Object>, List<StepMetric>> pending = new LinkedHashMap<>();
    private final ScheduledExecutorService linger = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hpo-publisher-linger");
        t.setDaemon(true);
        return t;
    });

    public EventPublisher(BusConfig config) {
        this.config = config;
        Properties p = config.kafkaClientProperties();
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        // many records per request: 256 KiB batches (Kafka's default is 16) measured 1.5-2x the records/s of the
        // default through one producer when every step was a record of its own; blocks fill them as well
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "hpo-publisher-" + ProcessHandle.current().pid());
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        linger.scheduleAtFixedRate(this::sendLingeringSteps, BLOCK_LINGER.toMillis(), BLOCK_LINGER.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * One publisher per bus configuration per JVM, for Spark executors where tasks come and go but the producer
     * (its connections and idempotence state) should stay. Closed when the JVM exits.
     */
    public static EventPublisher shared(BusConfig config) {
        return SHARED.computeIfAbsent(config.kafkaClientProperties().toString() + config.stepsTopic(), k -> {
            EventPublisher pub = new EventPublisher(config);
            Runtime.getRuntime().addShutdownHook(new Thread(pub::close, "hpo-publisher-close"));
            return pub;
        });
    }

    public void publish(StepMetric metric) {
        List<Object> worker = List.of(metric.searchId(), metric.trialId(), metric.attempt(), metric.worker());
        synchronized (pending) {
            List<StepMetric> block = pending.computeIfAbsent(worker, k -> new ArrayList<>());
            block.add(metric);
            if (block.size() == BLOCK_STEPS) {
                pending.remove(worker);
                sendBlock(block);
            }
        }
    }

    /** On the linger thread: a failure is the next flush's error, and the thread goes on. */
    private void sendLingeringSteps() {
        try {
            sendPendingSteps();
        } catch (RuntimeException e) {
            firstError.compareAndSet(null, e);
        }
    }

    private void sendPendingSteps() {
        synchronized (pending) {
            pending.values().forEach(this::sendBlock);
            pending.clear();
        }
    }

    private void sendBlock(List<StepMetric> steps) {
        StepBlock block = StepBlock.of(steps);
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(config.stepsTopic(), block.key(),
                EventCodec.encode(block));
        r.headers().add(StepBlock.header());
        send(r);
    }

    /** Carries {@link SearchHeader}: a resuming driver reads its own search's events only. */
    @Override
    public void publish(LifecycleEvent event) {
        send(withSearchHeader(config.lifecycleTopic(), event.key(), EventCodec.encode(event), event.searchId()));
    }

    /** Carries {@link SearchHeader}: a driver's cancel listener reads its own search's requests only. */
    public void publish(ControlEvent event) {
        send(withSearchHeader(config.controlTopic(), event.key(), EventCodec.encode(event), event.searchId()));
    }

    private static ProducerRecord<String, byte[]> withSearchHeader(String topic, String key, byte[] value,
                                                                   String searchId) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, key, value);
        r.headers().add(SearchHeader.of(searchId));
        return r;
    }

    private void send(ProducerRecord<String, byte[]> record) {
        producer.send(record, (md, e) -> {
            if (e != null) {
                firstError.compareAndSet(null, e);
            }
        });
    }

    /** Waits for every record sent so far; throws if any of them could not be delivered. */
    @Override
    public void flush() {
        sendPendingSteps();
        producer.flush();
        Exception e = firstError.getAndSet(null);
        if (e != null) {
            throw new IllegalStateException("publishing to Kafka at " + config.bootstrapServers() + " failed: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        linger.shutdownNow();
        sendPendingSteps();
        producer.close(Duration.ofSeconds(30));
    }
}
