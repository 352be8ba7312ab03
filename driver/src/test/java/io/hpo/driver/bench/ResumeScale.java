package io.hpo.driver.bench;

import io.hpo.driver.ControlListener;
import io.hpo.driver.SearchIds;
import io.hpo.driver.history.LifecycleLog;
import io.hpo.driver.history.RecordedSearch;
import io.hpo.events.BusConfig;
import io.hpo.events.ControlEvent;
import io.hpo.events.CorruptEventException;
import io.hpo.events.EventCodec;
import io.hpo.events.EventPublisher;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.TrialAccounting;
import io.hpo.space.cost.Spend;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The scale benchmark's resume part (issue #19): how long a resuming driver takes to read its search's history
 * back, and its cancel listener to start, when the topics hold a large search and many others.
 *
 * <p>{@link #measure} creates a lifecycle and a control topic of their own on the given broker (the bus's topic
 * names with a random suffix, {@value #PARTITIONS} partitions each as in docker-compose.yml), publishes through
 * the project's {@link EventPublisher}: a {@value #TRIALS}-trial search and {@value #OTHER_SEARCHES} other
 * searches of {@value #OTHER_TRIALS} trials each, interleaved as if they ran side by side, every trial with the
 * events a real one has (created with its config, started, {@value #EVALUATIONS} evaluations, completed with its
 * accounting), and a cancel request for each search. Then it reads the large search back with
 * {@link LifecycleLog#events}, the events {@code --resume} builds its state from, and starts a
 * {@link ControlListener} for it until it has caught up. For comparison it also times the read before
 * issue #19: every record of the topic decoded and kept. The first resume read is the one a resuming driver does, its code not yet compiled (publishing has
 * loaded the Kafka client and Jackson, though); the whole-topic read and a second resume read then run on
 * compiled code, the fair comparison, and so does a read that skips every record (what other searches' records
 * cost a read). Heap figures are what stays reachable after a full GC (MemoryMXBean, so a
 * rough figure) and what the reading thread allocated (com.sun.management.ThreadMXBean). Takes about a minute on
 * a 2-core machine; the topics are left on the broker.
 */
public final class ResumeScale {
    static final int PARTITIONS = 3;
    static final int TRIALS = 10_000;
    static final int OTHER_SEARCHES = 100;
    static final int OTHER_TRIALS = 100;
    static final int EVALUATIONS = 3;
    /** Created, started, the evaluations, completed. */
    static final int EVENTS_PER_TRIAL = 3 + EVALUATIONS;
    /** The large search's start and trials, each other search's start, trials and finish. */
    static final int LIFECYCLE_RECORDS = 1 + TRIALS * EVENTS_PER_TRIAL
            + OTHER_SEARCHES * (2 + OTHER_TRIALS * EVENTS_PER_TRIAL);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private ResumeScale() {
    }

    /** Publishes the histories, measures the reads; {@code bus} gives client settings and topic names. */
    public static List<ScaleFigure> measure(String bootstrapServers, BusConfig bus) throws Exception {
        String suffix = "-" + UUID.randomUUID().toString().substring(0, 8);
        BusConfig own = bus.withBootstrapServers(bootstrapServers)
                .with(BusConfig.LIFECYCLE_TOPIC, bus.lifecycleTopic() + suffix)
                .with(BusConfig.CONTROL_TOPIC, bus.controlTopic() + suffix);
        NewTopics.create(own, List.of(own.lifecycleTopic(), own.controlTopic()), PARTITIONS);
        String searchId = SearchIds.newId("resume-scale");
        publishHistories(own, searchId);

        List<ScaleFigure> figures = new ArrayList<>();
        figures.add(new ScaleFigure("lifecycle records on the topic (" + PARTITIONS + " partitions)",
                String.valueOf(LIFECYCLE_RECORDS), "-"));
        Measured<List<LifecycleEvent>> resume = Measured.of(() -> LifecycleLog.events(own, searchId, silent()));
        RecordedSearch recorded = RecordedSearch.of(searchId, resume.value());
        if (recorded.trials().size() != TRIALS || recorded.finishedTrials().size() != TRIALS) {
            throw new IllegalStateException("resume read " + recorded.trials().size() + " trials of " + searchId
                    + ", expected " + TRIALS + " finished ones");
        }
        figures.add(new ScaleFigure("resume: read a " + TRIALS + "-trial search among " + OTHER_SEARCHES
                + " others, first read in the JVM", resume.seconds(), "< 10 s"));
        figures.add(new ScaleFigure("resume: heap kept by the read (" + resume.value().size() + " events)",
                resume.retainedMiB(), "the search's events only"));
        figures.add(new ScaleFigure("resume: allocated while reading", resume.allocatedMiB(), "-"));
        Measured<List<LifecycleEvent>> whole = Measured.of(() -> readWholeTopic(own));
        if (!RecordedSearch.of(searchId, whole.value()).equals(recorded)) {
            throw new IllegalStateException("the whole-topic read and the resume read disagree on " + searchId);
        }
        Measured<List<LifecycleEvent>> again = Measured.of(() -> LifecycleLog.events(own, searchId, silent()));
        figures.add(new ScaleFigure("resume: the same read again, compiled", again.seconds(), "-"));
        Measured<List<LifecycleEvent>> none = Measured.of(() -> LifecycleLog.events(own, "absent", silent()));
        figures.add(new ScaleFigure("resume: skipping all " + LIFECYCLE_RECORDS + " records (an id without a stamp"
                + " and no events), compiled", none.seconds(), "-"));
        figures.add(new ScaleFigure("before #19: read the whole topic, compiled", whole.seconds(),
                "for comparison"));
        figures.add(new ScaleFigure("before #19: heap kept by the read (" + whole.value().size() + " events)",
                whole.retainedMiB(), "for comparison"));
        figures.add(new ScaleFigure("before #19: allocated while reading", whole.allocatedMiB(), "for comparison"));
        figures.add(new ScaleFigure("cancel listener: start-up until caught up with " + (OTHER_SEARCHES + 1)
                + " searches' requests", cancelListenerStartSeconds(own, searchId), "< 10 s"));
        return figures;
    }

    /** The large search with one other search after every {@code TRIALS / OTHER_SEARCHES} of its trials. */
    private static void publishHistories(BusConfig bus, String searchId) {
        int chunk = TRIALS / OTHER_SEARCHES;
        try (EventPublisher publisher = new EventPublisher(bus)) {
            publisher.publish(LifecycleEvent.searchStarted(searchId, "resume-scale", spec()));
            for (int other = 0; other < OTHER_SEARCHES; other++) {
                for (int t = other * chunk; t < (other + 1) * chunk; t++) {
                    publishTrial(publisher, searchId, t);
                }
                String otherId = SearchIds.newId("other-" + other);
                publisher.publish(LifecycleEvent.searchStarted(otherId, "other-" + other, spec()));
                for (int t = 0; t < OTHER_TRIALS; t++) {
                    publishTrial(publisher, otherId, t);
                }
                publisher.publish(LifecycleEvent.searchFinished(otherId, "COMPLETED"));
                publisher.publish(ControlEvent.cancelSearch(otherId, "bench"));
            }
            publisher.publish(ControlEvent.cancelTrial(searchId, SearchIds.trialId(0), "bench"));
            publisher.flush();
        }
    }

    private static void publishTrial(EventPublisher publisher, String searchId, int index) {
        String trial = SearchIds.trialId(index);
        publisher.publish(LifecycleEvent.trialCreated(searchId, trial, Map.of("learning_rate",
                1e-3 * (1 + index % 7), "d_model", 64, "n_layers", 2 + index % 3, "n_heads", 4, "batch_size", 16,
                "dropout", 0.1, "warmup_steps", 100)));
        publisher.publish(LifecycleEvent.trialStarted(searchId, trial, 1, null));
        for (int e = 1; e <= EVALUATIONS; e++) {
            publisher.publish(LifecycleEvent.trialEvaluated(searchId, trial, 1, 100L * e,
                    3.0 - 0.1 * e - 1e-5 * index, 102_400L * e));
        }
        publisher.publish(LifecycleEvent.trialCompleted(searchId, trial, 1, 100L * EVALUATIONS,
                102_400L * EVALUATIONS, null).withAccounting(new TrialAccounting(107_000, 1_000_000,
                new Spend(42.5, 102_400L * EVALUATIONS, 6.0 * 107_000 * 102_400 * EVALUATIONS, 0.0012, 0.0005, 0.01))));
    }

    /** A spec of realistic size (the canonical YAML SEARCH_STARTED carries). */
    private static String spec() {
        return "name: resume-scale\n" + "space:\n  learning_rate: {log_uniform: [1.0e-4, 1.0e-2]}\n".repeat(20);
    }

    private static String cancelListenerStartSeconds(BusConfig bus, String searchId) throws InterruptedException {
        long start = System.nanoTime();
        try (ControlListener listener = ControlListener.listen(bus, searchId, silent(), e -> { })) {
            if (!listener.awaitCaughtUp(WAIT) || listener.trialStop(SearchIds.trialId(0)).isEmpty()) {
                throw new IllegalStateException("the cancel listener of " + searchId + " did not catch up with its"
                        + " request within " + WAIT);
            }
            return seconds(System.nanoTime() - start);
        }
    }

    /** Resume's read before issue #19: every record of the lifecycle topic decoded and kept. */
    private static List<LifecycleEvent> readWholeTopic(BusConfig bus) {
        Properties p = bus.kafkaClientProperties();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<LifecycleEvent> events = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(bus.lifecycleTopic(), WAIT).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, WAIT);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, WAIT) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        events.add(EventCodec.decodeLifecycle(r.value()));
                    } catch (CorruptEventException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return events;
    }

    private static PrintStream silent() {
        return new PrintStream(OutputStream.nullOutputStream());
    }

    private static String seconds(long nanos) {
        return String.format("%.2f s", nanos / 1e9);
    }

    /** A read's result, wall time, the heap it keeps reachable and what the reading thread allocated. */
    private record Measured<T>(T value, long nanos, long retainedBytes, long allocatedBytes) {
        private static final com.sun.management.ThreadMXBean THREADS =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        static <T> Measured<T> of(Supplier<T> read) {
            long heapBefore = heapAfterGc();
            long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            T value = read.get();
            long nanos = System.nanoTime() - start;
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
            // the result is still referenced below, so the GC keeps it and only it
            long retained = heapAfterGc() - heapBefore;
            return new Measured<>(value, nanos, retained, allocated);
        }

        private static long heapAfterGc() {
            System.gc();
            System.gc();
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }

        String seconds() {
            return ResumeScale.seconds(nanos);
        }

        String retainedMiB() {
            return String.format("%.1f MiB", retainedBytes / 1048576.0);
        }

        String allocatedMiB() {
            return String.format("%.0f MiB", allocatedBytes / 1048576.0);
        }
    }
}
