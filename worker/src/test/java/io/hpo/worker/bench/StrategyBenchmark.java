package io.hpo.worker.bench;

import io.hpo.space.cost.SpendMeasure;
import io.hpo.space.pareto.Hypervolume;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Search strategies (samplers, pruners, population-based training) at an equal compute budget on the demo task;
 * prints a table of each search's best validation loss, the test loss of the configuration it chose
 * ({@link ThreeWaySplit}: windows no strategy sees) and the compute it took to reach random search's best validation
 * loss and random search's final test loss, then the test loss of each search's choice as its compute grew (a table,
 * and a PNG: {@link LinePlot}). Runs only when asked:
 * {@code mvn -B -o -q -pl worker -am test -Dtest=StrategyBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * -Dhpo.bench=strategy} (settings: {@link BenchmarkSettings}). The searches are independent and seeded, and each uses
 * one thread, so running several at once is meant to change only the wall time. With the multi-objective rows
 * {@code motpe} and {@code random-moo} ({@code -Dhpo.bench.strategies=random,random-moo,motpe}: "steps to random best"
 * needs random) it also reports their fronts' hypervolumes against each other.
 */
@EnabledIfSystemProperty(named = "hpo.bench", matches = "strategy")
class StrategyBenchmark {

    /**
     * A row of the benchmark: the spec's strategy type, its pruner, whether the model fits rung losses, and whether
     * the search minimises its trials' FLOPs beside the loss ({@link #MOO_OBJECTIVE}).
     */
    record Strategy(String type, String pruner, boolean multiFidelity, boolean multiObjective) {

        Strategy(String type, String pruner, boolean multiFidelity) {
            this(type, pruner, multiFidelity, false);
        }

        /** Whether the row trains a population (pbt) rather than one trial after another. */
        boolean population() {
            return type.equals("pbt");
        }
    }

    /**
     * What the multi-objective rows minimise beside the loss: FLOPs, which grow with width, batch size and steps and
     * are measured here exactly (executor time would be skewed by searches sharing cores).
     */
    static final SpendMeasure MOO_OBJECTIVE = SpendMeasure.FLOPS;
    /** The multi-objective rows: MOTPE, and random search as its baseline. */
    private static final String MOTPE = "motpe";
    private static final String RANDOM_MOO = "random-moo";
    /** Each seed's hypervolume reference point lies this far past the worst trial of its multi-objective rows. */
    private static final double REFERENCE_MARGIN = 1.1;

    private static final Map<String, Strategy> STRATEGIES = new LinkedHashMap<>();

    static {
        STRATEGIES.put("random", new Strategy("random", "none", false));
        STRATEGIES.put("tpe", new Strategy("tpe", "none", false));
        STRATEGIES.put("tpe+asha", new Strategy("tpe", "asha", false));
        STRATEGIES.put("gp", new Strategy("gp", "none", false));
        STRATEGIES.put("gp+asha", new Strategy("gp", "asha", false));
        STRATEGIES.put("hyperband", new Strategy("random", "hyperband", false));
        STRATEGIES.put("tpe+hyperband", new Strategy("tpe", "hyperband", false));
        STRATEGIES.put("bohb", new Strategy("tpe", "hyperband", true));
        STRATEGIES.put("pbt", new Strategy("pbt", "none", false));
        STRATEGIES.put(RANDOM_MOO, new Strategy("random", "none", false, true));
        STRATEGIES.put(MOTPE, new Strategy("tpe", "none", false, true));
    }

