package io.hpo.driver;

import io.hpo.deploy.LocalKafkaBroker;
import io.hpo.driver.bench.NewTopics;
import io.hpo.driver.bus.SearchScopedConsumer;
import io.hpo.driver.history.LifecycleLog;
import io.hpo.driver.history.RecordedSearch;
import io.hpo.driver.history.RecordedTrial;
import io.hpo.events.BusConfig;
import io.hpo.events.ControlEvent;
import io.hpo.events.EventCodec;
import io.hpo.events.EventPublisher;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.SearchHeader;
import io.hpo.space.sampler.SearchHistory;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import io.hpo.space.spec.SpecWriter;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A resuming driver's read of its search's history and its control listener, on a real broker whose topics hold
 * many searches, records from before the search header, and a record older than any search here; and the enqueued
 * configurations a resumed driver still has to launch.
 */
class SearchScopedReadTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static LocalKafkaBroker kafka;

    @BeforeAll
    static void startKafka() {
        kafka = LocalKafkaBroker.start(dir.resolve("kafka"), 0);
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 3})
    void resumeReadsExactlyItsSearchsEventsAcrossDriverRunsAndOlderRecords(int partitions) throws Exception {
        BusConfig bus = freshBus(partitions);
        String target = SearchIds.newId("target");
        String named = "nightly";
        List<LifecycleEvent> targetEvents = new ArrayList<>();
        List<LifecycleEvent> namedEvents = new ArrayList<>();
        int olderVersionRecords;
        try (EventPublisher publisher = new EventPublisher(bus);
             KafkaProducer<String, byte[]> legacy = legacyProducer(bus)) {
            // a record from long before these searches, unreadable: a read that starts at the beginning reports it
            legacy.send(new ProducerRecord<>(bus.lifecycleTopic(), 0, System.currentTimeMillis()
                    - Duration.ofDays(2).toMillis(), "trial-000", "not json".getBytes(StandardCharsets.UTF_8))).get();
            // the target's first driver run was an older version: records keyed by trial id, without the header
            List<LifecycleEvent> firstRun = run(target, 1, List.of("trial-000", "trial-001"));
            for (LifecycleEvent e : firstRun) {
                legacy.send(new ProducerRecord<>(bus.lifecycleTopic(), e.key(), EventCodec.encode(e))).get();
                targetEvents.add(e);
            }
            olderVersionRecords = 1 + firstRun.size(); // the unreadable old record and the first run
            // another search's record, unreadable: skipped by its header, never decoded
            ProducerRecord<String, byte[]> others = new ProducerRecord<>(bus.lifecycleTopic(), "trial-000",
                    "not json".getBytes(StandardCharsets.UTF_8));
            others.headers().add(SearchHeader.NAME, "someone-else".getBytes(StandardCharsets.UTF_8));
            legacy.send(others).get();
            for (int run = 2; run <= 3; run++) {
                for (int other = 0; other < 20; other++) {
                    publishAll(publisher, run(SearchIds.newId("other" + other), 1,
                            List.of("trial-000", "trial-001", "trial-002")));
                }
                publishAll(publisher, run(named, run - 1, List.of("trial-000")), namedEvents);
                publishAll(publisher, run(target, run, List.of("trial-00" + run)), targetEvents);
            }
            publisher.flush();
        }

        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        assertEquals(eventIds(targetEvents), eventIds(LifecycleLog.events(bus, target, printer(warnings))),
                "exactly the target's events of all three driver runs");
        assertEquals("", warnings.toString(), "neither the old record nor another search's is decoded");
        RecordedSearch resumed = LifecycleLog.read(bus, target, printer(warnings));
        assertEquals(RecordedSearch.of(target, targetEvents), resumed);
        assertEquals(List.of("trial-000", "trial-001", "trial-002", "trial-003"),
                resumed.trials().stream().map(RecordedTrial::trialId).toList());
        assertEquals(3, resumed.trials().get(0).lastAttempt(), "attempts of every run are counted");

        assertEquals(eventIds(namedEvents), eventIds(LifecycleLog.events(bus, named, printer(warnings))),
                "an id without a start time is read from the topic's beginning");
        assertTrue(warnings.toString().contains("skipped 1 corrupt"), "the old record only: " + warnings);
        assertEquals(olderVersionRecords, headerlessRecords(bus), "every record EventPublisher wrote names its search");
    }

    /** The lifecycle records that name no search: those the filter hands to a search named by none. */
    private static long headerlessRecords(BusConfig bus) {
        try (SearchScopedConsumer consumer = new SearchScopedConsumer(bus, bus.lifecycleTopic(), "-",
                Optional.empty(), "test")) {
            assertTrue(consumer.assign(WAIT));
            Map<TopicPartition, Long> end = consumer.endOffsets(WAIT);
            long count = 0;
            while (!consumer.reached(end, WAIT)) {
                count += consumer.poll(Duration.ofMillis(200)).size();
            }
            return count;
        }
    }

    @Test
    void theCancelListenerAppliesItsSearchsRequestsMadeBeforeItStartedAndNoOtherSearchs() throws Exception {
        BusConfig bus = freshBus(3);
        String target = SearchIds.newId("target");
        String other = SearchIds.newId("other");
        try (EventPublisher publisher = new EventPublisher(bus);
             KafkaProducer<String, byte[]> legacy = legacyProducer(bus)) {
            ControlEvent older = ControlEvent.cancelTrial(target, "trial-002", "an older aggregator");
            legacy.send(new ProducerRecord<>(bus.controlTopic(), older.key(), EventCodec.encode(older))).get();
            publisher.publish(ControlEvent.cancelTrial(target, "trial-001", "test"));
            publisher.publish(ControlEvent.cancelSearch(other, "test"));
            for (int i = 0; i < 50; i++) {
                publisher.publish(ControlEvent.cancelTrial(SearchIds.newId("busy"), "trial-000", "test"));
            }
            publisher.flush();

            try (ControlListener targetListener = ControlListener.listen(bus, target, printer(new ByteArrayOutputStream()),
                    e -> { });
                 ControlListener otherListener = ControlListener.listen(bus, other, printer(new ByteArrayOutputStream()),
                         e -> { })) {
                assertTrue(targetListener.awaitCaughtUp(WAIT));
                assertTrue(otherListener.awaitCaughtUp(WAIT));
                assertFalse(targetListener.searchCancelled(), "another search's cancel does not apply");
                assertEquals(Optional.of("cancelled by test"), targetListener.trialStop("trial-001"));
                assertEquals(Optional.of("cancelled by an older aggregator"), targetListener.trialStop("trial-002"));
                assertEquals(Optional.empty(), targetListener.trialStop("trial-000"));
                assertTrue(otherListener.searchCancelled());

                publisher.publish(ControlEvent.cancelSearch(target, "test"));
                publisher.flush();
                long deadline = System.currentTimeMillis() + WAIT.toMillis();
                while (!targetListener.searchCancelled() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(targetListener.searchCancelled(), "a request made while the listener runs applies");
            }
        }
    }

    /** One driver run's events: the search (re)started, new trials created and started, trial-000 run again. */
    private static List<LifecycleEvent> run(String searchId, int attempt, List<String> trials) {
        List<LifecycleEvent> events = new ArrayList<>();
        events.add(LifecycleEvent.searchStarted(searchId, "demo", "name: demo\n"));
        for (String trial : trials) {
            events.add(LifecycleEvent.trialCreated(searchId, trial, Map.of("width", 32)));
            events.add(LifecycleEvent.trialStarted(searchId, trial, 1, null));
        }
        if (attempt > 1) {
            events.add(LifecycleEvent.trialStarted(searchId, "trial-000", attempt, "resumed"));
            events.add(LifecycleEvent.trialEvaluated(searchId, "trial-000", attempt, 10, 2.5, 100));
        }
        return events;
    }

    private static void publishAll(EventPublisher publisher, List<LifecycleEvent> events) {
        events.forEach(publisher::publish);
    }

    private static void publishAll(EventPublisher publisher, List<LifecycleEvent> events,
                                   List<LifecycleEvent> published) {
        publishAll(publisher, events);
        published.addAll(events);
    }

    private static List<String> eventIds(List<LifecycleEvent> events) {
        return events.stream().map(LifecycleEvent::eventId).sorted().toList();
    }

    @Test
    void aResumedDriverQueuesTheEnqueuedConfigurationsItsHistoryHasNotLaunched() throws Exception {
        BusConfig bus = freshBus(3);
        String searchId = SearchIds.newId("enqueued");
        SearchSpec spec = SpecLoader.parse("""
                name: enqueued
                space:
                  width: {choice: [32, 64]}
                enqueue:
                  - {width: 32}
                  - {width: 64}
                """, "enqueued.yaml");
        ControlEvent launched = ControlEvent.enqueueTrial(searchId, Map.of("width", 64), "test");
        ControlEvent waiting = ControlEvent.enqueueTrial(searchId, Map.of("width", 32), "test");
        try (EventPublisher publisher = new EventPublisher(bus)) {
            publisher.publish(LifecycleEvent.searchStarted(searchId, spec.name(), SpecWriter.canonical(spec)));
            publisher.publish(LifecycleEvent.trialCreated(searchId, "trial-000", Map.of("width", 32), "spec-1"));
            publisher.publish(LifecycleEvent.trialCreated(searchId, "trial-001", Map.of("width", 64),
                    launched.eventId()));
            publisher.publish(launched);
            publisher.publish(waiting);
            publisher.flush();
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        RecordedSearch prior = LifecycleLog.read(bus, searchId, printer(log));
        EnqueuedTrials queue = new EnqueuedTrials(spec, prior.launchedRequests(), printer(log));
        try (ControlListener listener = ControlListener.listen(bus, searchId, printer(log), queue::request)) {
            assertTrue(listener.awaitCaughtUp(WAIT));
            assertEquals("spec-2", queue.next(2, SearchHistory.empty()).orElseThrow().requestId());
            assertEquals(waiting.eventId(), queue.next(3, SearchHistory.empty()).orElseThrow().requestId());
            assertEquals(Optional.empty(), queue.next(4, SearchHistory.empty()), log.toString());
        }
    }

    private static PrintStream printer(ByteArrayOutputStream sink) {
        return new PrintStream(sink, true, StandardCharsets.UTF_8);
    }

    private static KafkaProducer<String, byte[]> legacyProducer(BusConfig bus) {
        return new KafkaProducer<>(bus.kafkaClientProperties(), new StringSerializer(), new ByteArraySerializer());
    }

    private static BusConfig freshBus(int partitions) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        BusConfig bus = BusConfig.from(Map.of(BusConfig.LIFECYCLE_TOPIC, "lifecycle-" + suffix,
                BusConfig.CONTROL_TOPIC, "control-" + suffix)).withBootstrapServers(kafka.bootstrapServers());
        NewTopics.create(bus, List.of(bus.lifecycleTopic(), bus.controlTopic()), partitions);
        return bus;
    }
}
