package io.hpo.driver;

import io.hpo.events.BusConfig;
import io.hpo.events.ControlEvent;
import io.hpo.events.ControlType;
import io.hpo.events.CorruptEventException;
import io.hpo.events.EventCodec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Cancel requests for one search, read from the control topic (where the aggregator's API puts them) on a
 * background thread. The topic is read from its start, so a request made while the driver was down applies when
 * the search resumes. Trials poll it between averaging rounds.
 */
final class Cancellations implements AutoCloseable {
    private final String searchId;
    private final AtomicReference<String> searchCancelled = new AtomicReference<>();
    private final Map<String, String> trialsCancelled = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final PrintStream out;

    private Cancellations(BusConfig bus, String searchId, PrintStream out) {
        this.searchId = searchId;
        this.out = out;
        Properties p = bus.kafkaClientProperties();
        // a group of its own, committing nothing: every driver run reads the whole topic
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "hpo-driver-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(bus.controlTopic()));
        thread = new Thread(this::poll, "hpo-control-" + searchId);
        thread.setDaemon(true);
    }

    static Cancellations listen(BusConfig bus, String searchId, PrintStream out) {
        Cancellations c = new Cancellations(bus, searchId, out);
        c.thread.start();
        return c;
    }

    private void poll() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    apply(r);
                }
            }
        } catch (WakeupException e) {
            // close() asked the consumer to stop
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        ControlEvent e;
        try {
            e = EventCodec.decodeControl(r.value());
        } catch (CorruptEventException ex) {
            out.println("warning: ignored an unreadable control request at offset " + r.offset() + ": "
                    + ex.getMessage());
            return;
        }
        if (!e.searchId().equals(searchId)) {
            return;
        }
        String reason = "cancelled by " + (e.requestedBy() == null ? "request" : e.requestedBy());
        if (e.type() == ControlType.CANCEL_SEARCH) {
            if (searchCancelled.compareAndSet(null, reason)) {
                out.println("search " + searchId + " " + reason + ": no new trials; running ones stop");
            }
        } else if (trialsCancelled.putIfAbsent(e.trialId(), reason) == null) {
            out.println(e.trialId() + " " + reason);
        }
    }

    boolean searchCancelled() {
        return searchCancelled.get() != null;
    }

    /** Why the trial must stop, if it must: the search or the trial was cancelled. */
    Optional<String> trialStop(String trialId) {
        return Optional.ofNullable(searchCancelled.get()).or(() -> Optional.ofNullable(trialsCancelled.get(trialId)));
    }

    @Override
    public void close() {
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
