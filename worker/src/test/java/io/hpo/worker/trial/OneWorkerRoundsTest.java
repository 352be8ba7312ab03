package io.hpo.worker.trial;

import io.hpo.events.StepMetric;
import io.hpo.space.Hyperparameters;
import io.hpo.space.Optimizer;
import io.hpo.space.Schedule;
import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.data.TokenBatches;
import io.hpo.worker.model.TransformerModel;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import static io.hpo.space.Hyperparameter.BATCH_SIZE;
import static io.hpo.space.Hyperparameter.GRAD_CLIP;
import static io.hpo.space.Hyperparameter.LAYERS;
import static io.hpo.space.Hyperparameter.LEARNING_RATE;
import static io.hpo.space.Hyperparameter.MLP_MULTIPLIER;
import static io.hpo.space.Hyperparameter.OPTIMIZER;
import static io.hpo.space.Hyperparameter.SCHEDULE;
import static io.hpo.space.Hyperparameter.SEQ_LENGTH;
import static io.hpo.space.Hyperparameter.WARMUP_STEPS;
import static io.hpo.space.Hyperparameter.WIDTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rounds a one-worker task plans and where it stops, on Spark local. */
class OneWorkerRoundsTest {
    private static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[1]").setAppName("one-worker-rounds-test")
                .set("spark.ui.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.close();
        }
    }

    private static OneWorkerRounds rounds(Hyperparameters hp, int maxSteps, int averaging, int evalEvery,
                                          Duration taskTime) {
        TrialPlan plan = new TrialPlan("s", "t", 1, hp, maxSteps, 1, averaging, evalEvery, 1, 7);
        return new OneWorkerRounds(sc, TransformerModel.build(hp, 40, maxSteps, 7), true, plan, 40, taskTime);
    }

    /** Rounds of 5 up to the next evaluation every 50 steps, or to the end, within 16 MiB of minibatches. */
    @Test
    void aTaskIsPlannedRoundByRoundUpToTheNextEvaluationWithinItsBytes() {
        OneWorkerRounds small = rounds(TrialRunnerTest.small(1e-3), 200, 5, 50, OneWorkerRounds.TASK_TIME);
        assertEquals(50, small.plannedSteps(0, 200));
        assertEquals(50, small.plannedSteps(50, 200));
        assertEquals(5, small.plannedSteps(45, 200));
        assertEquals(3, small.plannedSteps(47, 200), "a round ends at a multiple of 5 whatever step it starts at");
        assertEquals(20, small.plannedSteps(100, 120), "an interval's end ends the task");
        // evaluations come at rounds' ends only: with rounds of 5 and evaluations every 12, the first is at 60
        assertEquals(60, rounds(TrialRunnerTest.small(1e-3), 200, 5, 12, OneWorkerRounds.TASK_TIME)
                .plannedSteps(0, 200));

        // 256 windows of 1,024 tokens: 2 MiB a minibatch, so 8 fit in 16 MiB: one whole round of 5
        Hyperparameters big = Hyperparameters.builder().set(BATCH_SIZE, 256).set(SEQ_LENGTH, 1024).set(LAYERS, 1)
                .set(WIDTH, 16).build();
        assertEquals(5, rounds(big, 200, 5, 50, OneWorkerRounds.TASK_TIME).plannedSteps(0, 200));
        // rounds of 20 exceed the 8 minibatches: one round all the same
        assertEquals(20, rounds(big, 200, 20, 50, OneWorkerRounds.TASK_TIME).plannedSteps(0, 200));
    }

    /**
     * With no time to spare, a task stops at its first round's end and the rest of its minibatches go to the next
     * one: four tasks of 3 steps end with the parameters of 12 steps trained in this JVM, bit for bit, and each step
     * is published once; the same whether the first task made the new model from its seed or was sent its weights.
     */
    @Test
    void aTaskOutOfTimeStopsAtItsFirstRoundsEndAndTheNextGoesOnFromThere() {
        for (boolean seeded : List.of(true, false)) {
            trainInTasksOfOneRound(seeded);
        }
    }

    private static void trainInTasksOfOneRound(boolean seeded) {
        Hyperparameters hp = TrialRunnerTest.small(3e-3);
        CorpusSplit data = TrialRunnerTest.demoData();
        int vocab = data.tokenizer().vocabSize();
        TrialPlan plan = new TrialPlan("s", "t-time", 1, hp, 12, 1, 3, 12, 1, 7);
        ComputationGraph net = TransformerModel.build(hp, vocab, 12, 7);
        OneWorkerRounds rounds = new OneWorkerRounds(sc, net, seeded, plan, vocab, Duration.ZERO);
        Random windows = new Random(7);
        List<DataSet> batches = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            batches.add(TokenBatches.randomWindows(data.train(), 24, 8, windows));
        }
        RecordingStepSink steps = new RecordingStepSink("one-worker-time-" + seeded);
        int step = 0;
        List<Integer> taken = new ArrayList<>();
        while (step < 12) {
            assertEquals(12 - step, rounds.plannedSteps(step, 12));
            int t = rounds.fit(sc.parallelize(new ArrayList<>(batches.subList(step, 12)), 1), step,
                    new StepMetricsListener(steps, plan, step + 1, 12 - step));
            taken.add(t);
            step += t;
        }

        ComputationGraph inOneJvm = TransformerModel.build(hp, vocab, 12, 7);
        batches.forEach(inOneJvm::fit);
        assertEquals(List.of(3, 3, 3, 3), taken);
        assertEquals(inOneJvm.params(), net.params(), seeded ? "made from the seed" : "sent");
        assertEquals(LongStream.rangeClosed(1, 12).boxed().toList(),
                steps.recorded().stream().map(StepMetric::step).sorted().toList());
    }

    /** A round whose loss explodes ends the task there, before the rest of the planned rounds. */
    @Test
    void aTaskStopsAtTheEndOfTheFirstRoundThatDiverged() {
        Hyperparameters hp = Hyperparameters.builder().set(LEARNING_RATE, 1e6).set(WARMUP_STEPS, 0)
                .set(SCHEDULE, Schedule.CONSTANT).set(BATCH_SIZE, 8).set(LAYERS, 1).set(WIDTH, 32)
                .set(MLP_MULTIPLIER, 2).set(SEQ_LENGTH, 24).set(OPTIMIZER, Optimizer.SGD).set(GRAD_CLIP, 0.0).build();
        CorpusSplit data = TrialRunnerTest.demoData();
        int vocab = data.tokenizer().vocabSize();
        TrialPlan plan = new TrialPlan("s", "t-diverge", 1, hp, 40, 1, 2, 40, 1, 3);
        OneWorkerRounds rounds = new OneWorkerRounds(sc, TransformerModel.build(hp, vocab, 40, 3), true, plan, vocab,
                Duration.ofMinutes(10));
        Random windows = new Random(3);
        List<DataSet> batches = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batches.add(TokenBatches.randomWindows(data.train(), 24, 8, windows));
        }
        RecordingStepSink steps = new RecordingStepSink("one-worker-diverge");
        int taken = rounds.fit(sc.parallelize(batches, 1), 0, new StepMetricsListener(steps, plan, 1, 40));

        assertTrue(taken < 40 && taken % 2 == 0, "stopped at a round's end: " + taken);
        assertTrue(TrialRunner.divergence(rounds.score() / 24, taken, vocab).isPresent(), "score " + rounds.score());
        assertEquals(taken, steps.recorded().size());
    }

    /**
     * A state of exactly {@link ShippedState#INLINE_BYTES} travels inside the task, one float more as a broadcast, released
     * after the job; a task reads the same values either way. A new model's state that small does not travel at all
     * (the task makes it from the seed); a larger one still does.
     */
    @Test
    void aSmallStateTravelsInsideTheTaskALargeOneAsABroadcast() {
        int largest = (int) (ShippedState.INLINE_BYTES / Float.BYTES);
        ModelState small = new ModelState(Nd4j.linspace(DataType.FLOAT, 1, largest / 2, 1),
                Nd4j.ones(DataType.FLOAT, largest / 2));
        ModelState large = new ModelState(Nd4j.linspace(DataType.FLOAT, 1, largest + 1, 1), null);
        ShippedState inline = ShippedState.of(sc, small, false);
        ShippedState broadcast = ShippedState.of(sc, large, false);
        assertInstanceOf(ShippedState.Seeded.class, ShippedState.of(sc, small, true));
        ShippedState largeNew = ShippedState.of(sc, large, true);
        assertInstanceOf(ShippedState.Broadcasted.class, largeNew, "a large new model still travels");
        largeNew.release();
        assertInstanceOf(ShippedState.Inline.class, inline);
        assertInstanceOf(ShippedState.Broadcasted.class, broadcast);
        for (ShippedState shipped : List.of(inline, broadcast)) {
            double inTask = sc.parallelize(List.of(1), 1).map(x -> value(shipped).params().sumNumber().doubleValue()
                    + (value(shipped).updaterState() == null ? 0 : value(shipped).updaterState().sumNumber()
                    .doubleValue())).collect().get(0);
            ModelState sent = value(shipped);
            assertEquals(sent.params().sumNumber().doubleValue() + (sent.updaterState() == null ? 0
                    : sent.updaterState().sumNumber().doubleValue()), inTask, 1e-3 * inTask);
            shipped.release();
        }
        assertThrows(SparkException.class, () -> value(broadcast), "a released broadcast is gone");
    }

    private static ModelState value(ShippedState shipped) {
        return shipped instanceof ShippedState.Inline inline ? inline.value()
                : ((ShippedState.Broadcasted) shipped).broadcast().value();
    }
}
