package io.hpo.worker.model;

import static io.hpo.worker.model.CausalTransformerBlock.DOWN_BIAS;
import static io.hpo.worker.model.CausalTransformerBlock.DOWN_WEIGHT;
import static io.hpo.worker.model.CausalTransformerBlock.LN_ATTN_BIAS;
import static io.hpo.worker.model.CausalTransformerBlock.LN_ATTN_GAIN;
import static io.hpo.worker.model.CausalTransformerBlock.LN_MLP_BIAS;
import static io.hpo.worker.model.CausalTransformerBlock.LN_MLP_GAIN;
import static io.hpo.worker.model.CausalTransformerBlock.PROJ_BIAS;
import static io.hpo.worker.model.CausalTransformerBlock.PROJ_WEIGHT;
import static io.hpo.worker.model.CausalTransformerBlock.QKV_BIAS;
import static io.hpo.worker.model.CausalTransformerBlock.QKV_WEIGHT;
import static io.hpo.worker.model.CausalTransformerBlock.UP_BIAS;
import static io.hpo.worker.model.CausalTransformerBlock.UP_WEIGHT;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The running {@link CausalTransformerBlock}. Tokens are rows; attention runs on {@code [batch * heads, seqLength,
 * headSize]} stacks, so each of its products is one batched matmul for all heads of all sequences.
 */
final class CausalTransformerBlockImpl extends ExplicitGradientLayerImpl<CausalTransformerBlock> {

    /** exp(-1e9 - max) is exactly 0 in float and double; unlike -inf it cannot turn into NaN. */
    private static final double MASKED = -1e9;
    /** The "quick GELU" x * sigmoid(1.702 x). */
    private static final double GELU_SCALE = 1.702;

    /** Kept from the training forward pass for the backward pass. */
    private record ForwardPass(long batch, RowLayerNorm.Normalised attnNorm, INDArray queries, INDArray keys,
                               INDArray values, INDArray attention, INDArray attended, RowLayerNorm.Normalised mlpNorm,
                               INDArray up, INDArray upSigmoid, INDArray activated) {
    }

    private ForwardPass pass;
    private INDArray causalMask;

    CausalTransformerBlockImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    INDArray forward(INDArray input, boolean training) {
        CausalTransformerBlock c = layerConf();
        long batch = input.size(0);
        long stacks = batch * c.getHeads();
        int seq = c.getSeqLength();
        int headSize = c.getWidth() / c.getHeads();
        INDArray x = SequenceRows.rows(input);

        RowLayerNorm.Normalised attnNorm = RowLayerNorm.forward(x, getParam(LN_ATTN_GAIN), getParam(LN_ATTN_BIAS));
        INDArray qkv = linear(attnNorm.out(), QKV_WEIGHT, QKV_BIAS)
                .reshape('c', batch, seq, 3, c.getHeads(), headSize)
                .permute(2, 0, 3, 1, 4).dup('c')
                .reshape('c', 3, stacks, seq, headSize);
        // the score scale folded into the queries: [T, headSize] per stack instead of [T, T]
        INDArray queries = qkv.slice(0).muli(1.0 / Math.sqrt(headSize));
        INDArray keys = qkv.slice(1);
        INDArray values = qkv.slice(2);
        INDArray scores = RowMatmul.product(queries, keys, false, true);
        scores.reshape('c', stacks, (long) seq * seq).addiRowVector(causalMask(input.dataType(), seq));
        INDArray attention = scores.reshape('c', stacks * seq, seq);
        Nd4j.exec(new SoftMax(attention, attention, 1));
        INDArray attended = RowMatmul.product(scores, values, false, false)
                .reshape('c', batch, c.getHeads(), seq, headSize)
                .permute(0, 2, 1, 3).dup('c')
                .reshape('c', batch * seq, c.getWidth());                // heads concatenated per token
        INDArray x1 = linear(attended, PROJ_WEIGHT, PROJ_BIAS).addi(x);

        RowLayerNorm.Normalised mlpNorm = RowLayerNorm.forward(x1, getParam(LN_MLP_GAIN), getParam(LN_MLP_BIAS));
        INDArray up = linear(mlpNorm.out(), UP_WEIGHT, UP_BIAS);
        INDArray upSigmoid = Transforms.sigmoid(up.mul(GELU_SCALE), false);
        INDArray activated = up.mul(upSigmoid);
        INDArray out = linear(activated, DOWN_WEIGHT, DOWN_BIAS).addi(x1);

        pass = training ? new ForwardPass(batch, attnNorm, queries, keys, values, scores, attended, mlpNorm, up,
                upSigmoid, activated) : null;
        return SequenceRows.sequences(out, batch);
    }

