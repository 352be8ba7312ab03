package io.hpo.worker.model;

import java.util.Objects;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * LayerNorm over the channels of each position of {@code [batch, width, seqLength]} activations: the final norm of
 * a pre-LN transformer. Gain and bias are bias parameters, so weight decay leaves them alone.
 */
public class SequenceLayerNorm extends ExplicitGradientLayer {

    static final String GAIN = "gain";
    static final String BIAS = "bias";

    @JsonProperty("width")
    private int width;

    /** For JSON deserialisation. */
    protected SequenceLayerNorm() {
    }

    public SequenceLayerNorm(int width) {
        if (width < 1) {
            throw new IllegalArgumentException("width must be >= 1, got " + width);
        }
        this.width = width;
    }

    @Override
    ParamLayout paramLayout() {
        return new ParamLayout().bias(GAIN, width, ParamLayout.Init.ONES).bias(BIAS, width, ParamLayout.Init.ZEROS);
    }

    @Override
    ExplicitGradientLayerImpl<?> newLayer(NeuralNetConfiguration conf, DataType networkDataType) {
        return new SequenceLayerNormImpl(conf, networkDataType);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return inputType;
    }

    public int getWidth() {
        return width;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SequenceLayerNorm n && super.equals(o) && n.width == width;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), width);
    }
}
