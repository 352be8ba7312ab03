package io.hpo.worker.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

/** The running {@link LearnedPositionEmbedding}: the same [width, seqLength] added to every sequence. */
final class LearnedPositionEmbeddingImpl extends ExplicitGradientLayerImpl<LearnedPositionEmbedding> {

    LearnedPositionEmbeddingImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    INDArray forward(INDArray input, boolean training) {
        INDArray out = Nd4j.createUninitialized(input.dataType(), input.shape(), 'c');
        return Nd4j.exec(new BroadcastAddOp(input, getParam(LearnedPositionEmbedding.POSITIONS), out, 1, 2));
    }

    @Override
    INDArray backward(INDArray outputGradient) {
        INDArray positions = gradientView(LearnedPositionEmbedding.POSITIONS);
        RowMatmul.columnSums(outputGradient.reshape('c', outputGradient.size(0), positions.length()),
                positions.reshape('c', 1, positions.length()));
        return outputGradient.dup();
    }

    @Override
    void forgetForwardPass() {
        // the backward pass needs nothing from the forward pass
    }
}
