package io.hpo.driver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.StoreCounts;
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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Ingest at scale: publishes searches of {@code trials} × {@code steps} step records (one worker, an evaluation
 * every {@value #EVAL_EVERY} steps, a terminal event per trial) through the project's {@link EventPublisher} from
 * one thread, and measures the sustained rate at which the aggregator stores them (first record published to the
 * last stored, so the rate is the slower of publishing and storing), checking the stored counts exactly. During the
 * paced run a probe trial publishes one step at a time and reads the HTTP API's curve endpoint, as the live stream
 * announces changes to its search, until the step shows: the step → API latency under that load. The probe
 * publishes through a producer of its own, as a worker on another executor would, so its flushes do not cut the
 * bulk producer's batches short.
 */
public final class IngestScale {
    static final int EVAL_EVERY = 500;
    /** The warm-up search before the measured ones has this fraction of their steps. */
    static final int WARM_UP_SHARE = 5;
    /** How often the end of a run is looked for: the rates' resolution (a run lasts 10 s or more). */
    static final int LAST_STEPS_POLL_MS = 100;
    /** The latency's second paced run publishes at this share of the flat-out capacity just measured. */
    static final double KEPT_UP_SHARE = 0.7;
    private static final ObjectMapper JSON = new ObjectMapper();

    private IngestScale() {
    }

    /**
     * A warm-up search of a {@value #WARM_UP_SHARE}th of the steps through the same processes, then three searches
     * of {@code trials} × {@code steps} records: {@code searchId} published flat out (the capacity:
     * the rate at which the last record is stored), then {@code searchId-paced} published at {@code pacedRate}
     * records/s and {@code searchId-kept-up} at {@value #KEPT_UP_SHARE} of the measured capacity, each with the
     * probe measuring step → API latency. Above the capacity the latency is a growing backlog's; below it, the
     * pipeline's own. Every search is checked exactly: every step and evaluation stored once. The CPU each process
     * used over the flat-out run is printed by role ({@link ProcessCpu}).
     */
    public static List<ScaleFigure> measure(BusConfig bus, ResultsStore store, Connection db, String apiUrl,
                                            String searchId, int trials, int steps, int pacedRate)
            throws Exception {
        List<ScaleFigure> figures = new ArrayList<>();
        try (EventPublisher publisher = new EventPublisher(bus); EventPublisher probes = new EventPublisher(bus)) {
            // the service runs for days; its first seconds, while the JIT compiles the ingest path of fresh JVMs
            // (several core-seconds of compiling on this machine), are shown apart from the sustained rate
            int warmUpSteps = Math.max(EVAL_EVERY, steps / WARM_UP_SHARE);
            Run warmUp = publish(publisher, null, store, db, searchId + "-warm-up", trials, warmUpSteps, 0);
            figures.add(new ScaleFigure("ingest, fresh processes (" + trials + " trials x " + warmUpSteps
                    + " steps, JIT compiling)", String.format(Locale.ROOT, "%,.0f records/s (%,d stored exactly once)",
                    warmUp.records / warmUp.storedSeconds, warmUp.records), "-"));
            ProcessCpu before = ProcessCpu.read();
            Run flatOut = publish(publisher, null, store, db, searchId, trials, steps, 0);
            System.out.println("ingest flat out, " + ProcessCpu.read().since(before));
            double capacity = flatOut.records / flatOut.storedSeconds;
            figures.add(new ScaleFigure("ingest, flat out (" + trials + " trials x " + steps + " steps)",
                    String.format(Locale.ROOT, "%,.0f records/s (%,d stored exactly once in %.1f s; published in"
                            + " %.1f s)", capacity, flatOut.records, flatOut.storedSeconds,
                            flatOut.publishedSeconds), ">= 100,000 records/s"));
            figures.addAll(paced(publisher, probes, store, db, apiUrl, searchId + "-paced", trials, steps,
                    pacedRate));
            figures.addAll(paced(publisher, probes, store, db, apiUrl, searchId + "-kept-up", trials, steps,
                    (int) (capacity * KEPT_UP_SHARE)));
        }
        return figures;
    }

    /**
     * The aggregator alone: the search is published first, to topics no aggregator reads yet (created with a
     * partition per consumer of the aggregator's defaults), then {@code aggregator} starts on them and drains the
     * backlog; the rate is the records stored after the first ones showed over the time since (so the consumers'
     * start-up, which the figure names, is left out). On one machine the other runs share its cores with the
     * publisher and the broker; in a cluster the workers publish elsewhere.
     */
    public static ScaleFigure drain(BusConfig backlog, int consumers, ResultsStore store, Connection db,
                                    String searchId, int trials, int steps, Callable<AutoCloseable> aggregator)
            throws Exception {
        NewTopics.create(backlog, List.of(backlog.stepsTopic(), backlog.lifecycleTopic()), consumers);
        try (EventPublisher publisher = new EventPublisher(backlog)) {
            publishAll(publisher, searchId, trials, steps, 0, System.nanoTime());
        }
        long start = System.nanoTime();
        try (AutoCloseable running = aggregator.call()) {
            long[] first = awaitFirstSteps(db, searchId);
            ProcessCpu storing = ProcessCpu.read();
            awaitLastSteps(db, searchId, trials, steps);
            long end = System.nanoTime();
            System.out.println("draining, once storing, " + ProcessCpu.read().since(storing));
            long records = (long) trials * steps;
            checkCounts(store, searchId, records, 0, trials, steps);
            return new ScaleFigure("ingest, draining a backlog (the aggregator alone, " + consumers + " consumers)",
                    String.format(Locale.ROOT, "%,.0f records/s once storing (%,d stored exactly once in %.1f s"
                            + " from the aggregator's start)", (records - first[1]) / ((end - first[0]) / 1e9),
                            records, (end - start) / 1e9), ">= 100,000 records/s");
        }
    }

    /** When the search's first steps are stored, and how many: the start of a drain's steady state. */
    private static long[] awaitFirstSteps(Connection db, String searchId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        try (PreparedStatement ps = db.prepareStatement("SELECT count(*) FROM step_metrics m"
                + " JOIN trials t USING (trial_key) WHERE t.search_id = ?")) {
            ps.setString(1, searchId);
            while (System.nanoTime() < deadline) {
                long now = System.nanoTime();
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return new long[] {now, rs.getLong(1)};
                    }
                }
                Thread.sleep(5);
            }
        }
        throw new AssertionError("no step of " + searchId + " was stored within 2 minutes");
    }

    private static List<ScaleFigure> paced(EventPublisher publisher, EventPublisher probes, ResultsStore store,
                                           Connection db, String apiUrl, String searchId, int trials, int steps,
                                           int rate) throws Exception {
        Probe probe = new Probe(probes, apiUrl, searchId);
        Run run = publish(publisher, probe, store, db, searchId, trials, steps, rate);
        List<Long> latencies = probe.latencies();
        return List.of(new ScaleFigure(String.format(Locale.ROOT, "ingest, paced at %,d records/s", rate),
                        String.format(Locale.ROOT, "%,.0f records/s (%,d stored exactly once in %.1f s)",
                                run.records / run.storedSeconds, run.records, run.storedSeconds), "-"),
                new ScaleFigure(String.format(Locale.ROOT, "step -> API latency at %,d records/s", rate),
                        String.format(Locale.ROOT, "p50 %d ms, p99 %d ms (%d probes)", percentile(latencies, 50),
                                percentile(latencies, 99), latencies.size()), "p99 < 1,000 ms"));
    }

    private record Run(long records, double publishedSeconds, double storedSeconds) {
    }

    /** Publishes the search (at {@code rate} records/s, 0 for as fast as possible) and waits until it is stored. */
    private static Run publish(EventPublisher publisher, Probe probe, ResultsStore store, Connection db,
                               String searchId, int trials, int steps, int rate) throws Exception {
        Thread probeThread = probe == null ? null : new Thread(probe, "ingest-probe");
        long start = System.nanoTime();
        if (probeThread != null) {
            probeThread.start();
        }
        publishAll(publisher, searchId, trials, steps, rate, start);
        double published = (System.nanoTime() - start) / 1e9;
        awaitLastSteps(db, searchId, trials, steps);
        double stored = (System.nanoTime() - start) / 1e9;
        long probeSteps = 0;
        if (probeThread != null) {
            probe.stop.set(true);
            probeThread.join();
            probeSteps = probe.published();
        }
        checkCounts(store, searchId, (long) trials * steps, probeSteps, trials, steps);
        return new Run((long) trials * steps, published, stored);
    }

    /**
     * The search's lifecycle and, step-major as concurrent trials publish (every batch the consumer sees holds
     * many trials), its steps, paced from {@code start} at {@code rate} records/s (0: as fast as possible).
     */
    private static void publishAll(EventPublisher publisher, String searchId, int trials, int steps, int rate,
                                   long start) throws InterruptedException {
        publisher.publish(LifecycleEvent.searchStarted(searchId, "ingest-scale", "name: ingest-scale\n"));
        String[] ids = new String[trials];
        for (int t = 0; t < trials; t++) {
            ids[t] = trialId(t);
            publisher.publish(LifecycleEvent.trialCreated(searchId, ids[t], Map.of("learning_rate", 1e-3)));
            publisher.publish(LifecycleEvent.trialStarted(searchId, ids[t], 1, null));
        }
        long now = System.currentTimeMillis();
        long sent = 0;
        for (int s = 1; s <= steps; s++) {
            for (int t = 0; t < trials; t++) {
                double loss = 4.0 * Math.exp(-s / 3000.0) + 1.0 + 0.01 * t;
                publisher.publish(StepMetric.of(searchId, ids[t], 1, s, 0, 512L * s, 1e-3, loss, now + s));
                if (s % EVAL_EVERY == 0) {
                    publisher.publish(LifecycleEvent.trialEvaluated(searchId, ids[t], 1, s, loss + 0.05,
                            512L * s));
                }
            }
            sent += trials;
            if (rate > 0) {
                pace(start, sent, rate);
            }
        }
        for (int t = 0; t < trials; t++) {
            publisher.publish(LifecycleEvent.trialCompleted(searchId, ids[t], 1, steps, 512L * steps, null));
        }
        publisher.flush();
    }

    private static void checkCounts(ResultsStore store, String searchId, long records, long probeSteps, int trials,
                                    int steps) throws Exception {
        StoreCounts counts = awaitCounts(store, searchId, records + probeSteps);
        long evaluations = (long) trials * (steps / EVAL_EVERY);
        if (counts.steps() != records + probeSteps || counts.evaluations() != evaluations) {
            throw new AssertionError("search " + searchId + ": stored " + counts + ", published " + records
                    + " + " + probeSteps + " probe steps and " + evaluations + " evaluations");
        }
    }

    private static void pace(long start, long sent, int rate) throws InterruptedException {
        long due = start + sent * 1_000_000_000L / rate;
        long wait = due - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /**
     * Waits until every trial's last step is stored. A trial's steps share a partition, consumed in order and
     * committed after they are stored, so its last step stored means all of them are; this costs an index probe
     * per trial where counting rows would scan the search.
     */
    private static void awaitLastSteps(Connection db, String searchId, int trials, int steps) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        try (PreparedStatement ps = db.prepareStatement("SELECT count(*) FROM trials t WHERE t.search_id = ?"
                + " AND (SELECT max(m.step) FROM step_metrics m WHERE m.trial_key = t.trial_key"
                + " AND m.attempt = t.attempt) >= ?")) {
            ps.setString(1, searchId);
            ps.setLong(2, steps);
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) >= trials) {
                        return;
                    }
                }
                // each poll costs the database milliseconds of a core; every 20 ms that was a sixth of its work
                Thread.sleep(LAST_STEPS_POLL_MS);
            }
        }
        throw new AssertionError("search " + searchId + " was not stored within 10 minutes");
    }

    /** The probe's last step may still be on its way when the bulk is stored. */
    private static StoreCounts awaitCounts(ResultsStore store, String searchId, long steps) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        StoreCounts counts = store.counts(searchId);
        while (counts.steps() < steps && System.nanoTime() < deadline) {
            Thread.sleep(200);
            counts = store.counts(searchId);
        }
        return counts;
    }

    static String trialId(int t) {
        return String.format(Locale.ROOT, "trial-%05d", t);
    }

    static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /**
     * Publishes a step of its own trial, then reads the trial's curve from the API whenever the live stream says its
     * search changed, as the dashboard does, until the step shows; then the next. (Polling the curve every few
     * milliseconds instead made the probe a load of its own: hundreds of requests a second on the 2 cores it
     * measures.) A read also follows {@value #FALLBACK_MS} ms without news, so a missed event costs resolution only.
     */
    private static final class Probe implements Runnable {
        private static final String TRIAL = "probe";
        private static final long FALLBACK_MS = 250;
        private final EventPublisher publisher;
        private final URI curve;
        private final URI events;
        private final String searchId;
        private final HttpClient http = HttpClient.newHttpClient();
        private final Semaphore changed = new Semaphore(0);
        private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean stop = new AtomicBoolean();
        private volatile long published;

        Probe(EventPublisher publisher, String apiUrl, String searchId) {
            this.publisher = publisher;
            this.searchId = searchId;
            this.curve = URI.create(apiUrl + "/api/searches/" + enc(searchId) + "/trials/" + TRIAL + "/curve");
            this.events = URI.create(apiUrl + "/api/events");
        }

        private static String enc(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
        }

        @Override
        public void run() {
            String quoted = "\"" + searchId + "\"";
            CompletableFuture<HttpResponse<Stream<String>>> stream = http.sendAsync(
                    HttpRequest.newBuilder(events).build(), HttpResponse.BodyHandlers.ofLines());
            stream.thenAcceptAsync(r -> r.body().filter(line -> line.startsWith("data:") && line.contains(quoted))
                    .forEach(line -> changed.release()));
            publisher.publish(LifecycleEvent.trialCreated(searchId, TRIAL, Map.of("learning_rate", 1e-3)));
            for (long step = 1; !stop.get(); step++) {
                long sent = System.nanoTime();
                publisher.publish(StepMetric.of(searchId, TRIAL, 1, step, 0, step, 1e-3, 2.0,
                        System.currentTimeMillis()));
                publisher.flush();
                published = step;
                while (!stop.get() && lastStep() < step) {
                    awaitChange();
                }
                if (!stop.get()) {
                    latencies.add((System.nanoTime() - sent) / 1_000_000);
                }
                sleep(50);
            }
            stream.thenAccept(r -> r.body().close());
        }

        private void awaitChange() {
            try {
                changed.tryAcquire(FALLBACK_MS, TimeUnit.MILLISECONDS);
                changed.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
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
