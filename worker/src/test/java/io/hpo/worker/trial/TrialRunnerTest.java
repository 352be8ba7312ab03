package io.hpo.worker.trial;

import io.hpo.events.StepMetric;
import io.hpo.events.TrialStatus;
import io.hpo.space.Hyperparameters;
import io.hpo.space.Optimizer;
import io.hpo.space.Schedule;
import io.hpo.space.checkpoint.CheckpointFile;
import io.hpo.space.spec.CheckpointPolicy;
import io.hpo.space.spec.CheckpointsSpec;
import io.hpo.space.spec.OuterOptimizerSpec;
import io.hpo.space.spec.OuterOptimizerType;
import io.hpo.space.spec.SpecDefaults;
import io.hpo.worker.checkpoint.SearchCheckpoints;
import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.data.QuestionFormationCorpus;
import io.hpo.worker.data.TokenBatches;
import io.hpo.worker.model.LossEvaluator;
import io.hpo.worker.model.TransformerModel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.junit.jupiter.api.io.TempDir;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.hpo.space.Hyperparameter.BATCH_SIZE;
import static io.hpo.space.Hyperparameter.DROPOUT;
import static io.hpo.space.Hyperparameter.FROZEN_BLOCKS;
import static io.hpo.space.Hyperparameter.GRAD_CLIP;
import static io.hpo.space.Hyperparameter.LAYERS;
import static io.hpo.space.Hyperparameter.LEARNING_RATE;
import static io.hpo.space.Hyperparameter.MLP_MULTIPLIER;
import static io.hpo.space.Hyperparameter.OPTIMIZER;
import static io.hpo.space.Hyperparameter.SCHEDULE;
import static io.hpo.space.Hyperparameter.SEQ_LENGTH;
import static io.hpo.space.Hyperparameter.WARMUP_STEPS;
import static io.hpo.space.Hyperparameter.WEIGHT_DECAY;
import static io.hpo.space.Hyperparameter.WIDTH;

