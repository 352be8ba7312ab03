package io.hpo.driver;

import io.hpo.driver.bench.ScaleFigure;
import io.hpo.driver.history.RecordedSearch;
import io.hpo.events.BusConfig;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.SpecLoader;
import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.data.TokenBatches;
import io.hpo.worker.model.LossEvaluator;
import io.hpo.worker.model.TransformerModel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Dispatch at scale: {@code trials} tiny trials (one worker, {@value #STEPS} steps of a one-block model of width
 * 16) through the real {@link SearchRunner} on Spark {@code local[2]}, two at a time, publishing to the given bus,
 * in {@value #CHUNKS} searches; then one such search's trials four at a time on the two slots (as in issue #19's
 * first measurement), where the driver's work around a trial's job overlaps the other trials' jobs.
 * Then fewer trials, compared with each other since a search's own start and end weigh more in them: a round per
 * step against one round, with one worker (whose rounds up to an evaluation run in one task, so they should cost
 * next to nothing) and with two, whose difference is the fixed cost of {@value #STEPS} - 1 averaging rounds; and
 * trivial Spark jobs, the floor of a trial's one job. Slot time
 * per trial is wall time × 2 slots / trials: with steps this small it is almost all overhead. Where it goes is
 * printed twice: from Spark's own times for the first run's jobs ({@link SparkJobTimes}), beside the driver's work
 * around them; and from a run of a quarter as many trials apart, whose trial threads and Spark task threads are
 * sampled every 10 ms (sampling slows what it watches, so that run's speed is not reported).
 * The trials' own training (model built, steps taken, validation scored, exactly as {@code TrialRunner} does it but
 * in this JVM, two at a time) is timed on the same configurations right after each search, so that the overhead per
 * trial is the difference, measured in the same minutes: this machine's speed swings too much for a figure from
 * another run.
 */
public final class DispatchScale {
    static final int STEPS = 8;
    private static final int TRIVIAL_JOBS = 400;
    private static final int SLOTS = 2;
    private static final int CHUNKS = 5;

    private DispatchScale() {
    }

    /**
     * {@code trials} one-round trials; then a twentieth as many (at least 4) of each: one worker and two workers,
     * each with one round and with a round per step.
     */
    public static List<ScaleFigure> measure(BusConfig bus, int trials) throws Exception {
        List<ScaleFigure> figures = new ArrayList<>();
        SparkConf conf = new SparkConf().setMaster("local[" + SLOTS + "]").setAppName("dispatch-scale")
                .set("spark.ui.enabled", "false");
        try (JavaSparkContext sc = new JavaSparkContext(conf); DriverMetrics metrics = new DriverMetrics()) {
            // warm-up: class loading and JIT would otherwise count against the first trials
            search(sc, bus, metrics, "dispatch-warmup", new Shape(4, 1, STEPS), null);
            search(sc, bus, metrics, "dispatch-warmup-two", new Shape(2, 2, STEPS), null);
            // the trials in chunks, each chunk's training in-process right after it, so that both figures see the
            // same minutes of this machine's swinging speed
            SparkJobTimes jobTimes = new SparkJobTimes("dispatch-one-round-");
            sc.sc().addSparkListener(jobTimes);
            CorpusSplit data = SearchData.load(spec("dispatch-one-round", new Shape(trials, 1, STEPS)), sc);
            long searchMs = 0;
            double training = 0;
            for (int chunk = 0; chunk < CHUNKS; chunk++) {
                int size = trials / CHUNKS + (chunk < trials % CHUNKS ? 1 : 0);
                SearchOutcome search = search(sc, bus, metrics, "dispatch-one-round-" + chunk,
                        new Shape(size, 1, STEPS), null);
                searchMs += search.wallTimeMs();
                training += trainInProcess(data, search);
            }
            sc.sc().removeSparkListener(jobTimes.awaitJobsEnded());
            double slotPerTrial = slotPerTrial(searchMs / 1000.0, trials);
            // twice as many trials at once as slots: the driver's work around a trial's job overlaps other jobs
            int chunkSize = trials / CHUNKS;
            SearchOutcome overlapped = search(sc, bus, metrics, "dispatch-four-at-once",
                    new Shape(chunkSize, 1, STEPS, 2 * SLOTS), null);
            double overlappedOverhead = slotPerTrial(overlapped, chunkSize)
                    - slotPerTrial(trainInProcess(data, overlapped), chunkSize);
            // the smaller searches are compared with each other: a search's own start and end weigh more in them
            int fewer = Math.max(4, trials / 20);
            double oneWorkerOneRound = slotPerTrial(search(sc, bus, metrics, "dispatch-fewer-one-round",
                    new Shape(fewer, 1, STEPS), null), fewer);
            double oneWorkerRounds = slotPerTrial(search(sc, bus, metrics, "dispatch-round-per-step",
                    new Shape(fewer, 1, 1), null), fewer);
            double twoWorkersOneRound = slotPerTrial(search(sc, bus, metrics, "dispatch-two-one-round",
                    new Shape(fewer, 2, STEPS), null), fewer);
            double twoWorkersRounds = slotPerTrial(search(sc, bus, metrics, "dispatch-two-round-per-step",
                    new Shape(fewer, 2, 1), null), fewer);
            figures.add(new ScaleFigure(String.format(Locale.ROOT, "dispatch, %d trials of %d steps (local[%d])",
                    trials, STEPS, SLOTS), String.format(Locale.ROOT, "%.2f trials/s, %.0f ms slot time per trial"
                    + " (%.1f s in %d searches)", trials / (searchMs / 1000.0), slotPerTrial * 1000,
                    searchMs / 1000.0, CHUNKS), ""));
            double trainingPerTrial = slotPerTrial(training, trials);
            figures.add(new ScaleFigure("dispatch overhead per trial (slot time less the trial's own training)",
                    String.format(Locale.ROOT, "%.0f ms (training alone, in-process, two at a time: %.0f ms per trial)",
                            (slotPerTrial - trainingPerTrial) * 1000, trainingPerTrial * 1000),
                    "< 50 ms overhead per trial"));
            figures.add(new ScaleFigure(String.format(Locale.ROOT, "the same, %d at once on the %d slots (%d trials)",
                    2 * SLOTS, SLOTS, chunkSize), String.format(Locale.ROOT, "%.0f ms overhead per trial",
                    overlappedOverhead * 1000), ""));
            figures.add(new ScaleFigure("a trivial Spark job, two at a time (the floor of a trial's one job)",
                    String.format(Locale.ROOT, "%.1f ms slot time per job", trivialJobs(sc) * 1000), ""));
            figures.add(new ScaleFigure("one worker, a round per step (the rounds up to an evaluation in one task)",
                    String.format(Locale.ROOT, "%+.0f ms a round (%d rounds per trial: %.0f ms slot time per trial,"
                            + " one round: %.0f ms)",
                            (oneWorkerRounds - oneWorkerOneRound) * 1000 / (STEPS - 1), STEPS,
                            oneWorkerRounds * 1000, oneWorkerOneRound * 1000), ""));
            figures.add(new ScaleFigure("averaging round of 2 workers, fixed cost", String.format(Locale.ROOT,
                    "%.0f ms (%d rounds per trial: %.0f ms slot time per trial, one round: %.0f ms)",
                    (twoWorkersRounds - twoWorkersOneRound) * 1000 / (STEPS - 1), STEPS, twoWorkersRounds * 1000,
                    twoWorkersOneRound * 1000), "< 100 ms"));
            double jobPerTrial = printSlotTime(jobTimes, trials, slotPerTrial, trainingPerTrial);
            figures.add(new ScaleFigure("a tiny trial's slot time: its Spark job, and the driver's work around it",
                    String.format(Locale.ROOT, "%.0f ms job (of which the task ran %.0f), %.0f ms driver",
                            jobPerTrial, jobTimes.taskRunMs() / trials, slotPerTrial * 1000 - jobPerTrial),
                    ""));
            // sampling every thread's stack 100 times a second slows the search it watches: a run apart
            int profiled = Math.max(20, trials / 4);
            Map<String, Integer> profile = new ConcurrentHashMap<>();
            search(sc, bus, metrics, "dispatch-profiled", new Shape(profiled, 1, STEPS), profile);
            printProfile(profile, profiled);
        }
        return figures;
    }

    /**
     * Slot time per job of {@value #TRIVIAL_JOBS} jobs of one task that returns its one element, two threads at a
     * time as the trials run: what Spark's scheduling costs a trial's job, apart from the trial's own work in it.
     */
    private static double trivialJobs(JavaSparkContext sc) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(SLOTS);
        try {
            long start = System.nanoTime();
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < SLOTS; t++) {
                runs.add(threads.submit(() -> {
                    for (int i = 0; i < TRIVIAL_JOBS / SLOTS; i++) {
                        sc.parallelize(List.of(i), 1).mapPartitions(it -> it).collect();
                    }
                }));
            }
            for (Future<?> r : runs) {
                r.get();
            }
            return slotPerTrial((System.nanoTime() - start) / 1e9, TRIVIAL_JOBS);
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * Prints where the one-round search's slot time per trial went (Spark's times for its jobs, the driver's work
     * around them) beside the same training in-process; returns the job time per trial in milliseconds.
     */
    private static double printSlotTime(SparkJobTimes jobTimes, int trials, double slotPerTrial,
                                        double trainingPerTrial) {
        if (jobTimes.jobs() != trials) {
            throw new AssertionError("the one-round search ran " + jobTimes.jobs() + " Spark jobs for " + trials
                    + " trials");
        }
        double job = jobTimes.jobMs() / trials;
        System.out.println("where a tiny trial's slot time went (ms per trial, " + trials + " trials; Spark's own"
                + " task metrics):");
        System.out.printf(Locale.ROOT, "  %7.1f  slot time (wall time x %d slots / trials)%n", slotPerTrial * 1000,
                SLOTS);
        jobTimes.perTrial(trials).forEach((what, ms) -> System.out.printf(Locale.ROOT, "  %7.1f  %s%n", ms, what));
        System.out.printf(Locale.ROOT, "  %7.1f  the driver around its job (model built, minibatches drawn, start and"
                + " end events acknowledged, job submitted, validation scored)%n", slotPerTrial * 1000 - job);
        System.out.printf(Locale.ROOT, "  %7.1f  the same training in-process, two at a time (model built, steps,"
                + " validation scored)%n", trainingPerTrial * 1000);
        return job;
    }

    /** Wall time × slots / trials: the slot time one trial held, on average. */
    private static double slotPerTrial(SearchOutcome search, int trials) {
        return slotPerTrial(search.wallTimeMs() / 1000.0, trials);
    }

    /** Wall time in seconds × slots / runs: the slot time, in seconds, one of {@code runs} held on average. */
    private static double slotPerTrial(double wallSeconds, int runs) {
        return wallSeconds * SLOTS / runs;
    }

    /** A search's trials, their workers and steps per round, and how many train at once. */
    private record Shape(int trials, int workers, int averaging, int concurrency) {
        Shape(int trials, int workers, int averaging) {
            this(trials, workers, averaging, SLOTS);
        }
    }

    /** Runs the search, its trial and Spark threads sampled into {@code profile} unless that is null. */
    private static SearchOutcome search(JavaSparkContext sc, BusConfig bus, DriverMetrics metrics, String searchId,
                                        Shape shape, Map<String, Integer> profile) throws Exception {
        int trials = shape.trials();
        SearchSpec spec = spec(searchId, shape);
        Thread sampler = profile == null ? null : new Thread(() -> sample(profile), "dispatch-sampler");
        if (sampler != null) {
            sampler.setDaemon(true);
            sampler.start();
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        long collectedMs = collectionMs();
        SearchOutcome outcome = new SearchRunner(sc, bus, new PrintStream(log, true, StandardCharsets.UTF_8), metrics,
                0).run(spec, searchId, RecordedSearch.none(searchId));
        // a warning (a broker that did not answer in time, say) explains a search slower than its trials
        log.toString(StandardCharsets.UTF_8).lines().filter(line -> line.startsWith("warning"))
                .forEach(line -> System.out.println(searchId + ": " + line));
        if (sampler != null) {
            sampler.interrupt();
            sampler.join();
        }
        if (outcome.trials().size() != trials) {
            throw new AssertionError(searchId + " ran " + outcome.trials().size() + " trials of " + trials);
        }
        // where a search slower than usual lost its time: inside a trial's training (its longest grows), between
        // trials (the search's wall time grows past its trials'), or in this JVM's garbage collection
        LongSummaryStatistics training = outcome.trials().stream().mapToLong(t -> t.result().wallTimeMs())
                .summaryStatistics();
        System.out.printf(Locale.ROOT, "%s: %d trials in %.1f s; their training %.1f s a slot (the longest %d ms);"
                        + " the JVM's garbage collection %d ms%n", searchId, trials, outcome.wallTimeMs() / 1000.0,
                training.getSum() / 1000.0 / Math.min(shape.concurrency(), SLOTS), training.getMax(),
                collectionMs() - collectedMs);
        return outcome;
    }

    private static long collectionMs() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    private static SearchSpec spec(String searchId, Shape shape) {
        return SpecLoader.parse("""
                name: dispatch-scale
                seed: 3
                data:
                  source: demo
                  demo_sentences: 300
                budget:
                  max_trials: %d
                  max_concurrent_trials: %d
                  max_steps_per_trial: %d
                  max_wall_time: 2h
                training:
                  workers: %d
                  averaging_frequency: %d
                  eval_every: %d
                  eval_batches: 1
                space:
                  learning_rate: {log_uniform: [1.0e-4, 1.0e-2]}
                  batch_size: 4
                  layers: 1
                  width: 16
                  heads: 2
                  seq_length: 16
                """.formatted(shape.trials(), shape.concurrency(), STEPS, shape.workers(), shape.averaging(), STEPS),
                searchId + ".yaml");
    }

    /**
     * Trains the search's trials again in this JVM, {@value #SLOTS} at a time, as {@code TrialRunner} trains a
     * one-worker trial of one round: the model built, its steps on random windows, one validation score. Returns the
     * wall time in seconds.
     */
    private static double trainInProcess(CorpusSplit data, SearchOutcome search) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(SLOTS);
        try {
            long start = System.nanoTime();
            List<Future<Double>> losses = new ArrayList<>();
            int index = 0;
            for (TrialSummary t : search.trials()) {
                long seed = index++;
                losses.add(pool.submit(() -> train(t.hyperparameters(), data, seed)));
            }
            for (Future<Double> loss : losses) {
                if (!Double.isFinite(loss.get())) {
                    throw new AssertionError("an in-process trial diverged: " + loss.get());
                }
            }
            return (System.nanoTime() - start) / 1e9;
        } finally {
            pool.shutdownNow();
        }
    }

    private static double train(Hyperparameters hp, CorpusSplit data, long seed) {
        ComputationGraph net = TransformerModel.build(hp, data.tokenizer().vocabSize(), STEPS, seed);
        Random windows = new Random(seed);
        for (int s = 0; s < STEPS; s++) {
            net.fit(TokenBatches.randomWindows(data.train(), hp.seqLength(), hp.batchSize(), windows));
        }
        return LossEvaluator.meanTokenLoss(net, TokenBatches.validationBatches(data.validation(), hp.seqLength(),
                hp.batchSize(), 1));
    }

    /**
     * Counts, per sample of a trial thread (the driver's side of a trial) or of a Spark task thread (its
     * executor's side, local mode), where it is: the innermost project frame, the call it makes there, and the
     * innermost dl4j-spark and Spark frames below that call (what a trial waits for inside a round).
     */
    private static void sample(Map<String, Integer> profile) {
        while (!Thread.currentThread().isInterrupted()) {
            for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
                String name = e.getKey().getName();
                if (name.startsWith("trial-")) {
                    profile.merge("driver  " + where(e.getValue()), 1, Integer::sum);
                } else if (name.startsWith("Executor task launch worker")) {
                    profile.merge("task    " + where(e.getValue()), 1, Integer::sum);
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException ex) {
                return;
            }
        }
    }

    private static String where(StackTraceElement[] stack) {
        String dl4j = innermost(stack, "org.deeplearning4j.spark.");
        String spark = innermost(stack, "org.apache.spark.");
        for (int i = 0; i < stack.length; i++) {
            if (stack[i].getClassName().startsWith("io.hpo.")) {
                String callee = i == 0 ? "" : " -> " + shortName(stack[i - 1]);
                return shortName(stack[i]) + callee + (dl4j.isEmpty() ? "" : " > " + dl4j)
                        + (spark.isEmpty() ? "" : " > " + spark);
            }
        }
        String top = stack.length == 0 ? "(idle)" : shortName(stack[0]);
        return top + (dl4j.isEmpty() ? "" : " > " + dl4j) + (spark.isEmpty() ? "" : " > " + spark);
    }

    private static String innermost(StackTraceElement[] stack, String prefix) {
        for (StackTraceElement f : stack) {
            if (f.getClassName().startsWith(prefix)) {
                return shortName(f);
            }
        }
        return "";
    }

    private static String shortName(StackTraceElement f) {
        String c = f.getClassName();
        return c.substring(c.lastIndexOf('.') + 1) + "." + f.getMethodName();
    }

    private static void printProfile(Map<String, Integer> profile, int trials) {
        int total = profile.values().stream().mapToInt(Integer::intValue).sum();
        Map<Integer, List<String>> byCount = new TreeMap<>((a, b) -> b - a);
        profile.forEach((k, v) -> byCount.computeIfAbsent(v, x -> new ArrayList<>()).add(k));
        System.out.println("where the trial threads spent a run of " + trials + " one-round trials apart, sampled"
                + " (" + total + " samples):");
        byCount.entrySet().stream().limit(25).forEach(e -> e.getValue().forEach(w -> System.out.printf(
                Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * e.getKey() / total, w)));
    }
}
