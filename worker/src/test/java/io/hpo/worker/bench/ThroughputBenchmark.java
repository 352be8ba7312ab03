package io.hpo.worker.bench;

import io.hpo.deploy.LocalKafkaBroker;
import io.hpo.events.BusConfig;
import io.hpo.events.KafkaStepSink;
import io.hpo.space.Hyperparameter;
import io.hpo.space.Hyperparameters;
import io.hpo.space.ModelSize;
import io.hpo.space.Schedule;
import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.data.QuestionFormationCorpus;
import io.hpo.worker.data.TokenBatches;
import io.hpo.worker.model.TransformerModel;
import io.hpo.worker.trial.TrainingResult;
import io.hpo.worker.trial.TrialPlan;
import io.hpo.worker.trial.TrialRunner;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.hpo.space.Hyperparameter.BATCH_SIZE;
import static io.hpo.space.Hyperparameter.GRAD_CLIP;
import static io.hpo.space.Hyperparameter.HEADS;
import static io.hpo.space.Hyperparameter.LAYERS;
import static io.hpo.space.Hyperparameter.SCHEDULE;
import static io.hpo.space.Hyperparameter.SEQ_LENGTH;
import static io.hpo.space.Hyperparameter.WIDTH;

/**
 * Training throughput of the reference configurations (issue #7): tokens/s of one trial's step loop on one
 * executor, model FLOPs utilisation against the matrix-multiply peak measured here with ND4J, peak memory, and the
 * same configurations through Spark parameter averaging with 2 workers, each row against PyTorch training the same
 * model in the same run where torch is installed. Runs only when asked:
 * {@code mvn -B -o -q -pl worker -am test -Dtest=ThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * -Dhpo.bench=throughput}.
 */
@EnabledIfSystemProperty(named = "hpo.bench", matches = "throughput")
class ThroughputBenchmark {

    /**
     * A reference configuration and issue #7's target for it, as a fraction of PyTorch's tokens/s measured in the
     * same run.
     */
    private record Config(String name, int width, int layers, int heads, int seqLength, int batchSize,
                          double targetVsPytorch) {
        Hyperparameters hyperparameters() {
            // dropout 0 and no weight decay: the arithmetic of the step, as the PyTorch reference runs it
            return Hyperparameters.builder().set(Hyperparameter.WARMUP_STEPS, 0).set(SCHEDULE, Schedule.CONSTANT)
                    .set(BATCH_SIZE, batchSize).set(LAYERS, layers).set(WIDTH, width).set(HEADS, heads)
                    .set(SEQ_LENGTH, seqLength).set(GRAD_CLIP, 0.0).build();
        }
    }

    private static final List<Config> CONFIGS = List.of(
            new Config("A", 64, 2, 4, 64, 16, 0.8),
            new Config("B", 128, 4, 4, 64, 32, 1.0));
    private static final int WARMUP_STEPS = Integer.getInteger("hpo.bench.warmup", 10);
    private static final int TIMED_STEPS = Integer.getInteger("hpo.bench.steps", 40);
    private static final int SPARK_STEPS = Integer.getInteger("hpo.bench.spark.steps", 60);
    private static final int SPARK_AVERAGING = Integer.getInteger("hpo.bench.spark.averaging", 10);

