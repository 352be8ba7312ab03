package io.hpo.worker.trial;

import io.hpo.worker.gpu.TaskGpu;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import scala.Function2;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag$;

import java.io.Serializable;
import java.time.Duration;
import java.util.Iterator;

/**
 * Rounds of a one-worker trial, several to a Spark task: nothing is averaged, so a round's end only matters to the
 * driver (divergence is judged there, evaluations and stop requests fall there), and a Spark job per round would
 * cost its fixed overhead (tens of milliseconds, more on a loaded executor) every {@code averaging_frequency} steps.
 * One task trains the driver's model, its optimizer state included, on the rounds up to the next evaluation and
 * sends the result back (the state inside the task while it is small, none for a small new model, which the task
 * makes from its seed: {@link ShippedState}); dl4j-spark's machinery
 * (three broadcasts, a worker instance, an aggregation) is left out.
 * The task stops early at a round's end once the round's loss shows divergence, or once it has trained for
 * {@link #TASK_TIME}, so that a cancel or a spent wall time is heard within that (or one round) as before.
 * At most {@value #PLANNED_BYTES} bytes of minibatches are planned for one task. The steps are exactly those the
 * model would take in one JVM ({@code TrialRunnerTest}).
 */
final class OneWorkerRounds implements RoundTraining {
    static final Duration TASK_TIME = Duration.ofSeconds(2);
    static final long PLANNED_BYTES = 16L << 20;

    private final JavaSparkContext sc;
    private final ComputationGraph net;
    private final TrialPlan plan;
    private final int vocabSize;
    private final long taskNanos;
    /** Shipped with every task: small, and parsed on the executor as dl4j-spark's workers parse theirs. */
    private final String configuration;
    /**
     * The optimizer's state the last task ended with, kept here rather than in the driver's model, which only
     * evaluates: null until a task has stepped when the model came without one (a new optimizer starts at zero
     * in the task; building one on the driver to ship its zeros cost 5 ms a tiny trial).
     */
    private INDArray updaterState;
    /** Whether the driver's model still holds its configuration's seeded initialisation, untrained. */
    private boolean seeded;
    private double score = Double.NaN;

    /**
     * @param seeded   whether {@code net} is its configuration's own seeded initialisation (a new model, not one
     *                 from a checkpoint or a state), which the first task then makes itself instead of receiving it
     * @param taskTime how long a task trains before it stops at the next round's end ({@link #TASK_TIME})
     */
    OneWorkerRounds(JavaSparkContext sc, ComputationGraph net, boolean seeded, TrialPlan plan, int vocabSize,
                    Duration taskTime) {
        this.sc = sc;
        this.seeded = seeded;
        this.taskNanos = taskTime.toNanos();
        this.net = net;
        this.plan = plan;
        this.vocabSize = vocabSize;
        this.configuration = net.getConfiguration().toJson();
        this.updaterState = net.getUpdater(false) == null ? null : net.getUpdater().getStateViewArray();
    }

    /** Rounds up to the next evaluation (or {@code toStep}), within the byte limit but at least one round. */
    @Override
    public int plannedSteps(long step, long toStep) {
        // a minibatch is its features and its labels, batch × sequence floats each
        long batchBytes = 8L * plan.hyperparameters().batchSize() * plan.hyperparameters().seqLength();
        long limit = step + Math.max(1, PLANNED_BYTES / batchBytes);
        long end = plan.roundEnd(step, toStep);
        while (end < toStep && end % plan.evalEvery() != 0 && plan.roundEnd(end, toStep) <= limit) {
            end = plan.roundEnd(end, toStep);
        }
        return (int) (end - step);
    }

    @Override
    public int fit(JavaRDD<DataSet> batches, long firstStep, StepMetricsListener listener) {
        ShippedState start = ShippedState.of(sc, state(), seeded);
        try {
            // straight to SparkContext.runJob: the Java API would wrap the task in Scala closures, which Spark's
            // closure cleaner re-reads from their class files at every job (about 20 ms a tiny trial's job)
            TrainedRounds[] trained = (TrainedRounds[]) sc.sc().runJob(batches.rdd(), new RoundsTask(configuration,
                    start, firstStep, plan.averagingFrequency(), plan.hyperparameters().seqLength(), vocabSize,
                    taskNanos, listener), ClassTag$.MODULE$.apply(TrainedRounds.class));
            if (trained.length != 1) {
                throw new IllegalStateException("a one-worker fit returned " + trained.length + " models");
            }
            net.params().assign(trained[0].model().params());
            updaterState = trained[0].model().updaterState();
            score = trained[0].score();
            seeded = false;
            return trained[0].steps();
        } finally {
            start.release();
        }
    }

    @Override
    public ComputationGraph network() {
        return net;
    }

    @Override
    public double score() {
        return score;
    }

    /** A lone worker's rounds are taken as they are: no outer optimizer, no outer state. */
    @Override
    public ModelState state() {
        return new ModelState(net.params(), updaterState);
    }

    /** What a task sends back: the trained model, its score on the last minibatch, and the steps it took. */
    record TrainedRounds(ModelState model, double score, int steps) implements Serializable {
    }

    /**
     * The rounds on the executor, on the GPU Spark assigned the task if any: the model rebuilt from the configuration
     * and initialised with the starting state.
     */
    private record RoundsTask(String configuration, ShippedState start, long firstStep, int averagingFrequency,
                              int seqLength, int vocabSize, long taskNanos, StepMetricsListener listener)
            implements Function2<TaskContext, scala.collection.Iterator<DataSet>, TrainedRounds>, Serializable {

        @Override
        public TrainedRounds apply(TaskContext task, scala.collection.Iterator<DataSet> partition) {
            long began = System.nanoTime();
            TaskGpu.bind(task);
            Iterator<DataSet> minibatches = JavaConverters.asJavaIterator(partition);
            ComputationGraphConfiguration conf = ComputationGraphConfiguration.fromJson(configuration);
            // the schedule and Adam's bias correction go on from the trial's global step
            conf.setIterationCount((int) firstStep);
            ComputationGraph worker = new ComputationGraph(conf);
            start.initialise(worker);
            worker.setListeners(listener);
            int steps = 0;
            while (minibatches.hasNext()) {
                worker.fit(minibatches.next());
                steps++;
                long step = firstStep + steps;
                if (minibatches.hasNext() && step % averagingFrequency == 0 && (System.nanoTime() - began
                        >= taskNanos || TrialRunner.divergence(worker.score() / seqLength, step,
                        vocabSize).isPresent())) {
                    listener.flush();
                    break;
                }
            }
            return new TrainedRounds(ModelState.of(worker), worker.score(), steps);
        }
    }
}
