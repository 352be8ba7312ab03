package io.hpo.worker.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;

/**
 * Works around DL4J 1.0.0-M2.1 handing every {@code SameDiffLayer} twice the incoming gradient: both its parameter
 * gradients and the gradient it passes down come out doubled (measured against finite differences), so the
 * error compounds with depth (2^(layers + 2) at the token embedding). Adam hides a constant scale, but SGD,
 * Nesterov, RMSProp's epsilon and per-layer gradient clipping do not.
 *
 * <p>{@code y/2 + stopGradient(y)/2} equals {@code y} exactly in the forward pass (halving is exact in binary
 * floating point) and halves the gradient on the way back, which cancels the doubling.
 * {@code CausalTransformerBlockTest} checks the gradients numerically, so a fixed DL4J shows up as a failure there.
 */
final class DoubledGradientCompensation {

    private DoubledGradientCompensation() {
    }

    /** The layer output to return from {@code defineLayer}. */
    static SDVariable layerOutput(SameDiff sd, SDVariable y) {
        SDVariable constant = new StopGradient(sd, y).outputVariable();
        return y.mul(0.5).add(constant.mul(0.5));
    }
}
