package io.hpo.worker.bench;

import io.hpo.deploy.LocalKafkaBroker;
import io.hpo.events.BusConfig;
import io.hpo.events.KafkaStepSink;
import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.OuterOptimizerSpec;
import io.hpo.space.spec.OuterOptimizerType;
import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.data.QuestionFormationCorpus;
import io.hpo.worker.data.TokenBatches;
import io.hpo.worker.model.LossEvaluator;
import io.hpo.worker.model.TransformerModel;
import io.hpo.worker.trial.StopSignal;
import io.hpo.events.TrialStatus;
import io.hpo.worker.trial.TrainingResult;
import io.hpo.worker.trial.TrialPlan;
import io.hpo.worker.trial.TrialRunner;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.nd4j.linalg.dataset.DataSet;

import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Issue #26's statistical-efficiency benchmark: validation loss against training tokens for data-parallel trials
 * (workers x averaging frequency x outer optimizer, through the real {@link TrialRunner} on Spark), against
 * synchronous references trained in this JVM with the same model at batch {@code workers x 16}: one process
 * seeing the same tokens per step. Runs only when asked:
 * {@code mvn -B -o -q -pl worker -am test -Dtest=DataParallelBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * -Dhpo.bench=data-parallel} (settings: {@link DataParallelSettings}). Prints a table per data set (median of the
 * seeds' final validation loss, its distance from the synchronous reference at the same tokens, tokens/s and
 * core-seconds) and writes every evaluation to {@code runs.csv} and a plot per data set to the output folder.
 */
@EnabledIfSystemProperty(named = "hpo.bench", matches = "data-parallel")
class DataParallelBenchmark {

    /** One configuration: {@code outer} null for a synchronous reference. */
    record Setup(int workers, int frequency, OuterOptimizerSpec outer) {
        String label() {
            if (outer == null) {
                return "synchronous, batch " + workers * DataParallelSettings.BATCH;
            }
            String prefix = workers + " worker" + (workers > 1 ? "s" : "") + ", every " + frequency + ", ";
            return prefix + (outer.type() == OuterOptimizerType.AVERAGE ? "average" : String.format(Locale.ROOT,
                    "nesterov %s/%s", outer.learningRate(), outer.momentum()));
        }
    }

    /** One run's evaluations (tokens, validation loss) and its wall time. */
    record Run(String dataset, Setup setup, int seed, List<long[]> tokens, List<Double> losses, long wallMs) {
        double finalLoss() {
            return losses.get(losses.size() - 1);
        }
    }

    private final DataParallelSettings s = DataParallelSettings.fromSystemProperties();
    private final int cores = Runtime.getRuntime().availableProcessors();

