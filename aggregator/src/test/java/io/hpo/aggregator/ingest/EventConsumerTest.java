package io.hpo.aggregator.ingest;

import io.hpo.aggregator.store.Database;
import io.hpo.aggregator.store.Migrations;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.StoreCounts;
import io.hpo.aggregator.store.StoredTrial;
import io.hpo.aggregator.support.Await;
import io.hpo.aggregator.support.Events;
import io.hpo.aggregator.support.TestServices;
import io.hpo.events.BusConfig;
import io.hpo.events.EventPublisher;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleType;
import io.hpo.events.StepMetric;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import io.hpo.deploy.LocalPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventConsumerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void storesEveryEventOnceSkipsCorruptRecordsAndResumesFromCommittedOffsets() throws Exception {
        BusConfig bus = TestServices.freshBus();
        String s = "e2e";
        List<StepMetric> steps = new ArrayList<>();
        for (String trial : List.of("t1", "t2")) {
            for (int i = 1; i <= 20; i++) {
                steps.add(Events.step(s, trial, i, 0, trial.equals("t1") ? 4.0 - i * 0.05 : Double.NaN));
            }
        }
        List<LifecycleEvent> events = List.of(Events.started(s),
                LifecycleEvent.trialCreated(s, "t1", Events.config(1e-3, 16)),
                LifecycleEvent.trialCreated(s, "t2", Events.config(1e-1, 16)),
                LifecycleEvent.trialStarted(s, "t1", 1, null), LifecycleEvent.trialStarted(s, "t2", 1, null),
                Events.evaluated(s, "t1", 10, 3.4, 10240), Events.evaluated(s, "t1", 20, 3.2, 20480),
                Events.ended(s, "t1", LifecycleType.TRIAL_COMPLETED, 20, null),
                Events.ended(s, "t2", LifecycleType.TRIAL_DIVERGED, 20, "loss is NaN"));

        try (Database db = TestServices.migratedDatabase(); EventPublisher publisher = new EventPublisher(bus)) {
            ResultsStore store = new ResultsStore(db);
            // everything twice: a producer retry or a re-run driver republishes
            for (int copy = 0; copy < 2; copy++) {
                steps.forEach(publisher::publish);
                events.forEach(publisher::publish);
            }
            publisher.flush();
            publishRaw(bus, "{not json at all".getBytes(StandardCharsets.UTF_8));

            try (EventConsumer consumer = consumer(bus, store)) {
                consumer.start();
                long expected = 2L * (steps.size() + events.size());
                Await.until(TIMEOUT, "all records ingested",
                        () -> consumer.recordsIngested() == expected && consumer.corruptRecords() == 1);
                assertEquals(new StoreCounts(2, 40, 2, 9, 0), store.counts(s));
                assertEquals(1, consumer.corruptRecords());
                assertEquals(0, consumer.stats().rejectedRecords());
                List<StoredTrial> trials = store.rankedTrials(s);
                assertEquals("COMPLETED", trials.get(0).status());
                assertEquals(3.2, trials.get(0).bestValLoss());
                assertEquals("DIVERGED", trials.get(1).status());
            }

            // a new consumer of the same group starts after the committed offsets
            publisher.publish(LifecycleEvent.searchFinished(s, "COMPLETED"));
            publisher.flush();
            try (EventConsumer again = consumer(bus, store)) {
                again.start();
                Await.until(TIMEOUT, "the new event ingested", () -> store.search(s).orElseThrow().finished());
                Thread.sleep(500);
                assertEquals(1, again.recordsIngested(), "only the record published after the commit");
                assertEquals(0, again.corruptRecords());
            }
            assertEquals(new StoreCounts(2, 40, 2, 10, 0), store.counts(s));
        }
    }

    @Test
    void survivesADatabaseOutageWithoutLosingOrDuplicatingEvents(@TempDir Path dir) throws Exception {
        BusConfig bus = TestServices.freshBus();
        String s = "outage";
        LocalPostgres pg = LocalPostgres.start(dir, 0);
        int port = pg.port();
        try (Database db = new Database(pg.jdbcUrl(), pg.user(), pg.password());
             EventPublisher publisher = new EventPublisher(bus);
             EventConsumer consumer = consumer(bus, new ResultsStore(db))) {
            Migrations.migrate(db);
            ResultsStore store = new ResultsStore(db);
            consumer.start();
            for (int i = 1; i <= 10; i++) {
                publisher.publish(Events.step(s, "t1", i, 0, 3.0));
            }
            publisher.flush();
            Await.until(TIMEOUT, "the first steps stored", () -> store.countSteps(s) == 10);

            pg.close();
            for (int i = 11; i <= 20; i++) {
                publisher.publish(Events.step(s, "t1", i, 0, 3.0));
            }
            publisher.publish(Events.evaluated(s, "t1", 20, 2.5, 20480));
            publisher.flush();
            Await.until(TIMEOUT, "the consumer to notice", () -> !consumer.stats().healthy());

            pg = LocalPostgres.start(dir, port);
            // the test reads through a pool of its own: a restart quicker than the pool's idle check would hand
            // this thread a connection the old server closed, which is the consumer's to survive, not the test's
            try (Database after = new Database(pg.jdbcUrl(), pg.user(), pg.password())) {
                ResultsStore stored = new ResultsStore(after);
                // the evaluation travels on the lifecycle topic: it may be stored a batch after the steps
                StoreCounts all = new StoreCounts(1, 20, 1, 1, 0);
                Await.until(TIMEOUT, "the backlog stored", () -> stored.counts(s).equals(all));
                Await.until(TIMEOUT, "healthy again", () -> consumer.stats().healthy());
                assertEquals(all, stored.counts(s));
            }
            assertEquals(21, consumer.recordsIngested());
            assertTrue(consumer.stats().failedAttempts() > 0);
        } finally {
            pg.close();
        }
    }

    /** Quick polls and retries, the default failure limits. */
    static ConsumerSettings settings(BusConfig bus) {
        return new ConsumerSettings("group-" + bus.stepsTopic(), Duration.ofMillis(200), 500, Duration.ofSeconds(2),
                Duration.ofSeconds(60), 3);
    }

    private static EventConsumer consumer(BusConfig bus, ResultsStore store) {
        return new EventConsumer(bus, settings(bus), store::applyBatch, IngestListener.NONE);
    }

    private static void publishRaw(BusConfig bus, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(bus.kafkaClientProperties(),
                new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(bus.lifecycleTopic(), "t1", value)).get();
        }
    }
}
