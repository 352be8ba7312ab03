package io.hpo.worker.trial;

import io.hpo.worker.gpu.TaskGpu;
import io.hpo.worker.outer.OuterOptimizer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;

/**
 * Rounds of several workers through dl4j-spark's parameter averaging ({@link SparkComputationGraph}): every worker
 * takes the round's steps from the same parameters, the driver averages them and applies the trial's
 * {@link OuterOptimizer} to the average.
 */
final class AveragedRounds implements RoundTraining {
    private final SparkComputationGraph sparkNet;
    private final RoundTrainingMaster master;
    private final GlobalStepHook globalStep = new GlobalStepHook();
    private final OuterOptimizer outer;
    private final TrialPlan plan;

    /** @param outerState the outer optimizer's state an earlier interval ended with, null to start afresh */
    AveragedRounds(JavaSparkContext sc, ComputationGraph net, TrialPlan plan, INDArray outerState) {
        this.plan = plan;
        this.master = trainingMaster(plan, globalStep);
        this.sparkNet = new SparkComputationGraph(sc, net, master);
        this.outer = OuterOptimizer.of(plan.outerOptimizer(), plan.workers(), outerState);
    }

    /** One averaging round. */
    @Override
    public int plannedSteps(long step, long toStep) {
        return (int) (plan.roundEnd(step, toStep) - step);
    }

    @Override
    public int fit(JavaRDD<DataSet> round, long firstStep, StepMetricsListener listener) {
        globalStep.startRoundAt((int) firstStep);
        sparkNet.setListeners(List.of(listener));
        INDArray start = outer.needsStart() ? sparkNet.getNetwork().params().dup() : null;
        master.nextRound((long) plan.workers() * listener.roundSteps());
        sparkNet.fit(round.mapPartitions(new TaskGpu<>()));
        // the training master put the workers' average into the network's own parameter array
        if (start != null) {
            outer.step(start, sparkNet.getNetwork().params());
        }
        return listener.roundSteps();
    }

    @Override
    public ComputationGraph network() {
        return sparkNet.getNetwork();
    }

    @Override
    public double score() {
        return sparkNet.getScore();
    }

    @Override
    public ModelState state() {
        return ModelState.of(network()).withOuterState(outer.state());
    }

    private static RoundTrainingMaster trainingMaster(TrialPlan plan, GlobalStepHook globalStep) {
        int batch = plan.hyperparameters().batchSize();
        return new RoundTrainingMaster(new ParameterAveragingTrainingMaster.Builder(plan.workers(), batch)
                .batchSizePerWorker(batch)
                .averagingFrequency(plan.averagingFrequency())
                .workerPrefetchNumBatches(0)
                // each round's data already gives each worker exactly its share; rebalancing would make shares uneven
                .repartionData(Repartition.Never)
                // Adam's moments are averaged with the parameters: measured against restarting them each round
                // (README, Data-parallel trials), which acts as a larger learning rate early in every round
                .saveUpdater(true)
                // Export writes batches to a shared filesystem first; Direct suits batches built on the driver
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                // no cache: the training task computes its partition itself, so TaskGpu binds that task's thread
                .storageLevel(null)
                .collectTrainingStats(false)
                .rngSeed(plan.seed())
                .trainingHooks(globalStep));
    }
}