    @Test
    void measure() throws Exception {
        int maxWorkers = Collections.max(s.workers());
        Path out = Path.of(s.out());
        Files.createDirectories(out);
        System.out.printf(Locale.ROOT, "data-parallel benchmark: %s, %d cores, Spark local[%d]%n", s, cores,
                maxWorkers);
        List<Run> runs = new ArrayList<>();
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(Files.createTempDirectory("dp-kafka"), 0);
             JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[" + maxWorkers + "]")
                     .setAppName("data-parallel").set("spark.ui.enabled", "false"));
             PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out.resolve("runs.csv")))) {
            sc.setLogLevel("WARN");
            csv.println("dataset,setup,workers,frequency,outer,seed,step,tokens,val_loss,wall_ms");
            TrialRunner runner = new TrialRunner(sc, new KafkaStepSink(BusConfig.defaults()
                    .withBootstrapServers(broker.bootstrapServers())));
            // Spark's first job pays class loading and compilation once per executor, not per trial
            runner.run(plan("warm-up", s.hyperparameters(DataParallelSettings.BATCH), 2, 1, 1,
                    OuterOptimizerSpec.average(), 10), data("demo"), (step, loss, tokens) -> { }, StopSignal.never());
            for (String dataset : s.datasets()) {
                CorpusSplit data = data(dataset);
                List<Run> ofDataset = new ArrayList<>();
                for (int seed = s.firstSeed(); seed < s.firstSeed() + s.seeds(); seed++) {
                    for (Setup setup : setups(seed)) {
                        Run run = setup.outer() == null ? synchronous(dataset, data, setup, seed)
                                : distributed(runner, dataset, data, setup, seed);
                        ofDataset.add(run);
                        write(csv, run);
                        System.out.printf(Locale.ROOT, "  %s seed %d %-34s loss %.4f  %.1f s%n", dataset, seed,
                                setup.label(), run.finalLoss(), run.wallMs() / 1000.0);
                    }
                }
                runs.addAll(ofDataset);
                table(dataset, data, ofDataset);
                LinePlot.write(out.resolve("data-parallel-" + dataset + ".png"), new LinePlot.Axes(
                        "validation loss against tokens, " + dataset + " (median of " + s.seeds() + " seeds)",
                        "training tokens (millions)", 1e6, "validation loss (nats/token)"), curves(ofDataset));
            }
        }
        System.out.println("CSV and plots in " + out.toAbsolutePath());
    }

    private List<Setup> setups(int seed) {
        List<Setup> setups = new ArrayList<>();
        for (int w : s.workers()) {
            setups.add(new Setup(w, 0, null));
        }
        for (int w : s.workers()) {
            if (w == 1) {
                // nothing to average: one frequency and no outer step tell everything
                setups.add(new Setup(1, s.middleFrequency(), OuterOptimizerSpec.average()));
                continue;
            }
            for (int f : seed - s.firstSeed() < s.sweepSeeds() ? s.frequencies() : List.of(s.middleFrequency())) {
                for (OuterOptimizerSpec o : s.outers()) {
                    setups.add(new Setup(w, f, o));
                }
            }
        }
        return setups;
    }

    private CorpusSplit data(String dataset) throws IOException {
        if (dataset.equals("demo")) {
            return CorpusSplit.ofLines(QuestionFormationCorpus.generate(3000, 1), 0.1, 1);
        }
        if (!dataset.equals("text")) {
            throw new IllegalArgumentException("hpo.bench.dp.datasets: unknown data set '" + dataset
                    + "', expected demo or text");
        }
        StringBuilder text = new StringBuilder();
        for (String file : s.text().split(",")) {
            Path p = Path.of(file.trim());
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException("hpo.bench.dp.text: " + p + " is not readable; name a UTF-8 "
                        + "English text (or several, comma-separated) of about " + s.textChars() + " characters");
            }
            text.append(Files.readString(p));
        }
        return CorpusSplit.ofText(text.substring(0, Math.min(text.length(), s.textChars())), 0.1);
    }

    private TrialPlan plan(String id, Hyperparameters hp, int workers, int frequency, long seed,
                           OuterOptimizerSpec outer, int steps) {
        return new TrialPlan("data-parallel", id, 1, hp, steps, workers, frequency, s.evalEvery(), s.evalBatches(),
                DataParallelSettings.EVAL_BATCH, seed, null, outer);
    }

    private Run distributed(TrialRunner runner, String dataset, CorpusSplit data, Setup setup, int seed) {
        List<long[]> tokens = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        long started = System.nanoTime();
        TrainingResult result = runner.run(plan(dataset + "-" + setup.workers() + "-" + setup.frequency(),
                        s.hyperparameters(DataParallelSettings.BATCH), setup.workers(), setup.frequency(), seed,
                        setup.outer(), s.steps()), data,
                (step, loss, t) -> {
                    tokens.add(new long[]{step, t});
                    losses.add(loss);
                }, StopSignal.never());
        if (result.outcome() != TrialStatus.COMPLETED) {
            throw new IllegalStateException(setup.label() + " seed " + seed + " ended " + result.outcome() + ": "
                    + result.reason());
        }
        return new Run(dataset, setup, seed, tokens, losses, (System.nanoTime() - started) / 1_000_000);
    }

    /** The same model in this JVM at batch workers x 16, evaluated on the same windows at the same steps. */
    private Run synchronous(String dataset, CorpusSplit data, Setup setup, int seed) {
        Hyperparameters hp = s.hyperparameters(setup.workers() * DataParallelSettings.BATCH);
        long started = System.nanoTime();
        ComputationGraph net = TransformerModel.build(hp, data.tokenizer().vocabSize(), s.steps(), seed);
        List<DataSet> validation = TokenBatches.validationBatches(data.validation(), hp.seqLength(),
                DataParallelSettings.EVAL_BATCH, s.evalBatches());
        Random windows = new Random(seed);
        List<long[]> tokens = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        for (int step = 1; step <= s.steps(); step++) {
            net.fit(TokenBatches.randomWindows(data.train(), hp.seqLength(), hp.batchSize(), windows));
            if (step % s.evalEvery() == 0 || step == s.steps()) {
                tokens.add(new long[]{step, (long) step * hp.batchSize() * hp.seqLength()});
                losses.add(LossEvaluator.meanTokenLoss(net, validation));
            }
        }
        return new Run(dataset, setup, seed, tokens, losses, (System.nanoTime() - started) / 1_000_000);
    }

    private static void write(PrintWriter csv, Run r) {
        Setup u = r.setup();
        String outer = u.outer() == null ? "sync" : u.outer().type().name().toLowerCase(Locale.ROOT);
        for (int i = 0; i < r.losses().size(); i++) {
            csv.printf(Locale.ROOT, "%s,\"%s\",%d,%d,%s,%d,%d,%d,%.5f,%d%n", r.dataset(), u.label(), u.workers(),
                    u.frequency(), outer, r.seed(), r.tokens().get(i)[0], r.tokens().get(i)[1], r.losses().get(i),
                    r.wallMs());
        }
        csv.flush();
    }

    private void table(String dataset, CorpusSplit data, List<Run> runs) {
        Map<Setup, List<Run>> bySetup = bySetup(runs);
        double lnV = Math.log(data.tokenizer().vocabSize());
        System.out.printf(Locale.ROOT, "%n%s (%,d training tokens, vocabulary %d, ln V %.3f), final validation loss"
                + " at %d steps:%n", dataset, data.train().length, data.tokenizer().vocabSize(), lnV, s.steps());
        System.out.println("| setup | tokens | loss per seed | median | vs synchronous | tokens/s | core-s "
                + "| (ln V − loss) per core-s |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Map.Entry<Setup, List<Run>> e : bySetup.entrySet()) {
            Setup u = e.getKey();
            List<Run> rs = e.getValue();
            double median = median(rs.stream().map(Run::finalLoss).toList());
            Setup reference = new Setup(u.workers(), 0, null);
            String vs = "—";
            if (u.outer() != null && bySetup.containsKey(reference)) {
                // against the reference's runs on the same seeds: a frequency swept on the first seeds only
                // compares with those
                Set<Integer> seeds = rs.stream().map(Run::seed).collect(Collectors.toSet());
                double ref = median(bySetup.get(reference).stream().filter(r -> seeds.contains(r.seed()))
                        .map(Run::finalLoss).toList());
                vs = String.format(Locale.ROOT, "%+.1f%%", 100 * (median / ref - 1));
            }
            long tokens = rs.get(0).tokens().get(rs.get(0).tokens().size() - 1)[1];
            double wall = median(rs.stream().map(r -> r.wallMs() / 1000.0).toList());
            // a synchronous reference runs on one thread; a trial's workers on as many cores as there are
            double coreSeconds = wall * (u.outer() == null ? 1 : Math.min(u.workers(), cores));
            String perSeed = String.join(", ", rs.stream().map(r -> String.format(Locale.ROOT, "%.4f",
                    r.finalLoss())).toList());
            System.out.printf(Locale.ROOT, "| %s | %,d | %s | %.4f | %s | %,.0f | %.0f | %.4f |%n", u.label(), tokens,
                    perSeed, median, vs, tokens / wall, coreSeconds, (lnV - median) / coreSeconds);
        }
    }

    /** A line's colour is its worker count: grey for 1, then blue, red, green as it doubles. */
    private static final Color[] BY_WORKERS = {new Color(0x555555), LinePlot.PALETTE[0], LinePlot.PALETTE[3],
            LinePlot.PALETTE[2]};

    /**
     * Median loss over the seeds at each evaluation, per setup at the middle frequency (the plot's lines); the dash
     * is the kind: synchronous solid, plain averaging dotted, Nesterov dashed.
     */
    private List<LinePlot.Line> curves(List<Run> runs) {
        int shown = s.middleFrequency();
        List<LinePlot.Line> curves = new ArrayList<>();
        bySetup(runs).forEach((setup, rs) -> {
            if (setup.outer() != null && setup.frequency() != shown) {
                return;
            }
            List<double[]> points = new ArrayList<>();
            for (int i = 0; i < rs.get(0).losses().size(); i++) {
                int at = i;
                points.add(new double[]{rs.get(0).tokens().get(i)[1],
                        median(rs.stream().map(r -> r.losses().get(at)).toList())});
            }
            LinePlot.Dash dash = setup.outer() == null ? LinePlot.Dash.SOLID
                    : setup.outer().type() == OuterOptimizerType.AVERAGE ? LinePlot.Dash.DOTTED
                    : LinePlot.Dash.DASHED;
            Color color = BY_WORKERS[Math.min(Integer.numberOfTrailingZeros(Integer.highestOneBit(setup.workers())),
                    BY_WORKERS.length - 1)];
            curves.add(new LinePlot.Line(setup.label(), color, dash, points));
        });
        return curves;
    }

    private static Map<Setup, List<Run>> bySetup(List<Run> runs) {
        Map<Setup, List<Run>> bySetup = new LinkedHashMap<>();
        for (Run r : runs) {
            bySetup.computeIfAbsent(r.setup(), k -> new ArrayList<>()).add(r);
        }
        return bySetup;
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
