package io.hpo.aggregator.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.aggregator.api.ControlRequests;
import io.hpo.aggregator.api.HttpApi;
import io.hpo.aggregator.api.LiveUpdates;
import io.hpo.aggregator.metrics.AggregatorMetrics;
import io.hpo.aggregator.store.Database;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.support.Await;
import io.hpo.aggregator.support.Events;
import io.hpo.aggregator.support.TestServices;
import io.hpo.deploy.LocalKafkaBroker;
import io.hpo.events.BusConfig;
import io.hpo.events.EventCodec;
import io.hpo.events.EventPublisher;
import io.hpo.events.StepMetric;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failures that are neither an outage nor a bad record, on the real broker and database. No event the codec
 * accepts makes the store throw anything but SQL errors today, so the poison and the fatal error are injected
 * by a sink that wraps the real store: it fails for one trial's events and writes everything else.
 */
class IngestFailuresTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRecordFailingAlikeIsDeadLetteredAfterTheConfiguredAttemptsAndIngestionGoesOn() throws Exception {
        BusConfig bus = TestServices.freshBus().with(BusConfig.DEAD_LETTER_TOPIC, "dlq-poison-" + System.nanoTime());
        String s = "poison";
        AtomicInteger poisonWrites = new AtomicInteger();
        try (Database db = TestServices.migratedDatabase(); EventPublisher publisher = new EventPublisher(bus)) {
            ResultsStore store = new ResultsStore(db);
            EventSink failsForTrialBad = (steps, events) -> {
                if (steps.stream().anyMatch(m -> m.trialId().equals("bad"))) {
                    poisonWrites.incrementAndGet();
                    throw new IllegalStateException("cannot store trial bad");
                }
                store.applyBatch(steps, events);
            };
            publisher.publish(Events.started(s));
            publisher.publish(Events.step(s, "bad", 1, 0, 3.0));
            publisher.publish(Events.step(s, "good", 1, 0, 3.0));
            publisher.flush();
            try (EventConsumer consumer = new EventConsumer(bus, EventConsumerTest.settings(bus), failsForTrialBad,
                    IngestListener.NONE)) {
                consumer.start();
                Await.until(TIMEOUT, "the poison dead-lettered and the rest stored",
                        () -> consumer.stats().deadLettered() == 1 && store.countSteps(s) == 1);
                publisher.publish(Events.step(s, "good", 2, 0, 2.9));
                publisher.flush();
                Await.until(TIMEOUT, "what follows stored", () -> store.countSteps(s) == 2);
                assertEquals(1, consumer.stats().rejectedRecords());
                assertEquals(6, poisonWrites.get(), "3 times its whole batch, each time then the record alone");
                assertTrue(consumer.stats().healthy());
            }
            ConsumerRecord<byte[], byte[]> dead = readOne(bus);
            // what the publisher sent: a block of the one step
            List<StepMetric> poison = EventCodec.decodeSteps(dead.headers(), dead.value());
            assertEquals(List.of("bad"), poison.stream().map(StepMetric::trialId).toList());
            String error = new String(dead.headers().lastHeader(DeadLetterWriter.ERROR).value(), StandardCharsets.UTF_8);
            assertEquals("storing it failed 3 times: java.lang.IllegalStateException: cannot store trial bad", error);
        }
    }

    @Test
    void healthIsDownWithTheReasonOnceNoBrokerHasAnsweredForTheConfiguredTimeAndUpWhenOneDoes(@TempDir Path dir)
            throws Exception {
        LocalKafkaBroker broker = LocalKafkaBroker.start(dir, 0);
        int port = broker.port();
        BusConfig bus = BusConfig.from(Map.of(BusConfig.STEPS_TOPIC, "steps-down", BusConfig.LIFECYCLE_TOPIC,
                "lifecycle-down")).withBootstrapServers(broker.bootstrapServers());
        ConsumerSettings settings = new ConsumerSettings("group-down", Duration.ofMillis(200), 500,
                Duration.ofSeconds(2), Duration.ofSeconds(3), 3);
        try (Database db = TestServices.migratedDatabase()) {
            ResultsStore store = new ResultsStore(db);
            try (EventConsumer consumer = new EventConsumer(bus, settings, store::applyBatch, IngestListener.NONE);
                 HttpApi api = HttpApi.start("127.0.0.1", 0, store, consumer::stats, new AggregatorMetrics(),
                         new LiveUpdates(), ControlRequests.readOnly())) {
                consumer.start();
                Thread.sleep(5000);
                assertEquals("UP", health(api).get("status").asText(), "idle for longer than the limit, not down");

                broker.close();
                Await.until(TIMEOUT, "health DOWN", () -> health(api).get("status").asText().equals("DOWN"));
                JsonNode health = health(api);
                assertTrue(health.get("reason").asText().startsWith("no answer from any Kafka broker for "),
                        health.toString());
                assertEquals(503, HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api.url()
                        + "/health")).build(), HttpResponse.BodyHandlers.discarding()).statusCode());

                broker = LocalKafkaBroker.start(dir, port);
                Await.until(TIMEOUT, "health UP again", () -> health(api).get("status").asText().equals("UP"));
            }
        } finally {
            broker.close();
        }
    }

    @Test
    void anErrorEndsTheConsumerAndHealthSaysDown() throws Exception {
        BusConfig bus = TestServices.freshBus();
        List<Error> told = new ArrayList<>();
        try (Database db = TestServices.migratedDatabase(); EventPublisher publisher = new EventPublisher(bus)) {
            ResultsStore store = new ResultsStore(db);
            EventSink outOfMemory = (steps, events) -> {
                throw new OutOfMemoryError("injected");
            };
            IngestListener listener = new IngestListener() {
                @Override
                public void batchStored(int steps, int lifecycle, Duration writeTime, Set<String> searchIds) {
                }

                @Override
                public void lag(long records) {
                }

                @Override
                public void consumerFailed(Error error) {
                    synchronized (told) {
                        told.add(error);
                    }
                }
            };
            try (EventConsumer consumer = new EventConsumer(bus, EventConsumerTest.settings(bus), outOfMemory,
                    listener);
                 HttpApi api = HttpApi.start("127.0.0.1", 0, store, consumer::stats, new AggregatorMetrics(),
                         new LiveUpdates(), ControlRequests.readOnly())) {
                consumer.start();
                publisher.publish(Events.started("fatal"));
                publisher.flush();
                Await.until(TIMEOUT, "health DOWN", () -> health(api).get("status").asText().equals("DOWN"));
                assertEquals("the event consumer stopped on an unrecoverable error", health(api).get("reason").asText());
                synchronized (told) {
                    assertEquals(1, told.size());
                    assertEquals("injected", told.get(0).getMessage());
                }
            }
        }
    }

    private static JsonNode health(HttpApi api) throws Exception {
        return JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api.url() + "/health"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private static ConsumerRecord<byte[], byte[]> readOne(BusConfig bus) {
        Properties p = bus.kafkaClientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(bus.deadLetterTopic()));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    return r;
                }
            }
        }
        throw new AssertionError("nothing on " + bus.deadLetterTopic());
    }
}
