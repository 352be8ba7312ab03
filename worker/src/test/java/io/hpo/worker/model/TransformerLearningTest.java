package io.hpo.worker.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import io.hpo.space.Hyperparameters;
import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.data.QuestionFormationCorpus;
import io.hpo.worker.data.TokenBatches;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import static io.hpo.space.Hyperparameter.LEARNING_RATE;
import static io.hpo.space.Hyperparameter.SEQ_LENGTH;
import static io.hpo.space.Hyperparameter.WARMUP_STEPS;
import static io.hpo.space.Hyperparameter.WEIGHT_DECAY;
import static io.hpo.space.Hyperparameter.WIDTH;

/** End to end without Spark: the demo corpus, random windows, plain fit, validation loss. */
class TransformerLearningTest {

    private static final int STEPS = 300;

    @Test
    void learnsTheQuestionFormationCorpus() {
        CorpusSplit data = CorpusSplit.ofLines(QuestionFormationCorpus.generate(3000, 1), 0.1, 2);
        Hyperparameters hp = Hyperparameters.builder().set(LEARNING_RATE, 3e-3).set(WARMUP_STEPS, 20)
                .set(WEIGHT_DECAY, 0.01).set(WIDTH, 48).set(SEQ_LENGTH, 32).build();
        data.requireFits("the demo corpus", hp.seqLength(), hp.batchSize(), 8);
        int vocab = data.tokenizer().vocabSize();
        ComputationGraph net = TransformerModel.build(hp, vocab, STEPS, 3);
        List<DataSet> validation = TokenBatches.validationBatches(data.validation(), hp.seqLength(), hp.batchSize(), 8);
        double initial = LossEvaluator.meanTokenLoss(net, validation);

        Random windows = new Random(4);
        net.fit(TokenBatches.randomWindows(data.train(), hp.seqLength(), hp.batchSize(), windows)); // warm-up, untimed
        long start = System.nanoTime();
        for (int step = 1; step < STEPS; step++) {
            net.fit(TokenBatches.randomWindows(data.train(), hp.seqLength(), hp.batchSize(), windows));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double loss = LossEvaluator.meanTokenLoss(net, validation);

        double stepsPerSecond = (STEPS - 1) / seconds;
        System.out.printf("learning test: %d params, vocab %d, validation loss %.3f -> %.3f nats (ln V = %.3f), "
                        + "%.1f steps/s, %.0f tokens/s%n", net.numParams(), vocab, initial, loss, Math.log(vocab),
                stepsPerSecond, stepsPerSecond * hp.batchSize() * hp.seqLength());
        assertTrue(loss < 0.5 * Math.log(vocab), "validation loss " + loss + " not below half of ln V");
    }
}
