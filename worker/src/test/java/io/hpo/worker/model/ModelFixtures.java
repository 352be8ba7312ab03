package io.hpo.worker.model;

import io.hpo.space.Hyperparameters;
import io.hpo.space.Optimizer;
import io.hpo.space.Schedule;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/** Small configurations and inputs shared by the model tests. */
final class ModelFixtures {

    private ModelFixtures() {
    }

    static Hyperparameters tiny(double dropout, double weightDecay, double gradClip) {
        return new Hyperparameters(1e-3, 10, Schedule.COSINE, 4, dropout, weightDecay, 2, 16, 4, 2, 8,
                Optimizer.ADAM, gradClip);
    }

    /** Random token ids {@code [batch, seqLength]} in {@code [0, vocabSize)}. */
    static INDArray randomTokens(int batch, int seqLength, int vocabSize, long seed) {
        Random rnd = new Random(seed);
        INDArray tokens = Nd4j.zeros(DataType.FLOAT, batch, seqLength);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < seqLength; t++) {
                tokens.putScalar(b, t, rnd.nextInt(vocabSize));
            }
        }
        return tokens;
    }
}
