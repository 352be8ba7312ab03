package io.hpo.aggregator.ingest;

import io.hpo.aggregator.metrics.AggregatorMetrics;
import io.hpo.aggregator.store.Database;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.StoreCounts;
import io.hpo.aggregator.support.Await;
import io.hpo.aggregator.support.Events;
import io.hpo.aggregator.support.TestServices;
import io.hpo.events.BusConfig;
import io.hpo.events.EventCodec;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleType;
import io.hpo.events.StepBlock;
import io.hpo.events.StepMetric;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Corrupt records between good ones on a real broker: the good ones are stored exactly once, each bad one lands on
 * the dead-letter topic as it came with headers saying where from and why, and the counter agrees. A second consumer
 * of the group finds the offsets committed: nothing is dead-lettered or stored twice.
 */
class DeadLetterTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** A record as sent: where it went and its raw bytes. */
    private record Sent(String topic, byte[] key, byte[] value) {
    }

    @Test
    void corruptRecordsGoToTheDeadLetterTopicWithTheirSourceAndError() throws Exception {
        String suffix = Long.toHexString(System.nanoTime());
        BusConfig bus = TestServices.freshBus().with(BusConfig.DEAD_LETTER_TOPIC, "dlq-" + suffix);
        String s = "dlq";
        byte[] garbage = {(byte) 0xff, 0x00, (byte) 0xfe, 0x7b, 0x13};
        byte[] truncated = Arrays.copyOf(EventCodec.encode(Events.step(s, "t1", 3, 0, 2.0)), 25);
        byte[] futureVersion = new String(EventCodec.encode(Events.evaluated(s, "t1", 2, 2.5, 2048)),
                StandardCharsets.UTF_8).replace("\"schemaVersion\":1", "\"schemaVersion\":7")
                .getBytes(StandardCharsets.UTF_8);
        List<Sent> bad = List.of(new Sent(bus.stepsTopic(), key("t1"), garbage),
                new Sent(bus.stepsTopic(), key("t1"), truncated),
                new Sent(bus.lifecycleTopic(), null, futureVersion));
        List<StepMetric> steps = List.of(Events.step(s, "t1", 1, 0, 3.0), Events.step(s, "t1", 2, 0, 2.8),
                Events.step(s, "t1", 3, 0, 2.6));
        List<LifecycleEvent> events = List.of(Events.started(s),
                LifecycleEvent.trialCreated(s, "t1", Events.config(1e-3, 16)),
                Events.evaluated(s, "t1", 3, 2.7, 3072));

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(bus.kafkaClientProperties(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            // one partition per topic, good and bad interleaved
            send(producer, bus.lifecycleTopic(), key(s), EventCodec.encode(events.get(0)));
            send(producer, bad.get(0));
            send(producer, bus.stepsTopic(), key("t1"), EventCodec.encode(steps.get(0)));
            send(producer, bus.lifecycleTopic(), key("t1"), EventCodec.encode(events.get(1)));
            send(producer, bad.get(1));
            send(producer, bus.stepsTopic(), key("t1"), EventCodec.encode(steps.get(1)));
            send(producer, bad.get(2));
            send(producer, bus.stepsTopic(), key("t1"), EventCodec.encode(steps.get(2)));
            send(producer, bus.lifecycleTopic(), key("t1"), EventCodec.encode(events.get(2)));
        }

        try (Database db = TestServices.migratedDatabase()) {
            ResultsStore store = new ResultsStore(db);
            AggregatorMetrics metrics = new AggregatorMetrics();
            try (EventConsumer consumer = consumer(bus, store)) {
                metrics.bindIngest(consumer::stats);
                consumer.start();
                Await.until(TIMEOUT, "good records stored and bad ones dead-lettered",
                        () -> consumer.recordsIngested() == 6 && consumer.stats().deadLettered() == 3);
                assertEquals(new StoreCounts(1, 3, 1, 3, 0), store.counts(s));
                assertEquals(3, consumer.corruptRecords());
                assertTrue(metrics.scrape().contains("hpo_aggregator_dead_lettered_total 3.0"), metrics.scrape());
            }

            List<ConsumerRecord<byte[], byte[]>> dead = readAll(bus, bus.deadLetterTopic(), 3);
            assertEquals(3, dead.size());
            // offsets in the source partitions: steps 0 garbage, 1 step 1, 2 truncated; lifecycle 0 started,
            // 1 created, 2 future version
            List<String> offsets = List.of("0", "2", "2");
            List<String> errors = List.of("not a valid StepMetric", "not a valid StepMetric",
                    "unsupported schema version 7");
            for (int i = 0; i < 3; i++) {
                Sent src = bad.get(i);
                String offset = offsets.get(i);
                ConsumerRecord<byte[], byte[]> d = dead.stream()
                        .filter(r -> src.topic().equals(header(r, DeadLetterWriter.SOURCE_TOPIC))
                                && offset.equals(header(r, DeadLetterWriter.SOURCE_OFFSET)))
                        .findFirst().orElseThrow(() -> new AssertionError("no dead letter for " + src.topic() + "@"
                                + offset + " among " + dead));
                assertArrayEquals(src.value(), d.value());
                assertArrayEquals(src.key(), d.key());
                assertEquals("0", header(d, DeadLetterWriter.SOURCE_PARTITION));
                assertTrue(header(d, DeadLetterWriter.ERROR).startsWith(errors.get(i)), header(d, DeadLetterWriter.ERROR));
                assertEquals("test-header", header(d, "origin"), "the record's own headers travel with it");
            }

            // the offsets were committed with the dead letters acknowledged: a new consumer has nothing to do
            try (EventConsumer again = consumer(bus, store)) {
                again.start();
                Thread.sleep(3000);
                assertEquals(0, again.recordsIngested());
                assertEquals(0, again.stats().deadLettered());
            }
            assertEquals(3, readAll(bus, bus.deadLetterTopic(), 4).size());
            assertEquals(new StoreCounts(1, 3, 1, 3, 0), store.counts(s));
        }
    }

    /**
     * A well-formed event whose text PostgreSQL cannot hold (a NUL character): the batch falls back to one write
     * per event, the refused event goes to the dead-letter topic with the database's reason, the rest is stored.
     */
    @Test
    void anEventTheDatabaseRefusesIsDeadLetteredAndTheRestOfItsBatchStored() throws Exception {
        String suffix = Long.toHexString(System.nanoTime());
        BusConfig bus = TestServices.freshBus().with(BusConfig.DEAD_LETTER_TOPIC, "dlq-db-" + suffix);
        String s = "refused";
        LifecycleEvent refused = LifecycleEvent.trialEnded(s, "t1", 1, LifecycleType.TRIAL_FAILED, 2, 2048,
                "bad\u0000reason");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(bus.kafkaClientProperties(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            send(producer, bus.lifecycleTopic(), key(s), EventCodec.encode(Events.started(s)));
            send(producer, bus.stepsTopic(), key("t1"), EventCodec.encode(Events.step(s, "t1", 1, 0, 3.0)));
            send(producer, bus.lifecycleTopic(), key("t1"), EventCodec.encode(refused));
            send(producer, bus.stepsTopic(), key("t1"), EventCodec.encode(Events.step(s, "t1", 2, 0, 2.9)));
        }
        try (Database db = TestServices.migratedDatabase()) {
            ResultsStore store = new ResultsStore(db);
            try (EventConsumer consumer = consumer(bus, store)) {
                consumer.start();
                Await.until(TIMEOUT, "the good events stored and the refused one dead-lettered",
                        () -> consumer.recordsIngested() == 3 && consumer.stats().deadLettered() == 1);
                assertEquals(1, consumer.stats().rejectedRecords());
                assertEquals(0, consumer.corruptRecords());
            }
            assertEquals(new StoreCounts(1, 2, 0, 1, 0), store.counts(s));
            ConsumerRecord<byte[], byte[]> dead = readAll(bus, bus.deadLetterTopic(), 1).get(0);
            assertArrayEquals(EventCodec.encode(refused), dead.value());
            assertEquals(bus.lifecycleTopic(), header(dead, DeadLetterWriter.SOURCE_TOPIC));
            assertTrue(header(dead, DeadLetterWriter.ERROR).startsWith("the results database refused it"),
                    header(dead, DeadLetterWriter.ERROR));
        }
    }

    /**
     * Step blocks (what publishers send) beside single-step records (what they sent before): a good block's steps
     * are stored each once, a block whose columns disagree is dead-lettered whole, and a block whose three steps the
     * database refuses (a NUL in the trial id) is dead-lettered once, not once per step.
     */
    @Test
    void blocksAreStoredStepByStepAndABadBlockIsDeadLetteredOnceWhole() throws Exception {
        String suffix = Long.toHexString(System.nanoTime());
        BusConfig bus = TestServices.freshBus().with(BusConfig.DEAD_LETTER_TOPIC, "dlq-block-" + suffix);
        String s = "blocks";
        byte[] good = EventCodec.encode(StepBlock.of(List.of(Events.step(s, "t1", 2, 0, 2.9),
                Events.step(s, "t1", 3, 0, 2.8), Events.step(s, "t1", 4, 0, 2.7))));
        byte[] uneven = new String(good, StandardCharsets.UTF_8).replace("\"loss\":[2.9,", "\"loss\":[")
                .getBytes(StandardCharsets.UTF_8);
        byte[] refusedByDb = EventCodec.encode(StepBlock.of(List.of(Events.step(s, "t\u0000x", 1, 0, 3.0),
                Events.step(s, "t\u0000x", 2, 0, 2.9), Events.step(s, "t\u0000x", 3, 0, 2.8))));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(bus.kafkaClientProperties(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            send(producer, bus.lifecycleTopic(), key(s), EventCodec.encode(Events.started(s)));
            send(producer, bus.stepsTopic(), key("t1"), EventCodec.encode(Events.step(s, "t1", 1, 0, 3.0)));
            sendBlock(producer, bus.stepsTopic(), good);
            sendBlock(producer, bus.stepsTopic(), uneven);
            sendBlock(producer, bus.stepsTopic(), refusedByDb);
            send(producer, bus.stepsTopic(), key("t1"), EventCodec.encode(Events.step(s, "t1", 5, 0, 2.6)));
        }
        try (Database db = TestServices.migratedDatabase()) {
            ResultsStore store = new ResultsStore(db);
            try (EventConsumer consumer = consumer(bus, store)) {
                consumer.start();
                Await.until(TIMEOUT, "the good steps stored and the two bad blocks dead-lettered",
                        () -> consumer.recordsIngested() == 6 && consumer.stats().deadLettered() == 2);
                assertEquals(1, consumer.corruptRecords());
            }
            assertEquals(5, store.counts(s).steps());
            List<ConsumerRecord<byte[], byte[]>> dead = readAll(bus, bus.deadLetterTopic(), 3);
            assertEquals(2, dead.size(), "each bad block once");
            assertArrayEquals(uneven, dead.get(0).value());
            assertTrue(header(dead.get(0), DeadLetterWriter.ERROR).startsWith("step block's columns differ"),
                    header(dead.get(0), DeadLetterWriter.ERROR));
            assertArrayEquals(refusedByDb, dead.get(1).value());
            assertTrue(header(dead.get(1), DeadLetterWriter.ERROR).startsWith("the results database refused it"),
                    header(dead.get(1), DeadLetterWriter.ERROR));
            assertTrue(StepBlock.isBlock(dead.get(1).headers()), "the block's own header travels with it");
        }
    }

    private static void sendBlock(KafkaProducer<byte[], byte[]> p, String topic, byte[] block) throws Exception {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, 0, key("t1"), block);
        r.headers().add(StepBlock.header());
        p.send(r).get();
    }

    private static byte[] key(String k) {
        return k.getBytes(StandardCharsets.UTF_8);
    }

    private static void send(KafkaProducer<byte[], byte[]> p, Sent r) throws Exception {
        send(p, r.topic(), r.key(), r.value());
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, byte[] key, byte[] value) throws Exception {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, 0, key, value);
        r.headers().add("origin", "test-header".getBytes(StandardCharsets.UTF_8));
        p.send(r).get();
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Everything on the topic: waits until {@code atLeast} arrived or 5 quiet seconds pass. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(BusConfig bus, String topic, int atLeast) {
        Properties p = bus.kafkaClientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(atLeast > 3 ? 5 : 30).toNanos();
            while (out.size() < atLeast && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static EventConsumer consumer(BusConfig bus, ResultsStore store) {
        return new EventConsumer(bus, EventConsumerTest.settings(bus), store::applyBatch, IngestListener.NONE);
    }
}
