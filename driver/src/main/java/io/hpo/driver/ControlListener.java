package io.hpo.driver;

import io.hpo.driver.bus.SearchScopedConsumer;
import io.hpo.events.BusConfig;
import io.hpo.events.ControlEvent;
import io.hpo.events.ControlType;
import io.hpo.events.CorruptEventException;
import io.hpo.events.EventCodec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Control requests for one search, read from the control topic (where the aggregator's API and CLI put them) on a
 * background thread. The topic is read from the search's start (see {@link SearchScopedConsumer}: other searches'
 * requests are skipped undecoded), so a request made while the driver was down applies when the search resumes.
 * Cancellations are kept here, and trials poll them between averaging rounds; enqueue requests are handed on as they
 * are read (a resumed search's launched ones included: the receiver knows which were).
 */
public final class ControlListener implements AutoCloseable {
    private static final Duration BROKER_TIMEOUT = Duration.ofSeconds(30);

    private final String searchId;
    private final AtomicReference<String> searchCancelled = new AtomicReference<>();
    private final Map<String, String> trialsCancelled = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final SearchScopedConsumer consumer;
    private final Thread thread;
    private final PrintStream out;
    private final Consumer<ControlEvent> enqueued;
    private volatile boolean closed;

    private ControlListener(BusConfig bus, String searchId, PrintStream out, Consumer<ControlEvent> enqueued) {
        this.searchId = searchId;
        this.out = out;
        this.enqueued = enqueued;
        consumer = new SearchScopedConsumer(bus, bus.controlTopic(), searchId, SearchIds.recordsNotBefore(searchId),
                "hpo-control");
        thread = new Thread(this::poll, "hpo-control-" + searchId);
        thread.setDaemon(true);
    }

    /** @param enqueued told of each ENQUEUE_TRIAL request, on the listener's thread */
    public static ControlListener listen(BusConfig bus, String searchId, PrintStream out,
                                         Consumer<ControlEvent> enqueued) {
        ControlListener c = new ControlListener(bus, searchId, out, enqueued);
        c.thread.start();
        return c;
    }

    private void poll() {
        try {
            Map<TopicPartition, Long> backlog = null;
            while (!closed) {
                if (backlog == null) {
                    backlog = startReading();
                    if (backlog == null) {
                        Thread.sleep(1_000);
                        continue;
                    }
                }
                // checked before the poll: with no backlog, a poll would wait out its timeout for nothing
                if (caughtUp.getCount() > 0 && consumer.reached(backlog, BROKER_TIMEOUT)) {
                    caughtUp.countDown();
                }
                consumer.poll(Duration.ofMillis(500)).forEach(this::apply);
            }
        } catch (WakeupException | InterruptedException e) {
            // close() asked the listener to stop
        } finally {
            consumer.close();
        }
    }

    /** What the topic holds now, with the consumer at the search's start; null to try again later. */
    private Map<TopicPartition, Long> startReading() {
        try {
            if (!consumer.assign(BROKER_TIMEOUT)) {
                // no topic, so no request yet
                caughtUp.countDown();
                return null;
            }
            return consumer.endOffsets(BROKER_TIMEOUT);
        } catch (TimeoutException e) {
            out.println("warning: " + consumer.topic() + " unreachable (" + e.getMessage() + "); trying again");
            return null;
        }
    }

    private void apply(byte[] value) {
        ControlEvent e;
        try {
            e = EventCodec.decodeControl(value);
        } catch (CorruptEventException ex) {
            out.println("warning: ignored an unreadable control request on " + consumer.topic() + ": "
                    + ex.getMessage());
            return;
        }
        if (!e.searchId().equals(searchId)) {
            return;
        }
        if (e.type() == ControlType.ENQUEUE_TRIAL) {
            enqueued.accept(e);
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

    /**
     * Waits until the listener has read every request the topic held when it started (those made while the driver
     * was down); false if that took longer than {@code timeout}.
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean searchCancelled() {
        return searchCancelled.get() != null;
    }

    /** Why the trial must stop, if it must: the search or the trial was cancelled. */
    public Optional<String> trialStop(String trialId) {
        return Optional.ofNullable(searchCancelled.get()).or(() -> Optional.ofNullable(trialsCancelled.get(trialId)));
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
