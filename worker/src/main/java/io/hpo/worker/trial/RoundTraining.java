package io.hpo.worker.trial;

import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

/**
 * How a trial's rounds train on Spark: each {@link #fit} is one Spark job over the round's minibatches, after which
 * the driver's {@link #network()} holds the trained parameters (for evaluation, the next round and the checkpoint).
 */
interface RoundTraining {

    /**
     * Trains one round.
     *
     * @param round     the round's minibatches, one partition per worker
     * @param firstStep 0-based global step of the round's first minibatch
     * @param listener  runs in each worker, publishing its steps
     */
    void fit(JavaRDD<DataSet> round, long firstStep, StepMetricsListener listener);

    /** The driver's model, holding the parameters the last round ended with. */
    ComputationGraph network();

    /** The last round's training score as DL4J reports it (a sequence's loss summed over its time steps). */
    double score();
}
