package io.hpo.worker.trial;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Keeps each worker's iteration count on the trial's global step. dl4j-spark (M2) builds every round's worker
 * network from a clone of the configuration, and {@code ComputationGraphConfiguration.clone()} drops the
 * iteration count: without this hook each round would restart the learning-rate warm-up and Adam's bias
 * correction at iteration 0. The driver sets the round's first step before each fit; the hook travels to the
 * workers with the round's job.
 */
final class GlobalStepHook implements TrainingHook {
    private int roundFirstIteration;
    private transient boolean applied;

    /** @param iteration 0-based global iteration of the round's first step */
    void startRoundAt(int iteration) {
        roundFirstIteration = iteration;
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        apply(model);
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        apply(model);
    }

    private void apply(Model model) {
        // only before the round's first update: the network counts on from there by itself
        if (!applied) {
            ((ComputationGraph) model).getConfiguration().setIterationCount(roundFirstIteration);
            applied = true;
        }
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
    }
}
