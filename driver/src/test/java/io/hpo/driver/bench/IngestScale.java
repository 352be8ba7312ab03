package io.hpo.driver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.events.BusConfig;
import io.hpo.events.EventPublisher;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.StepMetric;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ingest at scale: publishes one search of {@code trials} × {@code steps} step records (one worker, an evaluation
 * every {@value #EVAL_EVERY} steps, a terminal event per trial) through the project's {@link EventPublisher} as fast
 * as one thread can, and measures the sustained rate at which the aggregator stores them (first record published to
 * the last stored, so the rate is the slower of publishing and storing) and checks the stored counts exactly. While
 * it runs, a probe trial publishes one step at a time and polls the HTTP API's curve endpoint until the step
 * shows: the step → API latency under that load. The probe publishes through a producer of its own, as a
 * worker on another executor would, so its flushes do not cut the bulk producer's batches short.
 */
public final class IngestScale {
    static final int EVAL_EVERY = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    private IngestScale() {
    }

    /** The search's trial ids are {@code trial-00000...}; returns the figures and leaves the data stored. */
    public static List<ScaleFigure> measure(BusConfig bus, ResultsStore store, String apiUrl, String searchId,
                                            int trials, int steps) throws Exception {
        try (EventPublisher publisher = new EventPublisher(bus); EventPublisher probes = new EventPublisher(bus)) {
            return measure(publisher, probes, store, apiUrl, searchId, trials, steps);
        }
    }

    private static List<ScaleFigure> measure(EventPublisher publisher, EventPublisher probes, ResultsStore store,
                                             String apiUrl, String searchId, int trials, int steps)
            throws Exception {
        long records = (long) trials * steps;
        publisher.publish(LifecycleEvent.searchStarted(searchId, "ingest-scale", "name: ingest-scale\n"));
        for (int t = 0; t < trials; t++) {
            publisher.publish(LifecycleEvent.trialCreated(searchId, trialId(t), Map.of("learning_rate", 1e-3)));
            publisher.publish(LifecycleEvent.trialStarted(searchId, trialId(t), 1, null));
        }
        publisher.flush();

        Probe probe = new Probe(probes, apiUrl, searchId);
        Thread probeThread = new Thread(probe, "ingest-probe");
        long start = System.nanoTime();
        probeThread.start();
        long now = System.currentTimeMillis();
        // step-major order, as concurrent trials publish: every batch the consumer sees holds many trials
        for (int s = 1; s <= steps; s++) {
            for (int t = 0; t < trials; t++) {
                double loss = 4.0 * Math.exp(-s / 3000.0) + 1.0 + 0.01 * t;
                publisher.publish(StepMetric.of(searchId, trialId(t), 1, s, 0, 512L * s, 1e-3, loss, now + s));
                if (s % EVAL_EVERY == 0) {
                    publisher.publish(LifecycleEvent.trialEvaluated(searchId, trialId(t), 1, s, loss + 0.05,
                            512L * s));
                }
            }
        }
        for (int t = 0; t < trials; t++) {
            publisher.publish(LifecycleEvent.trialCompleted(searchId, trialId(t), 1, steps, 512L * steps, null));
        }
        publisher.flush();
        double publishSeconds = (System.nanoTime() - start) / 1e9;
        awaitCount(store, searchId, records + probe.published(), Duration.ofMinutes(10));
        double ingestSeconds = (System.nanoTime() - start) / 1e9;
        probe.stop.set(true);
        probeThread.join();
        long expected = records + probe.published();
        long stored = awaitCount(store, searchId, expected, Duration.ofMinutes(1));
        if (stored != expected) {
            throw new AssertionError("stored " + stored + " step records of " + searchId + ", published " + expected);
        }
        List<Long> latencies = probe.latencies();
        return List.of(
                new ScaleFigure("steps published (" + trials + " trials x " + steps + " steps)",
                        String.format(Locale.ROOT, "%,d in %.1f s (%,.0f/s)", records, publishSeconds,
                                records / publishSeconds), "-"),
                new ScaleFigure("ingest, sustained", String.format(Locale.ROOT, "%,.0f records/s (%,d stored exactly"
                        + " once in %.1f s)", records / ingestSeconds, stored, ingestSeconds), ">= 100,000 records/s"),
                new ScaleFigure("step -> API latency during ingest", String.format(Locale.ROOT,
                        "p50 %d ms, p99 %d ms (%d probes)", percentile(latencies, 50), percentile(latencies, 99),
                        latencies.size()), "p99 < 1,000 ms"));
    }

    static String trialId(int t) {
        return String.format(Locale.ROOT, "trial-%05d", t);
    }

    private static long awaitCount(ResultsStore store, String searchId, long expected, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long count = store.countSteps(searchId);
        while (count < expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
            count = store.countSteps(searchId);
        }
        return count;
    }

    static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /** Publishes a step of its own trial, then polls the API until the step shows, then the next. */
    private static final class Probe implements Runnable {
        private static final String TRIAL = "probe";
        private final EventPublisher publisher;
        private final URI curve;
        private final String searchId;
        private final HttpClient http = HttpClient.newHttpClient();
        private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean stop = new AtomicBoolean();
        private volatile long published;

        Probe(EventPublisher publisher, String apiUrl, String searchId) {
            this.publisher = publisher;
            this.searchId = searchId;
            this.curve = URI.create(apiUrl + "/api/searches/" + enc(searchId) + "/trials/" + TRIAL + "/curve");
        }

        private static String enc(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
        }

        @Override
        public void run() {
            publisher.publish(LifecycleEvent.trialCreated(searchId, TRIAL, Map.of("learning_rate", 1e-3)));
            for (long step = 1; !stop.get(); step++) {
                long sent = System.nanoTime();
                publisher.publish(StepMetric.of(searchId, TRIAL, 1, step, 0, step, 1e-3, 2.0,
                        System.currentTimeMillis()));
                publisher.flush();
                published = step;
                while (!stop.get() && lastStep() < step) {
                    sleep(2);
                }
                if (!stop.get()) {
                    latencies.add((System.nanoTime() - sent) / 1_000_000);
                }
                sleep(50);
            }
        }

        private long lastStep() {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(curve).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    return 0;
                }
                JsonNode steps = JSON.readTree(r.body()).path("steps");
                return steps.isEmpty() ? 0 : steps.get(steps.size() - 1).path("step").asLong();
            } catch (Exception e) {
                return 0;
            }
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        long published() {
            return published;
        }

        List<Long> latencies() {
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            return sorted;
        }
    }
}