/** One trial on Spark local with two averaging workers, its steps kept in memory ({@link RecordingStepSink}). */
class TrialRunnerTest {
    private static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("trial-runner-test")
                .set("spark.ui.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.close();
        }
    }

    static CorpusSplit demoData() {
        return CorpusSplit.ofLines(QuestionFormationCorpus.generate(400, 1), 0.1, 1);
    }

    static Hyperparameters small(double learningRate) {
        return Hyperparameters.builder().set(LEARNING_RATE, learningRate).set(WARMUP_STEPS, 4).set(BATCH_SIZE, 8)
                .set(WEIGHT_DECAY, 1e-4).set(LAYERS, 1).set(WIDTH, 32).set(MLP_MULTIPLIER, 2).set(SEQ_LENGTH, 24)
                .build();
    }

    /** No dropout, so that a model trained on Spark and one trained in this JVM take the same steps bit for bit. */
    private static Hyperparameters deterministic() {
        return Hyperparameters.builder().set(LEARNING_RATE, 3e-3).set(WARMUP_STEPS, 4).set(BATCH_SIZE, 8)
                .set(DROPOUT, 0.0).set(WEIGHT_DECAY, 1e-2).set(LAYERS, 1).set(WIDTH, 32).set(MLP_MULTIPLIER, 2)
                .set(SEQ_LENGTH, 24).build();
    }

    /**
     * Through dl4j-spark's averaging (which rebuilds every worker's network from the configuration's JSON each
     * round) and the global-step hook: a trial that starts from a checkpoint with its block frozen leaves that block
     * and the embeddings bit-identical, trains the rest, still warms its learning rate up once across rounds, and
     * saves its model.
     */
    @Test
    void aFineTunedTrialKeepsItsFrozenWeightsThroughAveragingAndSavesItsModel(@TempDir Path dir) throws Exception {
        RecordingStepSink steps = new RecordingStepSink("steps-fine-tune");
        SearchCheckpoints saveAll = new SearchCheckpoints(new CheckpointsSpec(dir.toString(), CheckpointPolicy.ALL),
                Double.NaN, System.err);
        TrialRunner runner = new TrialRunner(sc, steps, saveAll);
        TrainingResult pretrained = runner.run(new TrialPlan("s1", "trial-pre", 1, small(3e-3), 10, 2, 5, 10, 1, 7),
                demoData(), (step, loss, tokens) -> { }, StopSignal.never());
        assertEquals(dir.resolve("s1/trial-pre.zip").toString(), pretrained.checkpoint());

        Hyperparameters frozen = Hyperparameters.builder().set(LEARNING_RATE, 1e-2).set(WARMUP_STEPS, 4)
                .set(BATCH_SIZE, 8).set(DROPOUT, 0.1).set(WEIGHT_DECAY, 0.1).set(LAYERS, 1).set(WIDTH, 32)
                .set(MLP_MULTIPLIER, 2).set(SEQ_LENGTH, 24).set(FROZEN_BLOCKS, 1).build();
        TrialPlan plan = new TrialPlan("s2", "trial-ft", 1, frozen, 12, 2, 5, 12, 1, frozen.batchSize(), 8,
                pretrained.checkpoint(), OuterOptimizerSpec.average());
        TrainingResult tuned = runner.run(plan, demoData(), (step, loss, tokens) -> { }, StopSignal.never());

        assertEquals(TrialStatus.COMPLETED, tuned.outcome(), String.valueOf(tuned.reason()));
        assertEquals(frozen, CheckpointFile.read(Path.of(tuned.checkpoint())).hyperparameters());
        ComputationGraph before = ModelSerializer.restoreComputationGraph(pretrained.checkpoint(), false);
        ComputationGraph after = ModelSerializer.restoreComputationGraph(tuned.checkpoint(), false);
        for (String layer : List.of("tokenEmbedding", "positionEmbedding", "block0")) {
            assertEquals(before.getLayer(layer).params(), after.getLayer(layer).params(), layer + " is frozen");
        }
        for (String layer : List.of(TransformerModel.FINAL_NORM, TransformerModel.OUTPUT)) {
            assertNotEquals(before.getLayer(layer).params(), after.getLayer(layer).params(), layer + " trains");
        }
        List<StepMetric> metrics = steps.recorded().stream().filter(m -> m.trialId().equals("trial-ft")).toList();
        assertTrue(lr(metrics, 1) < lr(metrics, 4) && lr(metrics, 12) < lr(metrics, 4) / 2,
                "one warm-up, then decay, across rounds: " + lr(metrics, 1) + ", " + lr(metrics, 4) + ", "
                        + lr(metrics, 12));
    }

    /**
     * A one-worker trial runs its rounds up to each evaluation as one Spark task that carries the model and its Adam
     * state from task to task ({@link OneWorkerRounds}; rounds of 5, evaluations at 10 and 12): its evaluations equal,
     * bit for bit, those of the same model trained on the same minibatches in this JVM, so no task restarts the
     * warm-up, the optimizer's state or its bias correction.
     */
    @Test
    void aOneWorkerTrialTakesExactlyTheStepsOfTheModelTrainedInOneJvm() {
        Hyperparameters hp = deterministic();
        TrialPlan plan = new TrialPlan("s4", "trial-one", 1, hp, 12, 1, 5, 10, 2, 13);
        CorpusSplit data = demoData();
        List<String> onSpark = new ArrayList<>();
        TrainingResult result = new TrialRunner(sc, new RecordingStepSink("steps-one")).run(plan, data,
                (step, loss, tokens) -> onSpark.add(step + ": " + loss), StopSignal.never());

        ComputationGraph net = TransformerModel.build(hp, data.tokenizer().vocabSize(), 12, 13);
        List<DataSet> validation = TokenBatches.validationBatches(data.validation(), 24, 8, 2);
        Random windows = new Random(13);
        List<String> inOneJvm = new ArrayList<>();
        for (int step = 1; step <= 12; step++) {
            net.fit(TokenBatches.randomWindows(data.train(), 24, 8, windows));
            if (step % 10 == 0 || step == 12) {
                inOneJvm.add(step + ": " + LossEvaluator.meanTokenLoss(net, validation));
            }
        }
        assertEquals(TrialStatus.COMPLETED, result.outcome(), String.valueOf(result.reason()));
        assertEquals(inOneJvm, onSpark);
    }

    /**
     * A population member's intervals ({@link TrialRunner#trainInterval}): 0 to 6, then 6 to 12 from the state the
     * first ended with, equal, bit for bit, one model trained in this JVM for 12 steps on the same minibatches (the
     * second interval draws its windows from seed + 6, its rounds ending at steps 10 and 12 as a whole trial's do):
     * the parameters, Adam's moments, the warm-up and the bias correction go on from step 6. The steps are numbered
     * on, each interval ends with an evaluation, and its observer hears of it before its first step.
     */
    @Test
    void aMembersIntervalsTakeExactlyTheStepsOfTheModelTrainedInOneJvm() {
        Hyperparameters hp = deterministic();
        TrialPlan plan = new TrialPlan("s7", "trial-member", 1, hp, 12, 1, 5, 5, 2, 13);
        CorpusSplit data = demoData();
        RecordingStepSink steps = new RecordingStepSink("steps-member");
        TrialRunner runner = new TrialRunner(sc, steps);
        List<String> onSpark = new ArrayList<>();
        List<Integer> stepsPublishedBeforeTraining = new ArrayList<>();
        TrialObserver observer = new TrialObserver() {
            @Override
            public void evaluated(long step, double loss, long tokens) {
                onSpark.add(step + ": " + loss);
            }

            @Override
            public void aboutToTrain() {
                stepsPublishedBeforeTraining.add(steps.recorded().size());
            }
        };
        TrialRunner.TrainedInterval first = runner.trainInterval(plan, data, null, 0, 6, observer, StopSignal.never());
        TrialRunner.TrainedInterval second = runner.trainInterval(plan, data, first.state(), 6, 12, observer,
                StopSignal.never());

        ComputationGraph net = TransformerModel.build(hp, data.tokenizer().vocabSize(), 12, 13);
        List<DataSet> validation = TokenBatches.validationBatches(data.validation(), 24, 8, 2);
        List<String> inOneJvm = new ArrayList<>();
        Random windows = new Random(13);
        for (int step = 1; step <= 12; step++) {
            if (step == 7) {
                windows = new Random(13 + 6);
            }
            net.fit(TokenBatches.randomWindows(data.train(), 24, 8, windows));
            if (step % 5 == 0 || step == 6 || step == 12) {
                inOneJvm.add(step + ": " + LossEvaluator.meanTokenLoss(net, validation));
            }
        }
        assertEquals(TrialStatus.COMPLETED, first.result().outcome(), String.valueOf(first.result().reason()));
        assertEquals(12, second.result().steps());
        assertEquals(inOneJvm, onSpark);
        assertEquals(LongStream.rangeClosed(1, 12).boxed().toList(),
                steps.recorded().stream().map(StepMetric::step).sorted().toList(), "steps numbered on, each once");
        assertEquals(List.of(0, 6), stepsPublishedBeforeTraining, "each interval told before its first step");
    }

    /**
     * A two-worker member with Nesterov outer steps, through Spark parameter averaging: an interval of one round
     * hands on the velocity it ended with (the first round's change, so that the parameters moved by learning rate
     * times 1 + momentum of it), and the next interval's round steps with that velocity carried: its end is
     * {@code P1 - lr * (g2 + momentum * v2)} with {@code v2 = momentum * v1 + g2}, which a velocity restarted at zero
     * would not give.
     */
    @Test
    void aTwoWorkerMembersIntervalsCarryTheOuterMomentum() {
        double lr = 0.7;
        double momentum = 0.9;
        Hyperparameters hp = small(3e-3);
        TrialPlan plan = new TrialPlan("s8", "trial-averaged", 1, hp, 10, 2, 5, 5, 1, hp.batchSize(), 17, null,
                new OuterOptimizerSpec(OuterOptimizerType.NESTEROV, lr, momentum));
        CorpusSplit data = demoData();
        TrialRunner runner = new TrialRunner(sc, new RecordingStepSink("steps-averaged"));
        INDArray p0 = TransformerModel.build(hp, data.tokenizer().vocabSize(), 10, 17).params().dup();

        TrialRunner.TrainedInterval first = runner.trainInterval(plan, data, null, 0, 5, (s, l, t) -> { },
                StopSignal.never());
        INDArray p1 = first.state().params().dup();
        INDArray v1 = first.state().outerState().dup();
        assertArraysClose(p0.sub(p1).divi(lr * (1 + momentum)), v1, "the first round's velocity is its change");

        TrialRunner.TrainedInterval second = runner.trainInterval(plan, data, first.state(), 5, 10, (s, l, t) -> { },
                StopSignal.never());
        INDArray v2 = second.state().outerState();
        INDArray g2 = v2.sub(v1.mul(momentum));
        // compared as steps, not parameters: the carried part, lr * momentum^2 * v1, is small beside the weights
        assertArraysClose(g2.add(v2.mul(momentum)).muli(lr), p1.sub(second.state().params()),
                "the second interval's round stepped with the first's velocity");
        assertEquals(TrialStatus.COMPLETED, second.result().outcome(), String.valueOf(second.result().reason()));
    }

    private static void assertArraysClose(INDArray expected, INDArray actual, String what) {
        double scale = Math.max(expected.norm2Number().doubleValue(), 1e-12);
        double off = expected.sub(actual.castTo(expected.dataType())).norm2Number().doubleValue();
        assertTrue(off <= 1e-3 * scale, what + ": off by " + off + " of " + scale);
    }

    @Test
    void aHugeLearningRateEndsTheTrialAsDiverged() {
        RecordingStepSink steps = new RecordingStepSink("steps-diverge");
        Hyperparameters hp = Hyperparameters.builder().set(LEARNING_RATE, 1e6).set(WARMUP_STEPS, 0)
                .set(SCHEDULE, Schedule.CONSTANT).set(BATCH_SIZE, 8).set(LAYERS, 1).set(WIDTH, 32)
                .set(MLP_MULTIPLIER, 2).set(SEQ_LENGTH, 24).set(OPTIMIZER, Optimizer.SGD).set(GRAD_CLIP, 0.0).build();
        TrialPlan plan = new TrialPlan("s1", "trial-001", 1, hp, 40, 2, 2, 2, 1, 3);
        TrainingResult result = new TrialRunner(sc, steps).run(plan, demoData(), (s, l, t) -> { }, StopSignal.never());
        assertEquals(TrialStatus.DIVERGED, result.outcome());
        assertTrue(result.reason().startsWith("training loss ")
                && result.reason().contains(" at step " + result.steps()), result.reason());
        assertTrue(result.steps() < 40);
    }

    /** The largest learning rate a spec allows: the loss explodes, the steps before stay published, the next trial trains. */
    @Test
    void learningRateTenDivergesNamingStepAndLossAndTheNextTrialStillTrains() {
        RecordingStepSink steps = new RecordingStepSink("steps-lr10");
        Hyperparameters hp = Hyperparameters.builder().set(LEARNING_RATE, 10.0).set(WARMUP_STEPS, 0)
                .set(SCHEDULE, Schedule.CONSTANT).set(BATCH_SIZE, 8).set(LAYERS, 1).set(WIDTH, 32)
                .set(MLP_MULTIPLIER, 2).set(SEQ_LENGTH, 24).build();
        TrialRunner runner = new TrialRunner(sc, steps);
        TrainingResult diverged = runner.run(new TrialPlan("s2", "trial-lr10", 1, hp, 40, 1, 2, 10, 1, 5), demoData(),
                (s, l, t) -> { }, StopSignal.never());

        assertEquals(TrialStatus.DIVERGED, diverged.outcome(), String.valueOf(diverged.reason()));
        assertTrue(diverged.reason().matches("training loss (became \\S+|\\S+) at step \\d+.*"), diverged.reason());
        assertTrue(diverged.reason().contains("at step " + diverged.steps()), diverged.reason());
        assertTrue(diverged.steps() < 40);
        List<StepMetric> kept = steps.recorded();
        assertEquals(diverged.steps(), kept.size(), "every step before the divergence was published");

        TrainingResult next = runner.run(new TrialPlan("s2", "trial-after", 1, small(3e-3), 4, 1, 2, 4, 1, 6),
                demoData(), (s, l, t) -> { }, StopSignal.never());
        assertEquals(TrialStatus.COMPLETED, next.outcome(), String.valueOf(next.reason()));
    }

    @Test
    void divergenceIsANonFiniteLossOrOneThreeTimesWorseThanGuessing() {
        int vocab = 40;
        double guessing = Math.log(vocab);
        assertEquals(Optional.empty(), TrialRunner.divergence(guessing, 5, vocab));
        assertEquals(Optional.empty(), TrialRunner.divergence(3 * guessing, 5, vocab));
        assertEquals(Optional.of("training loss became NaN at step 5"), TrialRunner.divergence(Double.NaN, 5, vocab));
        assertEquals(Optional.of("training loss became Infinity at step 7"),
                TrialRunner.divergence(Double.POSITIVE_INFINITY, 7, vocab));
        assertEquals(Optional.of("training loss 12.00 at step 9 exceeds 3 × ln(vocabulary 40) = 11.07: exploded"),
                TrialRunner.divergence(12.0, 9, vocab));
    }

    @Test
    void aStopRequestEndsTheTrialAtTheNextRoundAsFailedWithTheReason() {
        RecordingStepSink steps = new RecordingStepSink("steps-stop");
        // evaluations every 5 steps: each of the one worker's tasks is one round
        TrialPlan plan = new TrialPlan("s1", "trial-002", 1, small(1e-3), 100, 1, 5, 5, 1, 3);
        int[] rounds = {0};
        TrainingResult result = new TrialRunner(sc, steps).run(plan, demoData(), (s, l, t) -> { },
                () -> rounds[0]++ >= 2 ? Optional.of(new StopSignal.StopRequest(TrialStatus.FAILED,
                        "search wall-time budget exhausted")) : Optional.empty());
        assertEquals(TrialStatus.FAILED, result.outcome());
        assertEquals("search wall-time budget exhausted", result.reason());
        assertEquals(10, result.steps());
    }

    @Test
    void nesterovOnTheAveragedChangeLearnsMoreThanPlainAveragingFromTheSameTokens() {
        RecordingStepSink steps = new RecordingStepSink("steps-outer");
        // early in training, where two workers' averaged Adam steps fall short of one step on their joint batch
        TrialPlan plain = new TrialPlan("s3", "trial-plain", 1, small(1e-3), 40, 2, 5, 40, 2, 11);
        TrialPlan nesterov = plain.withOuterOptimizer(SpecDefaults.NESTEROV);
        TrialRunner runner = new TrialRunner(sc, steps);

        TrainingResult averaged = runner.run(plain, demoData(), (s, l, t) -> { }, StopSignal.never());
        TrainingResult outer = runner.run(nesterov, demoData(), (s, l, t) -> { }, StopSignal.never());

        assertEquals(TrialStatus.COMPLETED, outer.outcome(), String.valueOf(outer.reason()));
        assertEquals(averaged.tokensSeen(), outer.tokensSeen());
        assertTrue(outer.bestValLoss() < averaged.bestValLoss() - 0.02,
                "Nesterov " + outer.bestValLoss() + " vs plain averaging " + averaged.bestValLoss());
    }

    static double lr(List<StepMetric> metrics, long step) {
        return metrics.stream().filter(m -> m.step() == step && m.worker() == 0).findFirst().orElseThrow().learningRate();
    }
}
