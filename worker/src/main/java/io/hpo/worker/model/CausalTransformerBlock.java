package io.hpo.worker.model;

import java.util.Map;
import java.util.Objects;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * One pre-LayerNorm GPT block: {@code x + attention(LN(x))}, then {@code x + MLP(LN(x))}. The attention is causal:
 * an additive [T, T] mask of -1e9 above the diagonal, so position t only attends to positions up to t. DL4J's own
 * attention layers have no causal mask, hence this SameDiff layer.
 *
 * <p>Input and output are DL4J recurrent activations {@code [batch, width, seqLength]}. Inside, tokens are rows of
 * a {@code [batch * seqLength, width]} matrix, so every projection is one plain matmul.
 *
 * <p>Parameter names carry no '_' (DL4J splits "layer_param" keys on it). Projection matrices are weight
 * parameters; biases and LayerNorm gains/biases are bias parameters, so weight decay only reaches the matrices.
 */
public class CausalTransformerBlock extends SameDiffLayer {

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
    /** exp(-1e9 - max) is exactly 0 in float and double, unlike -inf it cannot turn into NaN in backprop. */
    private static final double MASKED = -1e9;

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
    public void defineParameters(SDLayerParams params) {
        long hidden = (long) width * mlpMultiplier;
        params.addBiasParam(LN_ATTN_GAIN, width);
        params.addBiasParam(LN_ATTN_BIAS, width);
        params.addWeightParam(QKV_WEIGHT, width, 3L * width);
        params.addBiasParam(QKV_BIAS, 3L * width);
        params.addWeightParam(PROJ_WEIGHT, width, width);
        params.addBiasParam(PROJ_BIAS, width);
        params.addBiasParam(LN_MLP_GAIN, width);
        params.addBiasParam(LN_MLP_BIAS, width);
        params.addWeightParam(UP_WEIGHT, width, hidden);
        params.addBiasParam(UP_BIAS, hidden);
        params.addWeightParam(DOWN_WEIGHT, hidden, width);
        params.addBiasParam(DOWN_BIAS, width);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        for (Map.Entry<String, INDArray> p : params.entrySet()) {
            String name = p.getKey();
            if (name.equals(LN_ATTN_GAIN) || name.equals(LN_MLP_GAIN)) {
                p.getValue().assign(1);
            } else if (getLayerParams().isWeightParam(name)) {
                LayerInit.normal(p.getValue(), INIT_STD);
            } else {
                p.getValue().assign(0);
            }
        }
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable layerInput, Map<String, SDVariable> params,
                                  SDVariable mask) {
        long headSize = width / heads;
        SDVariable x = layerInput.permute(0, 2, 1).reshape(-1, width);

        SDVariable h = sd.nn.layerNorm(x, params.get(LN_ATTN_GAIN), params.get(LN_ATTN_BIAS), false, 1);
        SDVariable qkv = sd.nn.linear(h, params.get(QKV_WEIGHT), params.get(QKV_BIAS))
                .reshape(-1, seqLength, 3, heads, headSize)
                .permute(2, 0, 3, 1, 4);                                   // [3, B, heads, T, headSize]
        SDVariable[] qkvParts = sd.unstack(qkv, 0, 3);
        SDVariable scores = sd.mmul(qkvParts[0], qkvParts[1], false, true, false)
                .mul(1.0 / Math.sqrt(headSize))
                .add(sd.constant("causalMask", causalMask(layerInput)));    // [B, heads, T, T]
        SDVariable attended = sd.mmul(sd.nn.softmax(scores, 3), qkvParts[2])
                .permute(0, 2, 1, 3)
                .reshape(-1, width);                                        // heads concatenated per token
        x = x.add(sd.nn.linear(attended, params.get(PROJ_WEIGHT), params.get(PROJ_BIAS)));

        SDVariable m = sd.nn.layerNorm(x, params.get(LN_MLP_GAIN), params.get(LN_MLP_BIAS), false, 1);
        // gelu is x * sigmoid(1.702 x) ("quick GELU"); M2.1's preciseGelu drops the 0.044715 x^3 term of the
        // tanh form and is further from the exact GELU
        m = sd.nn.gelu(sd.nn.linear(m, params.get(UP_WEIGHT), params.get(UP_BIAS)));
        x = x.add(sd.nn.linear(m, params.get(DOWN_WEIGHT), params.get(DOWN_BIAS)));

        return DoubledGradientCompensation.layerOutput(sd, x.reshape(-1, seqLength, width).permute(0, 2, 1));
    }

    private INDArray causalMask(SDVariable layerInput) {
        INDArray mask = Nd4j.zeros(layerInput.dataType(), seqLength, seqLength);
        for (int query = 0; query < seqLength; query++) {
            for (int key = query + 1; key < seqLength; key++) {
                mask.putScalar(query, key, MASKED);
            }
        }
        return mask;
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

    /** Parameters of one block, as {@link #defineParameters} lays them out. */
    public static long parameterCount(int width, int mlpMultiplier) {
        long hidden = (long) width * mlpMultiplier;
        long layerNorms = 4L * width;
        long attention = 3L * width * width + 3L * width + (long) width * width + width;
        long mlp = width * hidden + hidden + hidden * width + width;
        return layerNorms + attention + mlp;
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
