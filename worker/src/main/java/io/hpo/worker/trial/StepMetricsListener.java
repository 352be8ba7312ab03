package io.hpo.worker.trial;

import io.hpo.events.StepMetric;
import io.hpo.events.StepSink;
import org.apache.spark.TaskContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

/**
 * Runs inside each Spark worker of a trial and publishes every optimizer step's training loss to a {@link StepSink}.
 * A fresh copy is shipped with every Spark job of the trial (the worker deserialises it), so it knows the job's
 * first global step and counts its own local steps: DL4J's iteration number restarts each round on workers.
 * After the job's last planned step it flushes (a task stopping earlier calls {@link #flush()}), so the task only
 * succeeds once its metrics are acknowledged.
 */
final class StepMetricsListener extends BaseTrainingListener implements java.io.Serializable {
    private final StepSink steps;
    private final String searchId;
    private final String trialId;
    private final int attempt;
    private final long roundFirstStep;
    private final int roundSteps;
    private final long tokensPerStep;
    private final int seqLength;
    private transient int localSteps;

    StepMetricsListener(StepSink steps, TrialPlan plan, long roundFirstStep, int roundSteps) {
        this.steps = steps;
        this.searchId = plan.searchId();
        this.trialId = plan.trialId();
        this.attempt = plan.attempt();
        this.roundFirstStep = roundFirstStep;
        this.roundSteps = roundSteps;
        this.tokensPerStep = plan.tokensPerStep();
        this.seqLength = plan.hyperparameters().seqLength();
    }

    /** Steps each worker is planned to take in the job. */
    int roundSteps() {
        return roundSteps;
    }

    /** Waits for the steps published so far: for a task that stops before its planned last step. */
    void flush() {
        steps.flush();
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        long step = roundFirstStep + localSteps;
        localSteps++;
        TaskContext task = TaskContext.get();
        int worker = task == null ? 0 : task.partitionId();
        ComputationGraph graph = (ComputationGraph) model;
        double lr = graph.getLearningRate(graph.getLayer(0).conf().getLayer().getLayerName());
        // DL4J scores a sequence output as the sum over its time steps, averaged over the minibatch: divide by the
        // sequence length so training loss is mean per-token nats, like the validation loss
        double loss = model.score() / seqLength;
        steps.publish(StepMetric.of(searchId, trialId, attempt, step, worker, step * tokensPerStep, lr, loss,
                System.currentTimeMillis()));
        if (localSteps == roundSteps) {
            steps.flush();
        }
    }
}
