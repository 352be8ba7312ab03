package io.hpo.worker.trial;

import org.apache.spark.api.java.JavaRDDLike;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;

/**
 * dl4j-spark's parameter averaging, told each round's size instead of counting it. The stock master runs a Spark
 * {@code count()} job before every round to learn how many minibatches it was given; {@link TrialRunner} built the
 * round itself and knows, so that job was pure overhead (measured: about 6% of a tiny trial's slot time; the training
 * job is the rest).
 */
final class RoundTrainingMaster extends ParameterAveragingTrainingMaster {

    private long roundMinibatches;

    RoundTrainingMaster(Builder builder) {
        super(builder);
    }

    /** The number of minibatches the next {@code fit} gets. */
    void nextRound(long minibatches) {
        roundMinibatches = minibatches;
    }

    @Override
    protected <T, R extends JavaRDDLike<T, R>> long getTotalDataSetObjectCount(JavaRDDLike<T, R> trainingData) {
        return roundMinibatches;
    }
}
