package io.hpo.worker.trial;

import io.hpo.events.StepSink;
import io.hpo.events.TrialStatus;
import io.hpo.space.Hyperparameters;
import io.hpo.worker.checkpoint.PretrainedModel;
import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.data.TokenBatches;
import io.hpo.worker.model.LossEvaluator;
import io.hpo.worker.model.TransformerModel;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

/**
 * Trains one trial on Spark in rounds of {@link TrialPlan#averagingFrequency()} steps: with several workers, one
 * Spark job per round, parameter averaging through dl4j-spark ({@link AveragedRounds}, the round's average taking the
 * trial's outer optimizer step); with one, the model's own steps, the rounds up to the next evaluation in one task
 * ({@link OneWorkerRounds}). Between jobs the driver controls the exact step budget, evaluates validation loss on the
 * resulting model, and stops a diverging, pruned or cancelled trial.
 */
public final class TrialRunner implements TrialTraining {
    /** A round's training loss above this many times ln(vocabulary) ends the trial as diverged. */
    static final double EXPLODED_LOSS_FACTOR = 3;

    private final JavaSparkContext sc;
    private final StepSink steps;
    private final CheckpointSink checkpoints;

    /** A runner that saves no model. */
    public TrialRunner(JavaSparkContext sc, StepSink steps) {
        this(sc, steps, CheckpointSink.NONE);
    }

    /**
     * @param steps       gets every step of every worker
     * @param checkpoints gets every completed trial's model
     */
    public TrialRunner(JavaSparkContext sc, StepSink steps, CheckpointSink checkpoints) {
        this.sc = sc;
        this.steps = steps;
        this.checkpoints = checkpoints;
    }

    @Override
    public TrainingResult run(TrialPlan plan, CorpusSplit corpus, TrialObserver observer, StopSignal stop) {
        return train(plan, corpus, null, 0, plan.maxSteps(), observer, stop).result();
    }

    /**
     * Trains one interval of a population member: from global step {@code fromStep}, where the member's model and
     * optimizer were {@code from} (null at step 0: a new model, as {@link #run} starts one), to {@code toStep}, with
     * the plan's hyperparameters and learning-rate schedule over its whole {@link TrialPlan#maxSteps()}; evaluated at
     * {@code toStep} too. The result counts steps and tokens from the member's start, its best loss within the
     * interval; it is COMPLETED when the interval reached {@code toStep}, and at the plan's last step the model goes
     * to the checkpoint sink as a completed trial's does.
     */
    public TrainedInterval trainInterval(TrialPlan plan, CorpusSplit corpus, ModelState from, long fromStep,
                                         long toStep, TrialObserver observer, StopSignal stop) {
        if (fromStep < 0 || toStep <= fromStep || toStep > plan.maxSteps() || (from == null) != (fromStep == 0)) {
            throw new IllegalArgumentException("an interval runs from a state at a step (none at 0) to a later step"
                    + " within the trial's " + plan.maxSteps() + ", not from " + fromStep + " to " + toStep);
        }
        return train(plan, corpus, from, fromStep, toStep, observer, stop);
    }

    /** An interval's result, and the model and optimizer state it ended with (null unless it completed). */
    public record TrainedInterval(TrainingResult result, ModelState state) {
    }

