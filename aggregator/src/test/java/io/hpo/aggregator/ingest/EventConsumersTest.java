package io.hpo.aggregator.ingest;

import io.hpo.aggregator.store.Database;
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
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventConsumersTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void severalConsumersSplitThePartitionsAndStoreEveryRecordOnce() throws Exception {
        BusConfig bus = TestServices.freshBus();
        String s = "parallel";
        int trials = 24;
        int steps = 150;
        try (Database db = TestServices.migratedDatabase(); EventPublisher publisher = new EventPublisher(bus)) {
            ResultsStore store = new ResultsStore(db);
            publisher.publish(Events.started(s));
            for (int t = 0; t < trials; t++) {
                String trial = "t" + t;
                publisher.publish(LifecycleEvent.trialCreated(s, trial, Events.config(1e-3, 16)));
                publisher.publish(LifecycleEvent.trialStarted(s, trial, 1, null));
            }
            // step-major, so that every batch holds many trials and consumers share trial rows
            for (int i = 1; i <= steps; i++) {
                for (int t = 0; t < trials; t++) {
                    publisher.publish(Events.step(s, "t" + t, i, 0, 4.0 - i * 0.01));
                    if (i % 50 == 0) {
                        publisher.publish(Events.evaluated(s, "t" + t, i, 4.2 - i * 0.01 - t * 0.001, i * 1024L));
                    }
                }
            }
            for (int t = 0; t < trials; t++) {
                publisher.publish(Events.ended(s, "t" + t, LifecycleType.TRIAL_COMPLETED, steps, null));
            }
            publisher.flush();

            try (EventConsumers consumers = EventConsumers.start(3, bus, new ConsumerSettings("group-"
                    + bus.stepsTopic(), Duration.ofMillis(200), 100, Duration.ofSeconds(2), Duration.ofSeconds(60), 3),
                    store, IngestListener.NONE)) {
                long records = 1 + 2L * trials + (long) trials * steps + trials * (steps / 50) + trials;
                Await.until(TIMEOUT, "every record stored", () -> consumers.stats().recordsIngested() >= records);
                assertEquals(new StoreCounts(trials, (long) trials * steps, (long) trials * (steps / 50),
                        1 + 2L * trials + trials * (steps / 50) + trials, 0), store.counts(s));
                assertEquals(records, consumers.stats().recordsIngested());
                assertTrue(consumers.stats().healthy());
                List<StoredTrial> ranked = store.rankedTrials(s);
                assertEquals("t" + (trials - 1), ranked.get(0).trialId(), "lowest final validation loss first");
                ranked.forEach(t -> {
                    assertEquals("COMPLETED", t.status(), t.trialId());
                    assertEquals(steps, t.finalStep().intValue(), t.trialId());
                });
            }
            try (Admin admin = Admin.create(bus.kafkaClientProperties())) {
                assertEquals(3, admin.describeTopics(List.of(bus.stepsTopic())).allTopicNames().get()
                        .get(bus.stepsTopic()).partitions().size(), "one partition per consumer at least");
            }
        }
    }
}