    @Test
    void compareStrategies() throws InterruptedException, ExecutionException, IOException {
        BenchmarkSettings settings = BenchmarkSettings.fromSystemProperties();
        System.out.println("strategy benchmark: " + settings);
        long started = System.nanoTime();
        Path trialLog = settings.trialLog().isEmpty() ? null : Path.of(settings.trialLog());
        TrialLog.start(trialLog);
        Set<String> chosen = new LinkedHashSet<>(Arrays.asList(settings.strategies().split(",")));
        if (!STRATEGIES.keySet().containsAll(chosen)) {
            throw new IllegalArgumentException("hpo.bench.strategies: " + chosen + " names one not in "
                    + STRATEGIES.keySet());
        }
        Map<Long, Map<String, Future<SearchCurve>>> searches = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(settings.threads());
        try {
            for (long seed = settings.firstSeed(); seed < settings.firstSeed() + settings.seeds(); seed++) {
                Map<String, Future<SearchCurve>> bySeed = new LinkedHashMap<>();
                for (String name : chosen) {
                    long searchSeed = seed;
                    TrialLog log = new TrialLog(trialLog, seed, name, settings.ashaMinSteps());
                    bySeed.put(name, pool.submit(() -> search(settings, searchSeed, STRATEGIES.get(name), log)));
                }
                searches.put(seed, bySeed);
            }
            report(settings, chosen, searches);
            if (chosen.contains(MOTPE) && chosen.contains(RANDOM_MOO)) {
                reportHypervolumes(searches);
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("wall time %.1f min on %d threads%n", (System.nanoTime() - started) / 60e9,
                settings.threads());
    }

    private static SearchCurve search(BenchmarkSettings settings, long seed, Strategy strategy, TrialLog log) {
        SearchSpec spec = SpecLoader.parse(settings.spec(seed, strategy), "benchmark");
        ThreeWaySplit data = ThreeWaySplit.demo(settings.sentences(), spec.data().validationFraction(), seed);
        TrialTraining.Factory trials = TransformerTraining.on(spec, data);
        return strategy.population() ? new PopulationSearch(spec, trials, settings.budgetSteps()).run(log)
                : new InProcessSearch(spec, trials, settings.budgetSteps()).run(log);
    }

    /** Seeds up to which each seed's rows are printed; past it only the summaries. */
    private static final int SEED_ROWS_UP_TO = 20;
    /** Seeds per group in the spread of medians: the minimum. */
    private static final int GROUP = 5;
    /** Shares of the budget at which the anytime table prints the test loss of the searches' choices. */
    private static final double[] ANYTIME_SHARES = {0.1, 0.25, 1.0 / 3, 0.5, 0.75, 1.0};
    /** Points per line of the anytime plot. */
    private static final int PLOT_POINTS = 60;

    /**
     * Prints each seed's rows once its searches are done, seeds in order, then the medians, then (for 2 groups or
     * more) how the median of {@value #GROUP} consecutive seeds spreads: what a run of {@value #GROUP} seeds may show;
     * then the anytime table, and the anytime plot to {@link BenchmarkSettings#plot()}.
     */
    private static void report(BenchmarkSettings settings, Set<String> chosen,
                               Map<Long, Map<String, Future<SearchCurve>>> searches)
            throws InterruptedException, ExecutionException, IOException {
        Map<String, List<SearchCurve>> curves = new LinkedHashMap<>();
        Map<String, List<Long>> toReach = new LinkedHashMap<>();
        Map<String, List<Long>> toReachTest = new LinkedHashMap<>();
        chosen.forEach(s -> {
            curves.put(s, new ArrayList<>());
            toReach.put(s, new ArrayList<>());
            toReachTest.put(s, new ArrayList<>());
        });
        System.out.printf("%-5s %-13s %13s %14s %22s %22s %7s %7s%n", "seed", "strategy", "best val loss",
                "its test loss", "steps to random best", "steps to random test", "trials", "pruned");
        for (Map.Entry<Long, Map<String, Future<SearchCurve>>> seed : searches.entrySet()) {
            Future<SearchCurve> random = seed.getValue().get("random");
            double randomBest = random == null ? Double.NEGATIVE_INFINITY : random.get().best();
            double randomTest = random == null ? Double.NEGATIVE_INFINITY : random.get().testOfBest();
            for (Map.Entry<String, Future<SearchCurve>> s : seed.getValue().entrySet()) {
                SearchCurve curve = s.getValue().get();
                long steps = curve.stepsToReach(randomBest);
                long testSteps = curve.stepsToReachTest(randomTest);
                curves.get(s.getKey()).add(curve);
                toReach.get(s.getKey()).add(steps < 0 ? Long.MAX_VALUE : steps);
                toReachTest.get(s.getKey()).add(testSteps < 0 ? Long.MAX_VALUE : testSteps);
                if (settings.seeds() <= SEED_ROWS_UP_TO) {
                    System.out.printf("%-5d %-13s %13.4f %14.4f %22s %22s %7d %7d%n", seed.getKey(), s.getKey(),
                            curve.best(), curve.testOfBest(), reached(steps), reached(testSteps), curve.trials(),
                            curve.pruned());
                }
            }
        }
        System.out.printf("%nmedian over %d seeds, budget %d steps per search%n", settings.seeds(),
                settings.budgetSteps());
        System.out.printf("%-13s %13s %14s %22s %16s %22s %16s%n", "strategy", "best val loss", "its test loss",
                "steps to random best", "share of budget", "steps to random test", "share of budget");
        for (String s : chosen) {
            long steps = median(toReach.get(s));
            long testSteps = median(toReachTest.get(s));
            System.out.printf("%-13s %13.4f %14.4f %22s %16s %22s %16s%n", s,
                    medianLoss(curves.get(s).stream().map(SearchCurve::best).toList()),
                    medianLoss(curves.get(s).stream().map(SearchCurve::testOfBest).toList()),
                    reached(steps), share(steps, settings), reached(testSteps), share(testSteps, settings));
        }
        groupSpread("steps to random best (validation)", settings, chosen, toReach);
        groupSpread("steps to random test", settings, chosen, toReachTest);
        anytime(settings, chosen, curves);
    }

    /** Steps, or "not reached" for -1 (a search's own) or Long.MAX_VALUE (a median over searches that did not). */
    private static String reached(long steps) {
        return steps < 0 || steps == Long.MAX_VALUE ? "not reached" : Long.toString(steps);
    }

    /** The lowest, middle and highest median share of {@value #GROUP} consecutive seeds, for 2 groups or more. */
    private static void groupSpread(String what, BenchmarkSettings settings, Set<String> chosen,
                                    Map<String, List<Long>> toReach) {
        int groups = settings.seeds() / GROUP;
        if (groups < 2) {
            return;
        }
        System.out.printf("%nmedian share of budget in %d groups of %d consecutive seeds, %s%n", groups, GROUP, what);
        System.out.printf("%-13s %10s %10s %10s %22s%n", "strategy", "lowest", "middle", "highest",
                "groups at most 1/3");
        for (String s : chosen) {
            List<Long> groupMedians = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                groupMedians.add(median(toReach.get(s).subList(g * GROUP, (g + 1) * GROUP)));
            }
            groupMedians.sort(null);
            long withinThird = groupMedians.stream().filter(m -> m * 3 <= settings.budgetSteps()).count();
            System.out.printf("%-13s %10s %10s %10s %22s%n", s, share(groupMedians.get(0), settings),
                    share(median(groupMedians), settings), share(groupMedians.get(groups - 1), settings),
                    withinThird + " of " + groups);
        }
    }

    /**
     * The test loss of each search's choice as compute grows: median and quartiles over the seeds at shares of the
     * budget (a table), and as lines with a band between the quartiles (the PNG). A point where a seed had not
     * evaluated yet is left out.
     */
    private static void anytime(BenchmarkSettings settings, Set<String> chosen, Map<String, List<SearchCurve>> curves)
            throws IOException {
        System.out.printf("%ntest loss of the choice so far, median [quartiles] over %d seeds, at a share of the"
                + " budget%n", settings.seeds());
        System.out.printf("%-13s", "strategy");
        for (double share : ANYTIME_SHARES) {
            System.out.printf(" %24s", String.format("%.2f", share));
        }
        System.out.println();
        List<LinePlot.Line> lines = new ArrayList<>();
        int colour = 0;
        for (String s : chosen) {
            System.out.printf("%-13s", s);
            for (double share : ANYTIME_SHARES) {
                double[] q = quartiles(curves.get(s), Math.round(share * settings.budgetSteps()));
                System.out.printf(" %24s", q == null ? "-" : String.format("%.4f [%.4f, %.4f]", q[1], q[0], q[2]));
            }
            System.out.println();
            List<double[]> points = new ArrayList<>();
            List<double[]> band = new ArrayList<>();
            // From a tenth of the budget on: the first evaluations (near 3 nats) would squeeze the range where rows differ.
            for (int i = PLOT_POINTS / 10; i <= PLOT_POINTS; i++) {
                long steps = (long) settings.budgetSteps() * i / PLOT_POINTS;
                double[] q = quartiles(curves.get(s), steps);
                if (q != null) {
                    points.add(new double[]{steps, q[1]});
                    band.add(new double[]{steps, q[0], q[2]});
                }
            }
            lines.add(new LinePlot.Line(s, LinePlot.PALETTE[colour++ % LinePlot.PALETTE.length], LinePlot.Dash.SOLID,
                    points, band));
        }
        Path plot = Path.of(settings.plot());
        Files.createDirectories(plot.toAbsolutePath().getParent());
        LinePlot.write(plot, new LinePlot.Axes("test loss of the choice so far (median, quartiles shaded; seeds "
                        + settings.firstSeed() + "-" + (settings.firstSeed() + settings.seeds() - 1) + ")",
                "training steps summed over trials (thousands)", 1e3, "test loss (nats/token)"), lines);
        System.out.println("anytime plot: " + plot.toAbsolutePath());
    }

    /** The lower quartile, median and upper quartile of the searches' choices' test loss at {@code steps}; null if
     * a search had not evaluated yet. */
    private static double[] quartiles(List<SearchCurve> curves, long steps) {
        double[] v = curves.stream().mapToDouble(c -> c.testAt(steps)).sorted().toArray();
        if (Arrays.stream(v).anyMatch(Double::isNaN)) {
            return null;
        }
        return new double[]{v[v.length / 4], v[v.length / 2], v[(3 * v.length) / 4]};
    }

    /**
     * Per seed, the hypervolume of MOTPE's and random search's (best validation loss, FLOPs) fronts, up to a reference
     * point {@value #REFERENCE_MARGIN} times the worst loss and FLOPs of either search's trials, so both are measured
     * alike; then the median ratio and how many seeds MOTPE won.
     */
    private static void reportHypervolumes(Map<Long, Map<String, Future<SearchCurve>>> searches)
            throws InterruptedException, ExecutionException {
        System.out.printf("%nhypervolume of (best val loss, %s) against random search, reference %.1f x the worst of"
                + " both%n", MOO_OBJECTIVE.key(), REFERENCE_MARGIN);
        System.out.printf("%-5s %14s %14s %8s%n", "seed", MOTPE, RANDOM_MOO, "ratio");
        List<Double> ratios = new ArrayList<>();
        for (Map.Entry<Long, Map<String, Future<SearchCurve>>> seed : searches.entrySet()) {
            List<double[]> motpe = objectivePoints(seed.getValue().get(MOTPE).get());
            List<double[]> random = objectivePoints(seed.getValue().get(RANDOM_MOO).get());
            double[] reference = new double[2];
            for (double[] p : concat(motpe, random)) {
                reference[0] = Math.max(reference[0], REFERENCE_MARGIN * p[0]);
                reference[1] = Math.max(reference[1], REFERENCE_MARGIN * p[1]);
            }
            double motpeVolume = Hypervolume.of(motpe, reference);
            double randomVolume = Hypervolume.of(random, reference);
            ratios.add(motpeVolume / randomVolume);
            System.out.printf("%-5d %14.4g %14.4g %8.3f%n", seed.getKey(), motpeVolume, randomVolume,
                    motpeVolume / randomVolume);
        }
        long wins = ratios.stream().filter(r -> r > 1).count();
        System.out.printf("median ratio %.3f; motpe larger on %d of %d seeds%n", medianLoss(ratios), wins,
                ratios.size());
    }

    /** Each trial with a finite loss as (best validation loss, {@link #MOO_OBJECTIVE}). */
    private static List<double[]> objectivePoints(SearchCurve curve) {
        return curve.history().stream().filter(t -> Double.isFinite(t.loss()))
                .map(t -> new double[]{t.loss(), t.spend().get(MOO_OBJECTIVE)}).toList();
    }

    private static List<double[]> concat(List<double[]> a, List<double[]> b) {
        List<double[]> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String share(long steps, BenchmarkSettings settings) {
        return steps == Long.MAX_VALUE || steps < 0 ? "not reached"
                : String.format("%.2f", steps / (double) settings.budgetSteps());
    }

    private static long median(List<Long> values) {
        long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return v[v.length / 2];
    }

    private static double medianLoss(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
