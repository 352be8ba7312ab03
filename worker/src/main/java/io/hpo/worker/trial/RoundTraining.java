package io.hpo.worker.trial;

import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

/**
 * How a trial's rounds train on Spark: each {@link #fit} is one Spark job over minibatches the driver drew, after
 * which the driver's {@link #network()} holds the trained parameters (for evaluation, the next fit and the checkpoint).
 * A fit ends at a round's end ({@link TrialPlan#roundEnd}), so divergence is judged and evaluations fall at the same
 * steps whichever way the rounds were run.
 */
interface RoundTraining {

    /** Steps the next fit is planned to take from global step {@code step} (0-based), ending at most at {@code toStep}. */
    int plannedSteps(long step, long toStep);

    /**
     * Trains from {@code firstStep}.
     *
     * @param batches   the planned steps' minibatches, one partition per worker, whose task is put on the GPU Spark
     *                  assigned it, if any ({@link io.hpo.worker.gpu.TaskGpu})
     * @param firstStep 0-based global step of the first minibatch
     * @param listener  runs in each worker, publishing its steps
     * @return the steps taken: the planned ones, or fewer, ending at a round's end, where a one-worker fit stopped
     */
    int fit(JavaRDD<DataSet> batches, long firstStep, StepMetricsListener listener);

    /** The driver's model, holding the parameters the last fit ended with. */
    ComputationGraph network();

    /** The last fit's training score as DL4J reports it (a sequence's loss summed over its time steps). */
    double score();

    /**
     * The model's parameters, its optimizer's state and its outer optimizer's state (null for none) after the last
     * fit: what a next interval goes on from.
     */
    ModelState state();
}
