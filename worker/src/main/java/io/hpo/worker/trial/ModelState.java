package io.hpo.worker.trial;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.Serializable;

/**
 * A model's parameters and its optimizer's state (null for an optimizer without state, or one that has not stepped
 * yet): what a one-worker round ships to its task and back, and what a population member carries from one interval
 * to the next, then with its outer optimizer's state ({@code outerState}, null for none: one worker, plain
 * averaging, or no round yet).
 */
public record ModelState(INDArray params, INDArray updaterState, INDArray outerState) implements Serializable {

    public ModelState(INDArray params, INDArray updaterState) {
        this(params, updaterState, null);
    }

    /** The network's own arrays, not copies: take it from a network that is not trained on afterwards. */
    public static ModelState of(ComputationGraph net) {
        return new ModelState(net.params(), net.getUpdater().getStateViewArray());
    }

    public ModelState withOuterState(INDArray state) {
        return new ModelState(params, updaterState, state);
    }

    /** Copies this state into {@code net}, which must have the same architecture and optimizer. */
    public void applyTo(ComputationGraph net) {
        net.params().assign(params);
        if (updaterState != null) {
            net.getUpdater().getStateViewArray().assign(updaterState);
        }
    }
}
