package io.hpo.worker.bench;

import io.hpo.deploy.LocalKafkaBroker;
import io.hpo.events.BusConfig;
import io.hpo.events.KafkaStepSink;
import io.hpo.space.Hyperparameters;
import io.hpo.space.Optimizer;
import io.hpo.space.Schedule;
import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.data.QuestionFormationCorpus;
import io.hpo.worker.data.TokenBatches;
import io.hpo.worker.model.TransformerModel;
import io.hpo.worker.trial.StopSignal;
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

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Training throughput of the reference configurations (issue #7): tokens/s of one trial's step loop on one
 * executor, model FLOPs utilisation against the matrix-multiply peak measured here with ND4J, peak memory, and the
 * same configurations through Spark parameter averaging with 2 workers. Runs only when asked:
 * {@code mvn -B -o -q -pl worker -am test -Dtest=ThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * -Dhpo.bench=throughput}.
 */
@EnabledIfSystemProperty(named = "hpo.bench", matches = "throughput")
class ThroughputBenchmark {

    /** A reference configuration and PyTorch's tokens/s on this machine's CPU (from the issue). */
    private record Config(String name, int width, int layers, int heads, int seqLength, int batchSize,
                          double pytorchTokensPerSecond, double target) {
        Hyperparameters hyperparameters() {
            // dropout 0 and no weight decay: the arithmetic of the step, as the PyTorch reference measured it
            return new Hyperparameters(1e-3, 0, Schedule.CONSTANT, batchSize, 0.0, 0.0, layers, width, heads, 4,
                    seqLength, Optimizer.ADAM, 0.0);
        }
    }

    private static final List<Config> CONFIGS = List.of(
            new Config("A", 64, 2, 4, 64, 16, 11_800, 0.8 * 11_800),
            new Config("B", 128, 4, 4, 64, 32, 5_200, 5_200));
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

        System.out.println();
        System.out.println("| config | params | path | tokens/s | vs PyTorch | target | MFU | peak heap | peak RSS |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (Config c : CONFIGS) {
            Hyperparameters hp = c.hyperparameters();
            long params = TransformerModel.parameterCount(hp, vocab);
            double flopsPerToken = flopsPerToken(hp, vocab);
            // small operations can lose more to thread hand-offs than they gain: each count is measured
            for (int threads = 1; threads <= Runtime.getRuntime().availableProcessors(); threads++) {
                Measured one = singleExecutor(hp, vocab, data, threads);
                print(c, params, "one executor, " + threads + " thread" + (threads > 1 ? "s" : ""), one,
                        flopsPerToken, peak);
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
                Measured spark = averaged(sc, bus, hp, data, SPARK_STEPS);
                print(c, TransformerModel.parameterCount(hp, vocab), "Spark, 2 workers averaging", spark,
                        flopsPerToken(hp, vocab), peak);
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
        long multiplying = TransformerModel.parameterCount(hp, vocab) - lookups;
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

    private static void print(Config c, long params, String path, Measured m, double flopsPerToken, double peak) {
        double mfu = m.tokensPerSecond() * flopsPerToken / 1e9 / peak;
        System.out.printf("| %s | %,d | %s | %,.0f | %.2f× | %s | %.1f%% | %d MiB | %d MiB |%n", c.name(), params,
                path, m.tokensPerSecond(), m.tokensPerSecond() / c.pytorchTokensPerSecond(),
                m.tokensPerSecond() >= c.target() ? "met" : String.format("%,.0f", c.target()), 100 * mfu,
                m.peakHeapBytes() >> 20, m.peakRssBytes() >> 20);
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
