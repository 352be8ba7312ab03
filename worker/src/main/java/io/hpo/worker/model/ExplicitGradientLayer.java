package io.hpo.worker.model;

import java.util.Collection;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of a layer whose forward and backward passes are written out as ND4J operations
 * ({@link ExplicitGradientLayerImpl}). DL4J's {@code SameDiffLayer} would derive the backward pass, but it runs the
 * layer's forward pass a second time inside every gradient computation and adds a graph executor's bookkeeping to
 * each of the many small operations of a block: together about half of a training step (issue #7).
 *
 * <p>Being a {@link BaseLayer}, it takes the network's updater and gradient normalisation; its weight parameters
 * take {@link #setRegularization} and its bias parameters {@link #setRegularizationBias}.
 */
public abstract class ExplicitGradientLayer extends BaseLayer {

    protected ExplicitGradientLayer() {
        // unset, as DL4J's layer builders leave them, so that the network's settings apply
        gradientNormalization = null;
        gradientNormalizationThreshold = Double.NaN;
    }

    /** The parameters, in their order in the flat parameter vector. */
    abstract ParamLayout paramLayout();

    /** A new running layer for this configuration, its parameters still unset. */
    abstract ExplicitGradientLayerImpl<?> newLayer(NeuralNetConfiguration conf, DataType networkDataType);

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray paramsView, boolean initializeParams,
                                                       DataType networkDataType) {
        ExplicitGradientLayerImpl<?> layer = newLayer(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(initializer().init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return paramLayout();
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        // sizes come from the constructor: these layers only accept the sequences they were built for
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long params = paramLayout().numParams(this);
        return new LayerMemoryReport.Builder(layerName, getClass(), inputType, getOutputType(-1, inputType))
                .standardMemory(params, params)
                .workingMemory(0, 0, 0, 0)
                .cacheMemory(0, 0)
                .build();
    }
}
