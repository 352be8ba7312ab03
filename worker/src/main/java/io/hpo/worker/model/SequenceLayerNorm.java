package io.hpo.worker.model;

import java.util.Map;
import java.util.Objects;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * LayerNorm over the channels of each position of {@code [batch, width, seqLength]} activations: the final norm of
 * a pre-LN transformer. Gain and bias are bias parameters, so weight decay leaves them alone.
 */
public class SequenceLayerNorm extends SameDiffLayer {

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
    public void defineParameters(SDLayerParams params) {
        params.addBiasParam(GAIN, width);
        params.addBiasParam(BIAS, width);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        params.get(GAIN).assign(1);
        params.get(BIAS).assign(0);
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable layerInput, Map<String, SDVariable> params,
                                  SDVariable mask) {
        return DoubledGradientCompensation.layerOutput(sd,
                sd.nn.layerNorm(layerInput, params.get(GAIN), params.get(BIAS), true, 1));
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
