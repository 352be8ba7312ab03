package io.hpo.worker.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The running side of an {@link ExplicitGradientLayer}: subclasses compute the forward pass, keeping what the
 * backward pass needs, and the backward pass, writing parameter gradients into {@link #gradientView}.
 *
 * <p>The forward pass runs in DL4J's activations workspace, which stays open until the backward pass of the same
 * step has run, so the intermediates kept for it stay valid without copies.
 */
abstract class ExplicitGradientLayerImpl<C extends ExplicitGradientLayer> extends BaseLayer<C> {

    /** Whether the last forward pass was a training one, whose intermediates {@link #backward} may use. */
    private boolean forwardKept;

    ExplicitGradientLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** The output for {@code input}; when {@code training}, also keeps what {@link #backward} will need. */
    abstract INDArray forward(INDArray input, boolean training);

    /** The gradient with respect to the last training input; fills every {@link #gradientView}. */
    abstract INDArray backward(INDArray outputGradient);

    /** Drops what {@link #forward} kept. */
    abstract void forgetForwardPass();

    INDArray gradientView(String param) {
        return gradientViews.get(param);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        forwardKept = training;
        try (MemoryWorkspace ignored = workspaceMgr.notifyScopeBorrowed(ArrayType.ACTIVATIONS)) {
            return forward(input, training);
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (!forwardKept) {
            throw new IllegalStateException("backward pass of " + layerConf().getLayerName()
                    + " without a training forward pass");
        }
        INDArray inputGradient = backward(epsilon);
        Gradient gradient = new DefaultGradient(gradientsFlattened);
        gradient.gradientForVariable().putAll(gradientViews);
        return new Pair<>(gradient, workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, inputGradient));
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clear() {
        super.clear();
        forwardKept = false;
        forgetForwardPass();
    }
}
