package io.hpo.worker.outer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Nesterov momentum on the round's averaged change, as DiLoCo's outer step and PyTorch's {@code SGD(nesterov=True)}:
 * with the outer gradient {@code g = start - average},
 * <pre>
 *   v    = momentum * v + g
 *   next = start - learningRate * (g + momentum * v)
 * </pre>
 * {@code v} starts at zero, so the first round steps {@code learningRate * (1 + momentum)} times the averaged change.
 * Parameters the workers did not change (frozen layers) get {@code g = 0} in every round, so stay bit-identical.
 * <p>
 * Paper: Douillard et al., "DiLoCo: Distributed Low-Communication Training of Language Models", arXiv:2311.08105.
 */
final class NesterovMomentum implements OuterOptimizer {

    private final double learningRate;
    private final double momentum;
    private INDArray velocity;

    /** @param velocity where an earlier run's rounds left it (not changed), or null to start at zero */
    NesterovMomentum(double learningRate, double momentum, INDArray velocity) {
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.velocity = velocity == null ? null : velocity.dup();
    }

    @Override
    public void step(INDArray start, INDArray average) {
        // one temporary the size of the model (the driver holds start and velocity already): g, then the step
        INDArray step = start.sub(average);
        velocity = velocity == null ? step.dup() : velocity.muli(momentum).addi(step);
        Nd4j.getBlasWrapper().level1().axpy(step.length(), momentum, velocity, step);
        start.sub(step.muli(learningRate), average);
    }

    @Override
    public boolean needsStart() {
        return true;
    }

    @Override
    public INDArray state() {
        return velocity;
    }
}
