package io.hpo.worker.model;

import io.hpo.space.Hyperparameters;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static io.hpo.space.Hyperparameter.BATCH_SIZE;
import static io.hpo.space.Hyperparameter.DROPOUT;
import static io.hpo.space.Hyperparameter.GRAD_CLIP;
import static io.hpo.space.Hyperparameter.MLP_MULTIPLIER;
import static io.hpo.space.Hyperparameter.SEQ_LENGTH;
import static io.hpo.space.Hyperparameter.WEIGHT_DECAY;
import static io.hpo.space.Hyperparameter.WIDTH;

/** Small configurations and inputs shared by the model tests. */
final class ModelFixtures {

    private ModelFixtures() {
    }

    static Hyperparameters tiny(double dropout, double weightDecay, double gradClip) {
        return Hyperparameters.builder().set(BATCH_SIZE, 4).set(DROPOUT, dropout).set(WEIGHT_DECAY, weightDecay)
                .set(WIDTH, 16).set(MLP_MULTIPLIER, 2).set(SEQ_LENGTH, 8).set(GRAD_CLIP, gradClip).build();
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
