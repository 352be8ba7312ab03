package io.hpo.worker.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** LayerNorm of each row of a {@code [tokens, width]} matrix, forward and backward. */
final class RowLayerNorm {

    /** PyTorch's default: keeps a row of equal values finite. */
    static final double EPSILON = 1e-5;

    /** The output, and what the backward pass needs. */
    record Normalised(INDArray out, INDArray standardised, INDArray inverseStd) {
    }

    private RowLayerNorm() {
    }

    /** {@code (x - mean) / sqrt(var + EPSILON) * gain + bias}, row by row; {@code gain} and {@code bias} [1, width]. */
    static Normalised forward(INDArray x, INDArray gain, INDArray bias) {
        INDArray centred = x.subColumnVector(RowMatmul.rowMeans(x));
        INDArray inverseStd = Transforms.pow(RowMatmul.rowMeans(centred.mul(centred)).addi(EPSILON), -0.5, false);
        INDArray standardised = centred.muliColumnVector(inverseStd);
        return new Normalised(standardised.mulRowVector(gain).addiRowVector(bias), standardised, inverseStd);
    }

    /** Writes the gain and bias gradients and returns the gradient with respect to {@code x}. */
    static INDArray backward(INDArray outGradient, Normalised n, INDArray gain, INDArray gainGradient,
                             INDArray biasGradient) {
        RowMatmul.columnSums(outGradient.mul(n.standardised()), gainGradient);
        RowMatmul.columnSums(outGradient, biasGradient);
        INDArray dStandardised = outGradient.mulRowVector(gain);
        INDArray meanGradient = RowMatmul.rowMeans(dStandardised);
        INDArray meanProjection = RowMatmul.rowMeans(dStandardised.mul(n.standardised()));
        return dStandardised.subiColumnVector(meanGradient)
                .subi(n.standardised().mulColumnVector(meanProjection))
                .muliColumnVector(n.inverseStd());
    }
}