    @Test
    void measure() throws Exception {
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        String binary = Loader.getLoadedLibraries().values().stream().filter(p -> p.contains("nd4j"))
                .findFirst().orElse("?");
        System.out.println("ND4J: " + env.getProperty("blas.vendor") + " BLAS, " + Nd4j.factory().blas().getMaxThreads()
                + " BLAS threads, " + Runtime.getRuntime().availableProcessors() + " processors, native library "
                + binary);
        threads(Runtime.getRuntime().availableProcessors());
        double peak = matmulPeakGflops();
        System.out.printf("measured float32 matmul peak: %.1f GFLOP/s%n", peak);
        CorpusSplit data = CorpusSplit.ofLines(QuestionFormationCorpus.generate(4000, 1), 0.1, 2);
        int vocab = data.tokenizer().vocabSize();
        Optional<PytorchReference> pytorch = PytorchReference.find();

        System.out.println();
        System.out.println("| config | params | path | tokens/s | vs PyTorch (its tokens/s) | target | MFU | peak heap"
                + " | peak RSS |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (Config c : CONFIGS) {
            Hyperparameters hp = c.hyperparameters();
            long params = ModelSize.parameters(hp, vocab);
            double flopsPerToken = flopsPerToken(hp, vocab);
            // small operations can lose more to thread hand-offs than they gain: each count is measured
            for (int threads = 1; threads <= Runtime.getRuntime().availableProcessors(); threads++) {
                int t = threads;
                Optional<Double> reference = pytorch.map(p -> p.tokensPerSecond(hp, vocab, t));
                Measured one = singleExecutor(hp, vocab, data, threads);
                print(c, params, "one executor, " + threads + " thread" + (threads > 1 ? "s" : ""), one,
                        reference, flopsPerToken, peak);
            }
        }
        if (SPARK_STEPS == 0) {
            return;
        }
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(Files.createTempDirectory("bench-kafka"), 0);
             JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]")
                     .setAppName("throughput").set("spark.ui.enabled", "false"))) {
            sc.setLogLevel("WARN");
            BusConfig bus = BusConfig.defaults().withBootstrapServers(broker.bootstrapServers());
            for (Config c : CONFIGS) {
                // an executor pays class loading and compilation of the Spark path once, not per trial
                averaged(sc, bus, c.hyperparameters(), data, SPARK_AVERAGING);
            }
            for (Config c : CONFIGS) {
                Hyperparameters hp = c.hyperparameters();
                // the trial's workers use every core: against one PyTorch process with as many threads
                Optional<Double> reference = pytorch.map(p -> p.tokensPerSecond(hp, vocab,
                        Runtime.getRuntime().availableProcessors()));
                Measured spark = averaged(sc, bus, hp, data, SPARK_STEPS);
                print(c, ModelSize.parameters(hp, vocab), "Spark, 2 workers averaging", spark,
                        reference, flopsPerToken(hp, vocab), peak);
            }
        }
    }

    /** Best of several square float32 products, at sizes around the model's. */
    private static double matmulPeakGflops() {
        double best = 0;
        for (int n : new int[]{256, 512, 1024}) {
            INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
            INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
            INDArray out = Nd4j.create(DataType.FLOAT, n, n);
            for (int i = 0; i < 3; i++) {
                a.mmuli(b, out);
            }
            int reps = Math.max(5, (int) (2e10 / (2.0 * n * n * n)));
            long start = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                a.mmuli(b, out);
            }
            double gflops = 2.0 * n * n * n * reps / (System.nanoTime() - start);
            System.out.printf("  matmul %d x %d: %.1f GFLOP/s%n", n, n, gflops);
            best = Math.max(best, gflops);
        }
        return best;
    }

    /**
     * Training FLOPs per token: 6 per weight that multiplies (forward 2, backward 4; embeddings are lookups, not
     * products) plus the attention scores and their use, 12 x layers x sequence x width.
     */
    static double flopsPerToken(Hyperparameters hp, int vocab) {
        long lookups = (long) vocab * hp.width() + (long) hp.width() * hp.seqLength();
        long multiplying = ModelSize.parameters(hp, vocab) - lookups;
        return 6.0 * multiplying + 12.0 * hp.layers() * hp.seqLength() * hp.width();
    }

    private record Measured(double tokensPerSecond, long peakHeapBytes, long peakRssBytes) {
    }

    /** One executor's step loop with {@code threads} ND4J threads. */
    private static Measured singleExecutor(Hyperparameters hp, int vocab, CorpusSplit data, int threads) {
        threads(threads);
        try (MemoryWatch memory = MemoryWatch.start()) {
            ComputationGraph net = TransformerModel.build(hp, vocab, WARMUP_STEPS + TIMED_STEPS, 7);
            Random windows = new Random(8);
            for (int i = 0; i < WARMUP_STEPS; i++) {
                net.fit(TokenBatches.randomWindows(data.train(), hp.seqLength(), hp.batchSize(), windows));
            }
            long start = System.nanoTime();
            for (int i = 0; i < TIMED_STEPS; i++) {
                DataSet batch = TokenBatches.randomWindows(data.train(), hp.seqLength(), hp.batchSize(), windows);
                net.fit(batch);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            DataSet batch = TokenBatches.randomWindows(data.train(), hp.seqLength(), hp.batchSize(), windows);
            long forwardStart = System.nanoTime();
            for (int i = 0; i < TIMED_STEPS; i++) {
                net.output(false, batch.getFeatures());
            }
            double forwardSeconds = (System.nanoTime() - forwardStart) / 1e9;
            // backward is about twice the forward's arithmetic, so a ratio well above 3 is time lost elsewhere
            System.out.printf("  %d thread(s): a training step takes %.1f× a forward pass%n", threads,
                    seconds / forwardSeconds);
            return new Measured(TIMED_STEPS * (double) hp.batchSize() * hp.seqLength() / seconds,
                    memory.peakHeap(), memory.peakRss());
        }
    }

    /** ND4J's operation and BLAS threads of this JVM. */
    private static void threads(int n) {
        Nd4j.getEnvironment().setMaxThreads(n);
        Nd4j.getEnvironment().setMaxMasterThreads(n);
        Nd4j.factory().blas().setMaxThreads(n);
    }

    /** A whole trial through TrialRunner: tokens over the trial's wall time, so model building and one evaluation count. */
    private static Measured averaged(JavaSparkContext sc, BusConfig bus, Hyperparameters hp, CorpusSplit data,
                                     int steps) {
        // two workers share the machine's cores as two executors' tasks would: one thread each
        threads(1);
        try (MemoryWatch memory = MemoryWatch.start()) {
            TrialPlan plan = new TrialPlan("bench", "throughput-" + hp.width(), 1, hp, steps, 2, SPARK_AVERAGING,
                    steps, 1, 9);
            TrainingResult r = new TrialRunner(sc, new KafkaStepSink(bus)).run(plan, data, (step, loss, tokens) -> {
            }, Optional::empty);
            return new Measured(r.tokensSeen() / (r.wallTimeMs() / 1000.0), memory.peakHeap(), memory.peakRss());
        }
    }

    private static void print(Config c, long params, String path, Measured m, Optional<Double> pytorch,
                              double flopsPerToken, double peak) {
        double mfu = m.tokensPerSecond() * flopsPerToken / 1e9 / peak;
        String target = String.format("%.1f× PyTorch", c.targetVsPytorch()) + pytorch
                .map(p -> m.tokensPerSecond() >= c.targetVsPytorch() * p ? ": met" : ": not met").orElse("");
        System.out.printf("| %s | %,d | %s | %,.0f | %s | %s | %.1f%% | %d MiB | %d MiB |%n", c.name(), params,
                path, m.tokensPerSecond(),
                pytorch.map(p -> String.format("%.2f× (%,.0f)", m.tokensPerSecond() / p, p)).orElse("not measured"),
                target, 100 * mfu, m.peakHeapBytes() >> 20, m.peakRssBytes() >> 20);
    }

    /**
     * PyTorch training the same model for the same steps on the same number of threads
     * ({@value #SCRIPT}, relative to the worker module), run next to each DL4J row: this machine's speed varies by
     * up to 70% from run to run, so only figures from the same minutes compare.
     */
    private record PytorchReference(String python) {
        private static final String SCRIPT = "src/test/python/throughput_reference.py";

        /** The reference where {@code -Dhpo.bench.python} (default python3) imports torch; says why not otherwise. */
        static Optional<PytorchReference> find() {
            String python = System.getProperty("hpo.bench.python", "python3");
            String why;
            try {
                Output described = run(python, SCRIPT, "describe");
                if (described.exit() == 0) {
                    System.out.println("PyTorch reference: " + described.lastLine() + ", through " + python
                            + ", measured before each row with its threads");
                    return Optional.of(new PytorchReference(python));
                }
                why = python + " " + SCRIPT + " describe: " + described.lastLine();
            } catch (IOException e) {
                why = python + " does not start: " + e.getMessage();
            }
            System.out.println("PyTorch reference: not measured, " + why + " (Debian: apt-get install"
                    + " python3-torch libopenblas0; another interpreter: -Dhpo.bench.python=PATH)");
            return Optional.empty();
        }

        double tokensPerSecond(Hyperparameters hp, int vocab, int threads) {
            try {
                Output out = run(python, SCRIPT, "measure", "--vocab", vocab, "--width", hp.width(),
                        "--layers", hp.layers(), "--heads", hp.heads(), "--mlp-multiplier", hp.mlpMultiplier(),
                        "--seq", hp.seqLength(), "--batch", hp.batchSize(), "--warmup", WARMUP_STEPS,
                        "--steps", TIMED_STEPS, "--threads", threads);
                Matcher m = Pattern.compile("tokens_per_second=(\\S+)").matcher(out.text());
                if (out.exit() != 0 || !m.find()) {
                    throw new IllegalStateException("PyTorch reference failed (exit " + out.exit() + "):\n"
                            + out.text());
                }
                return Double.parseDouble(m.group(1));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private record Output(int exit, String text) {
            String lastLine() {
                String[] lines = text.strip().split("\n");
                return lines[lines.length - 1];
            }
        }

        private static Output run(Object... command) throws IOException {
            Process p = new ProcessBuilder(Arrays.stream(command).map(String::valueOf).toList())
                    .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                return new Output(p.waitFor(), text);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + command[0], e);
            }
        }
    }

    /** Peak JVM heap (from the pools' own peaks) and peak resident memory (heap, ND4J's off-heap buffers, code). */
    private static final class MemoryWatch implements AutoCloseable {
        private final AtomicLong peakRss = new AtomicLong();
        private final Thread sampler;
        private volatile boolean running = true;

        private MemoryWatch() {
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            sampler = new Thread(() -> {
                while (running) {
                    peakRss.accumulateAndGet(Pointer.physicalBytes(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "memory-watch");
            sampler.setDaemon(true);
        }

        static MemoryWatch start() {
            MemoryWatch w = new MemoryWatch();
            w.sampler.start();
            return w;
        }

        long peakHeap() {
            return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                    .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        }

        long peakRss() {
            return peakRss.get();
        }

        @Override
        public void close() {
            running = false;
            sampler.interrupt();
        }
    }
}
