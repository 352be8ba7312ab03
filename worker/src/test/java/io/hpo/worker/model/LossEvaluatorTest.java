package io.hpo.worker.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import io.hpo.space.Hyperparameters;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

class LossEvaluatorTest {

    private static final int VOCAB = 13;

    @Test
    void equalsDl4jsPerSequenceScoreSpreadOverTheTokens() {
        // without weight decay DL4J's score is the same cross-entropy, summed over positions, averaged over sequences
        Hyperparameters hp = ModelFixtures.tiny(0, 0, 0);
        ComputationGraph net = TransformerModel.build(hp, VOCAB, 100, 3);
        DataSet batch = batch(hp, 3, 21);
        assertEquals(net.score(batch, false) / hp.seqLength(), LossEvaluator.meanTokenLoss(net, List.of(batch)), 1e-4);
    }

    @Test
    void weighsEveryTokenEquallyAcrossBatchesOfDifferentSizes() {
        Hyperparameters hp = ModelFixtures.tiny(0, 0, 0);
        ComputationGraph net = TransformerModel.build(hp, VOCAB, 100, 3);
        DataSet big = batch(hp, 3, 31);
        DataSet small = batch(hp, 1, 41);
        double expected = (LossEvaluator.meanTokenLoss(net, List.of(big)) * 3
                + LossEvaluator.meanTokenLoss(net, List.of(small))) / 4;
        assertEquals(expected, LossEvaluator.meanTokenLoss(net, List.of(big, small)), 1e-9);
    }

    @Test
    void untrainedModelIsNearUniform() {
        Hyperparameters hp = ModelFixtures.tiny(0, 0, 0);
        ComputationGraph net = TransformerModel.build(hp, VOCAB, 100, 3);
        assertEquals(Math.log(VOCAB), LossEvaluator.meanTokenLoss(net, List.of(batch(hp, 4, 51))), 0.1);
    }

    @Test
    void refusesNoBatches() {
        ComputationGraph net = TransformerModel.build(ModelFixtures.tiny(0, 0, 0), VOCAB, 100, 3);
        assertThrows(IllegalArgumentException.class, () -> LossEvaluator.meanTokenLoss(net, List.of()));
    }

    private static DataSet batch(Hyperparameters hp, int size, long seed) {
        INDArray features = ModelFixtures.randomTokens(size, hp.seqLength(), VOCAB, seed);
        INDArray labels = ModelFixtures.randomTokens(size, hp.seqLength(), VOCAB, seed + 1)
                .reshape(size, 1, hp.seqLength());
        return new DataSet(features, labels);
    }
}
