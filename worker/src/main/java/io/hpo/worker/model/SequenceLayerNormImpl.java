package io.hpo.worker.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The running {@link SequenceLayerNorm}. */
final class SequenceLayerNormImpl extends ExplicitGradientLayerImpl<SequenceLayerNorm> {

    private RowLayerNorm.Normalised pass;

    SequenceLayerNormImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    INDArray forward(INDArray input, boolean training) {
        RowLayerNorm.Normalised n = RowLayerNorm.forward(SequenceRows.rows(input),
                getParam(SequenceLayerNorm.GAIN), getParam(SequenceLayerNorm.BIAS));
        pass = training ? n : null;
        return SequenceRows.sequences(n.out(), input.size(0));
    }

    @Override
    INDArray backward(INDArray outputGradient) {
        INDArray dx = RowLayerNorm.backward(SequenceRows.rows(outputGradient), pass,
                getParam(SequenceLayerNorm.GAIN), gradientView(SequenceLayerNorm.GAIN),
                gradientView(SequenceLayerNorm.BIAS));
        return SequenceRows.sequences(dx, outputGradient.size(0));
    }

    @Override
    void forgetForwardPass() {
        pass = null;
    }
}
