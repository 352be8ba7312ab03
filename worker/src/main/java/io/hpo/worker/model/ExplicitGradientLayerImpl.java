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
        try (MemoryWorkspace ignored = workspaceMgr.notifyScopeBorrowed(ArrayType.ACTIVATIONS)) {
            return forward(input, training);
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray inputGradient = backward(epsilon);
        Gradient gradient = new DefaultGradient(gradientsFlattened);
        for (String param : layerConf().initializer().paramKeys(layerConf())) {
            gradient.gradientForVariable().put(param, gradientViews.get(param));
        }
        return new Pair<>(gradient, workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, inputGradient));
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clear() {
        super.clear();
        forgetForwardPass();
    }
}
