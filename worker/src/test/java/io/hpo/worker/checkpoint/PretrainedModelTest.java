package io.hpo.worker.checkpoint;

import io.hpo.space.FineTuneMode;
import io.hpo.space.Hyperparameters;
import io.hpo.space.checkpoint.CheckpointManifest;
import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.data.DemoTask;
import io.hpo.worker.data.QuestionFormationCorpus;
import io.hpo.worker.data.TokenBatches;
import io.hpo.worker.model.LossEvaluator;
import io.hpo.worker.model.TransformerModel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.hpo.space.Hyperparameter.DROPOUT;
import static io.hpo.space.Hyperparameter.FINE_TUNE_MODE;
import static io.hpo.space.Hyperparameter.FROZEN_BLOCKS;
import static io.hpo.space.Hyperparameter.HEADS;
import static io.hpo.space.Hyperparameter.LEARNING_RATE;
import static io.hpo.space.Hyperparameter.MLP_MULTIPLIER;
import static io.hpo.space.Hyperparameter.SEQ_LENGTH;
import static io.hpo.space.Hyperparameter.WEIGHT_DECAY;
import static io.hpo.space.Hyperparameter.WIDTH;

/**
 * Fine-tuning without Spark: a model pretrained on question formation, saved as a checkpoint, then trained on
 * negation with parts of it frozen, or not at all, against the same model trained from scratch.
 */
class PretrainedModelTest {
    private static final int PRETRAIN_STEPS = 200;
    private static final int FINE_TUNE_STEPS = 60;

    @TempDir
    static Path dir;
    private static Path checkpoint;
    private static ComputationGraph pretrained;
    private static CorpusSplit negation;

    private static Hyperparameters hp(double learningRate, int frozenBlocks, FineTuneMode mode) {
        return Hyperparameters.builder().set(LEARNING_RATE, learningRate).set(DROPOUT, 0.1).set(WEIGHT_DECAY, 0.1)
                .set(WIDTH, 32).set(HEADS, 2).set(MLP_MULTIPLIER, 2).set(SEQ_LENGTH, 32)
                .set(FROZEN_BLOCKS, frozenBlocks).set(FINE_TUNE_MODE, mode).build();
    }

    @BeforeAll
    static void pretrainOnQuestionFormation() {
        CorpusSplit questions = CorpusSplit.ofLines(QuestionFormationCorpus.generate(2000, 1), 0.1, 1,
                QuestionFormationCorpus.tokenizer());
        negation = CorpusSplit.ofLines(QuestionFormationCorpus.generate(2000, 2, DemoTask.NEGATION), 0.1, 2,
                QuestionFormationCorpus.tokenizer());
        Hyperparameters base = hp(3e-3, 0, FineTuneMode.FULL);
        pretrained = TransformerModel.build(base, questions.tokenizer().vocabSize(), PRETRAIN_STEPS, 1);
        train(pretrained, questions, PRETRAIN_STEPS, 1);
        checkpoint = dir.resolve("pretrained.zip");
        CheckpointWriter.write(pretrained, new CheckpointManifest(base, questions.tokenizer().symbols(), "s", "t",
                PRETRAIN_STEPS, Double.NaN), checkpoint);
    }

    private static void train(ComputationGraph net, CorpusSplit data, int steps, long seed) {
        Random windows = new Random(seed);
        for (int i = 0; i < steps; i++) {
            net.fit(TokenBatches.randomWindows(data.train(), 32, 16, windows));
        }
    }

    private static double validationLoss(ComputationGraph net) {
        List<DataSet> batches = TokenBatches.validationBatches(negation.validation(), 32, 16, 8);
        return LossEvaluator.meanTokenLoss(net, batches);
    }

    private static ComputationGraph fineTune(Hyperparameters hp) {
        return PretrainedModel.fineTune(checkpoint, hp, negation.tokenizer().vocabSize(), FINE_TUNE_STEPS, 9);
    }

    @Test
    void theRestoredModelComputesWhatThePretrainedOneDid() {
        ComputationGraph restored = fineTune(hp(1e-3, 0, FineTuneMode.FULL));
        assertEquals(validationLoss(pretrained), validationLoss(restored), 1e-6);
    }

    @Test
    void frozenBlocksAndTheEmbeddingsKeepTheirWeightsBitForBit() {
        ComputationGraph net = fineTune(hp(1e-2, 1, FineTuneMode.FULL));
        train(net, negation, 10, 5);
        assertChangedExactly(net, Set.of("block1", TransformerModel.FINAL_NORM, TransformerModel.OUTPUT));
    }

    @Test
    void featureExtractionTrainsOnlyTheOutputHead() {
        ComputationGraph net = fineTune(hp(1e-2, 0, FineTuneMode.FEATURE_EXTRACTION));
        train(net, negation, 10, 5);
        assertChangedExactly(net, Set.of(TransformerModel.OUTPUT));
    }

    private static void assertChangedExactly(ComputationGraph net, Set<String> trained) {
        Map<String, Boolean> changed = new LinkedHashMap<>();
        for (String layer : List.of("tokenEmbedding", "positionEmbedding", "block0", "block1",
                TransformerModel.FINAL_NORM, TransformerModel.OUTPUT)) {
            INDArray before = pretrained.getLayer(layer).params();
            INDArray after = net.getLayer(layer).params();
            changed.put(layer, !before.equals(after));
        }
        changed.forEach((layer, moved) -> assertEquals(trained.contains(layer), moved,
                layer + (moved ? " changed" : " did not change") + "; changed: " + changed));
    }

    @Test
    void fineTuningBeatsTrainingFromScratchAtTheSameStepBudget() {
        Hyperparameters scratchHp = hp(3e-3, 0, FineTuneMode.FULL);
        ComputationGraph scratch = TransformerModel.build(scratchHp, negation.tokenizer().vocabSize(),
                FINE_TUNE_STEPS, 9);
        train(scratch, negation, FINE_TUNE_STEPS, 7);
        ComputationGraph tuned = fineTune(scratchHp);
        train(tuned, negation, FINE_TUNE_STEPS, 7);
        double fromScratch = validationLoss(scratch);
        double fineTuned = validationLoss(tuned);
        System.out.printf("negation after %d steps: from scratch %.4f, fine-tuned from question formation %.4f nats%n",
                FINE_TUNE_STEPS, fromScratch, fineTuned);
        assertTrue(fineTuned < fromScratch, "fine-tuned " + fineTuned + " not below from scratch " + fromScratch);
    }
}