    @Override
    INDArray backward(INDArray outputGradient) {
        CausalTransformerBlock c = layerConf();
        long batch = pass.batch();
        long stacks = batch * c.getHeads();
        int seq = c.getSeqLength();
        int headSize = c.getWidth() / c.getHeads();
        INDArray dOut = SequenceRows.rows(outputGradient);

        INDArray dActivated = linearBackward(dOut, pass.activated(), DOWN_WEIGHT, DOWN_BIAS);
        // d/du [u * s(1.702 u)] = s * (1 + 1.702 u (1 - s))
        INDArray dUp = pass.upSigmoid().rsub(1).muli(pass.up()).muli(GELU_SCALE).addi(1)
                .muli(pass.upSigmoid()).muli(dActivated);
        INDArray dMlpNorm = linearBackward(dUp, pass.mlpNorm().out(), UP_WEIGHT, UP_BIAS);
        INDArray dX1 = RowLayerNorm.backward(dMlpNorm, pass.mlpNorm(), getParam(LN_MLP_GAIN),
                gradientView(LN_MLP_GAIN), gradientView(LN_MLP_BIAS)).addi(dOut);

        INDArray dAttended = linearBackward(dX1, pass.attended(), PROJ_WEIGHT, PROJ_BIAS)
                .reshape('c', batch, seq, c.getHeads(), headSize)
                .permute(0, 2, 1, 3).dup('c')
                .reshape('c', stacks, seq, headSize);
        INDArray dQkv = Nd4j.createUninitialized(dOut.dataType(), 3, stacks, seq, headSize);
        INDArray dScores = RowMatmul.product(dAttended, pass.values(), false, true);
        RowMatmul.into(pass.attention(), dAttended, true, false, dQkv.slice(2));
        // softmax backward, row by row: p * (dp - sum(dp * p))
        INDArray p = pass.attention().reshape('c', stacks * seq, seq);
        INDArray dp = dScores.reshape('c', stacks * seq, seq);
        dp.subiColumnVector(RowMatmul.rowSums(dp.mul(p))).muli(p);
        RowMatmul.into(dScores, pass.keys(), false, false, dQkv.slice(0));
        dQkv.slice(0).muli(1.0 / Math.sqrt(headSize));
        RowMatmul.into(dScores, pass.queries(), true, false, dQkv.slice(1));
        INDArray dQkvRows = dQkv.reshape('c', 3, batch, c.getHeads(), seq, headSize)
                .permute(1, 3, 0, 2, 4).dup('c')
                .reshape('c', batch * seq, 3L * c.getWidth());
        INDArray dAttnNorm = linearBackward(dQkvRows, pass.attnNorm().out(), QKV_WEIGHT, QKV_BIAS);
        INDArray dX = RowLayerNorm.backward(dAttnNorm, pass.attnNorm(), getParam(LN_ATTN_GAIN),
                gradientView(LN_ATTN_GAIN), gradientView(LN_ATTN_BIAS)).addi(dX1);
        return SequenceRows.sequences(dX, batch);
    }

    /** {@code in * W + b}. */
    private INDArray linear(INDArray in, String weight, String bias) {
        return RowMatmul.product(in, getParam(weight), false, false).addiRowVector(getParam(bias));
    }

    /** For {@code out = in * W + b}: writes W's and b's gradients, returns the gradient with respect to {@code in}. */
    private INDArray linearBackward(INDArray dOut, INDArray in, String weight, String bias) {
        RowMatmul.into(in, dOut, true, false, gradientView(weight));
        RowMatmul.columnSums(dOut, gradientView(bias));
        return RowMatmul.product(dOut, getParam(weight), false, true);
    }

    /** [1, T * T]: 0 where a query may see a key (key <= query), {@link #MASKED} above the diagonal. */
    private INDArray causalMask(DataType dataType, int seq) {
        if (causalMask == null || causalMask.dataType() != dataType) {
            // kept across steps, so outside the step's workspaces
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                INDArray mask = Nd4j.zeros(dataType, seq, seq);
                for (int query = 0; query < seq; query++) {
                    for (int key = query + 1; key < seq; key++) {
                        mask.putScalar(query, key, MASKED);
                    }
                }
                causalMask = mask.reshape('c', 1, (long) seq * seq);
            }
        }
        return causalMask;
    }

    @Override
    void forgetForwardPass() {
        pass = null;
    }
}
