package io.hpo.worker.model;

import java.util.Objects;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * One pre-LayerNorm GPT block: {@code x + attention(LN(x))}, then {@code x + MLP(LN(x))}. The attention is causal:
 * an additive [T, T] mask of -1e9 above the diagonal, so position t only attends to positions up to t. DL4J's own
 * attention layers have no causal mask, hence this layer; {@link CausalTransformerBlockImpl} computes it.
 *
 * <p>Input and output are DL4J recurrent activations {@code [batch, width, seqLength]}. Inside, tokens are rows of
 * a {@code [batch * seqLength, width]} matrix, so every projection is one plain matmul, and all heads of all
 * sequences share one batched matmul.
 *
 * <p>Parameter names carry no '_' (DL4J splits "layer_param" keys on it). Projection matrices are weight
 * parameters; biases and LayerNorm gains/biases are bias parameters, so weight decay only reaches the matrices.
 */
public class CausalTransformerBlock extends ExplicitGradientLayer {

    static final String LN_ATTN_GAIN = "lnAttnGain";
    static final String LN_ATTN_BIAS = "lnAttnBias";
    static final String QKV_WEIGHT = "qkvWeight";
    static final String QKV_BIAS = "qkvBias";
    static final String PROJ_WEIGHT = "projWeight";
    static final String PROJ_BIAS = "projBias";
    static final String LN_MLP_GAIN = "lnMlpGain";
    static final String LN_MLP_BIAS = "lnMlpBias";
    static final String UP_WEIGHT = "upWeight";
    static final String UP_BIAS = "upBias";
    static final String DOWN_WEIGHT = "downWeight";
    static final String DOWN_BIAS = "downBias";

    /** GPT-2's initialisation scale for projection matrices. */
    static final double INIT_STD = 0.02;

    @JsonProperty("width")
    private int width;
    @JsonProperty("heads")
    private int heads;
    @JsonProperty("mlpMultiplier")
    private int mlpMultiplier;
    @JsonProperty("seqLength")
    private int seqLength;

    /** For JSON deserialisation. */
    protected CausalTransformerBlock() {
    }

    public CausalTransformerBlock(int width, int heads, int mlpMultiplier, int seqLength) {
        if (width < 1 || heads < 1 || width % heads != 0 || mlpMultiplier < 1 || seqLength < 1) {
            throw new IllegalArgumentException("invalid block: width=" + width + ", heads=" + heads
                    + " (must divide width), mlpMultiplier=" + mlpMultiplier + ", seqLength=" + seqLength);
        }
        this.width = width;
        this.heads = heads;
        this.mlpMultiplier = mlpMultiplier;
        this.seqLength = seqLength;
    }

    @Override
    ParamLayout paramLayout() {
        long hidden = (long) width * mlpMultiplier;
        return new ParamLayout()
                .bias(LN_ATTN_GAIN, width, ParamLayout.Init.ONES)
                .bias(LN_ATTN_BIAS, width, ParamLayout.Init.ZEROS)
                .weight(QKV_WEIGHT, width, 3L * width)
                .bias(QKV_BIAS, 3L * width, ParamLayout.Init.ZEROS)
                .weight(PROJ_WEIGHT, width, width)
                .bias(PROJ_BIAS, width, ParamLayout.Init.ZEROS)
                .bias(LN_MLP_GAIN, width, ParamLayout.Init.ONES)
                .bias(LN_MLP_BIAS, width, ParamLayout.Init.ZEROS)
                .weight(UP_WEIGHT, width, hidden)
                .bias(UP_BIAS, hidden, ParamLayout.Init.ZEROS)
                .weight(DOWN_WEIGHT, hidden, width)
                .bias(DOWN_BIAS, width, ParamLayout.Init.ZEROS);
    }

    @Override
    ExplicitGradientLayerImpl<?> newLayer(NeuralNetConfiguration conf, DataType networkDataType) {
        return new CausalTransformerBlockImpl(conf, networkDataType);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.recurrent(width, seqLength);
    }

    public int getWidth() {
        return width;
    }

    public int getHeads() {
        return heads;
    }

    public int getMlpMultiplier() {
        return mlpMultiplier;
    }

    public int getSeqLength() {
        return seqLength;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CausalTransformerBlock b && super.equals(o) && b.width == width && b.heads == heads
                && b.mlpMultiplier == mlpMultiplier && b.seqLength == seqLength;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), width, heads, mlpMultiplier, seqLength);
    }
}