    private TrainedInterval train(TrialPlan plan, CorpusSplit corpus, ModelState from, long fromStep, long toStep,
                                  TrialObserver observer, StopSignal stop) {
        long started = System.currentTimeMillis();
        // a job group per trial (thread-local in Spark) so a trial's jobs can be told apart and cancelled
        sc.setJobGroup(jobGroup(plan), "hpo trial " + plan.trialId(), true);
        Hyperparameters hp = plan.hyperparameters();
        CorpusSplit data = corpus.trainingShare(hp.dataFraction());
        // the eval batch size is the search's largest batch size, so this also covers the trial's training batch
        data.requireFits("trial " + plan.trialId() + "'s data (data_fraction " + hp.dataFraction() + ")",
                hp.seqLength(), plan.evalBatchSize(), plan.evalBatches());
        int vocabSize = data.tokenizer().vocabSize();
        ComputationGraph net = plan.initCheckpoint() == null
                ? TransformerModel.build(hp, vocabSize, plan.maxSteps(), plan.seed())
                : PretrainedModel.fineTune(Path.of(plan.initCheckpoint()), hp, vocabSize, plan.maxSteps(), plan.seed());
        if (from != null) {
            from.applyTo(net);
        }
        RoundTraining rounds = plan.workers() == 1 ? new OneWorkerRounds(sc, net,
                plan.initCheckpoint() == null && from == null, plan, vocabSize, OneWorkerRounds.TASK_TIME)
                : new AveragedRounds(sc, net, plan, from == null ? null : from.outerState());
        List<DataSet> validation = TokenBatches.validationBatches(data.validation(), hp.seqLength(),
                plan.evalBatchSize(), plan.evalBatches());
        // each interval draws windows of its own; a whole trial (from step 0) draws them from the plan's seed
        Random windows = new Random(plan.seed() + fromStep);
        // drawn in order and taken in order: a fit that stops early leaves the rest of its minibatches for the next
        Deque<DataSet> drawn = new ArrayDeque<>();
        Evaluations evals = new Evaluations();
        observer.aboutToTrain();
        long step = fromStep;
        while (step < toStep) {
            Optional<StopSignal.StopRequest> request = stop.poll();
            if (request.isPresent()) {
                return ended(evals.result(request.get().outcome(), step, plan, request.get().reason(), started));
            }
            int planned = rounds.plannedSteps(step, toStep);
            List<DataSet> batches = nextBatches(plan, data, planned, windows, drawn);
            int taken = rounds.fit(sc.parallelize(batches, plan.workers()), step,
                    new StepMetricsListener(steps, plan, step + 1, planned));
            for (int i = 0; i < taken * plan.workers(); i++) {
                drawn.removeFirst();
            }
            step += taken;
            // DL4J sums a sequence's score over its time steps: per token, like the published step losses
            double trainLoss = rounds.score() / hp.seqLength();
            Optional<String> diverged = divergence(trainLoss, step, vocabSize);
            if (diverged.isPresent()) {
                return ended(evals.result(TrialStatus.DIVERGED, step, plan, diverged.get(), started));
            }
            if (step % plan.evalEvery() == 0 || step == toStep) {
                double valLoss = LossEvaluator.meanTokenLoss(rounds.network(), validation);
                observer.evaluated(step, valLoss, step * plan.tokensPerStep());
                if (!Double.isFinite(valLoss)) {
                    return ended(evals.result(TrialStatus.DIVERGED, step, plan, "validation loss became " + valLoss
                            + " at step " + step, started));
                }
                evals.add(step, valLoss);
            }
        }
        TrainingResult completed = evals.result(TrialStatus.COMPLETED, step, plan, null, started);
        if (step == plan.maxSteps()) {
            completed = checkpoints.completed(plan, rounds.network(), completed, data.tokenizer(), evals.last)
                    .map(completed::withCheckpoint).orElse(completed);
        }
        return new TrainedInterval(completed, rounds.state());
    }

    private static TrainedInterval ended(TrainingResult early) {
        return new TrainedInterval(early, null);
    }

    /** Cancels the trial's Spark jobs already submitted. */
    @Override
    public void cancel(TrialPlan plan) {
        sc.cancelJobGroup(jobGroup(plan));
    }

    private static String jobGroup(TrialPlan plan) {
        return plan.searchId() + "/" + plan.trialId();
    }

    /**
     * Why a round's training loss (mean nats per token) shows the trial diverged, or empty. Non-finite is diverged;
     * so is a loss above {@value #EXPLODED_LOSS_FACTOR} × ln(vocabulary): a freshly initialised model scores about
     * ln(vocabulary), uniform guessing, so a model that far worse than guessing has blown up and will not recover
     * within a trial's budget (a huge learning rate can keep the loss finite but enormous).
     */
    static Optional<String> divergence(double trainLoss, long step, int vocabSize) {
        if (!Double.isFinite(trainLoss)) {
            return Optional.of("training loss became " + trainLoss + " at step " + step);
        }
        double limit = EXPLODED_LOSS_FACTOR * Math.log(vocabSize);
        if (trainLoss > limit) {
            return Optional.of(String.format(Locale.ROOT, "training loss %.4g at step %d exceeds %.0f × "
                    + "ln(vocabulary %d) = %.4g: exploded", trainLoss, step, EXPLODED_LOSS_FACTOR, vocabSize, limit));
        }
        return Optional.empty();
    }

    /**
     * The minibatches of {@code steps} steps, {@code workers} for each, in order: those drawn before and not yet
     * trained on first, then new random windows.
     */
    private static List<DataSet> nextBatches(TrialPlan plan, CorpusSplit data, int steps, Random windows,
                                             Deque<DataSet> drawn) {
        Hyperparameters hp = plan.hyperparameters();
        while (drawn.size() < plan.workers() * steps) {
            drawn.addLast(TokenBatches.randomWindows(data.train(), hp.seqLength(), hp.batchSize(), windows));
        }
        List<DataSet> batches = new ArrayList<>(plan.workers() * steps);
        Iterator<DataSet> next = drawn.iterator();
        while (batches.size() < plan.workers() * steps) {
            batches.add(next.next());
        }
        return batches;
    }

    /** The best validation loss so far, ties going to the earlier (fewer-token) step, and the latest one. */
    private static final class Evaluations {
        private double best = Double.NaN;
        private long bestStep;
        private double last = Double.NaN;

        void add(long step, double loss) {
            last = loss;
            if (Double.isNaN(best) || loss < best) {
                best = loss;
                bestStep = step;
            }
        }

        TrainingResult result(TrialStatus outcome, long step, TrialPlan plan, String reason, long started) {
            return new TrainingResult(outcome, step, step * plan.tokensPerStep(), best, bestStep,
                    bestStep * plan.tokensPerStep(), reason,
                    System.currentTimeMillis() - started);
        }
    }
}
