package io.hpo.driver;

import io.hpo.driver.bench.ScaleFigure;
import io.hpo.driver.history.RecordedSearch;
import io.hpo.events.BusConfig;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Dispatch at scale: {@code trials} tiny trials (one worker, {@value #STEPS} steps of a one-block model of width
 * 16) through the real {@link SearchRunner} on Spark {@code local[2]}, two at a time, publishing to the given bus.
 * Run twice: one averaging round per trial, then a round per step, so that the difference is the fixed cost of
 * {@value #STEPS} - 1 rounds. Slot time per trial is wall time × 2 slots / trials: with steps this small it is
 * almost all overhead. While the first run goes, the trial threads and Spark's task threads are sampled every
 * 10 ms and the frames they spend their time in are printed (the profile that says where the overhead goes).
 */
public final class DispatchScale {
    static final int STEPS = 8;
    private static final int SLOTS = 2;

    private DispatchScale() {
    }

    /** {@code trials} one-round trials, and a twentieth as many (at least 4) with a round per step. */
    public static List<ScaleFigure> measure(BusConfig bus, int trials) throws Exception {
        List<ScaleFigure> figures = new ArrayList<>();
        SparkConf conf = new SparkConf().setMaster("local[" + SLOTS + "]").setAppName("dispatch-scale")
                .set("spark.ui.enabled", "false");
        try (JavaSparkContext sc = new JavaSparkContext(conf); DriverMetrics metrics = new DriverMetrics()) {
            // warm-up: class loading and JIT would otherwise count against the first trials
            run(sc, bus, metrics, "dispatch-warmup", 4, STEPS, null);
            Map<String, Integer> profile = new ConcurrentHashMap<>();
            double oneRound = run(sc, bus, metrics, "dispatch-one-round", trials, STEPS, profile);
            int roundTrials = Math.max(4, trials / 20);
            double perStep = run(sc, bus, metrics, "dispatch-round-per-step", roundTrials, 1, null);
            double slotPerTrial = oneRound * SLOTS / trials;
            double slotPerTrialRounds = perStep * SLOTS / roundTrials;
            figures.add(new ScaleFigure(String.format(Locale.ROOT, "dispatch, %d trials of %d steps (local[%d])",
                    trials, STEPS, SLOTS), String.format(Locale.ROOT, "%.2f trials/s, %.0f ms slot time per trial"
                    + " (%.1f s)", trials / oneRound, slotPerTrial * 1000, oneRound), "< 50 ms overhead per trial"));
            figures.add(new ScaleFigure("averaging round, fixed cost", String.format(Locale.ROOT,
                    "%.0f ms (%d rounds per trial: %.0f ms slot time per trial)",
                    (slotPerTrialRounds - slotPerTrial) * 1000 / (STEPS - 1), STEPS, slotPerTrialRounds * 1000),
                    "< 100 ms"));
            printProfile(profile);
        }
        return figures;
    }

    /** Runs the search; returns its wall time in seconds. */
    private static double run(JavaSparkContext sc, BusConfig bus, DriverMetrics metrics, String searchId,
                              int trials, int averaging, Map<String, Integer> profile) throws Exception {
        SearchSpec spec = SpecLoader.parse("""
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
                  workers: 1
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
                """.formatted(trials, SLOTS, STEPS, averaging, STEPS), searchId + ".yaml");
        Thread sampler = profile == null ? null : new Thread(() -> sample(profile), "dispatch-sampler");
        if (sampler != null) {
            sampler.setDaemon(true);
            sampler.start();
        }
        long start = System.nanoTime();
        SearchOutcome outcome = new SearchRunner(sc, bus, new PrintStream(OutputStream.nullOutputStream()), metrics, 0)
                .run(spec, searchId, RecordedSearch.none(searchId));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (sampler != null) {
            sampler.interrupt();
            sampler.join();
        }
        if (outcome.trials().size() != trials) {
            throw new AssertionError(searchId + " ran " + outcome.trials().size() + " trials of " + trials);
        }
        return seconds;
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

    private static void printProfile(Map<String, Integer> profile) {
        int total = profile.values().stream().mapToInt(Integer::intValue).sum();
        Map<Integer, List<String>> byCount = new TreeMap<>((a, b) -> b - a);
        profile.forEach((k, v) -> byCount.computeIfAbsent(v, x -> new ArrayList<>()).add(k));
        System.out.println("where the trial threads spent the one-round run (" + total + " samples):");
        byCount.entrySet().stream().limit(25).forEach(e -> e.getValue().forEach(w -> System.out.printf(
                Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * e.getKey() / total, w)));
    }
}
