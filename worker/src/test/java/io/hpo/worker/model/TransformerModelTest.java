package io.hpo.worker.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hpo.space.ModelSize;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import io.hpo.space.Hyperparameter;
import io.hpo.space.Hyperparameters;
import io.hpo.space.Optimizer;
import io.hpo.space.Schedule;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.WeightDecay;

import static io.hpo.space.Hyperparameter.BATCH_SIZE;
import static io.hpo.space.Hyperparameter.GRAD_CLIP;
import static io.hpo.space.Hyperparameter.LAYERS;
import static io.hpo.space.Hyperparameter.LEARNING_RATE;
import static io.hpo.space.Hyperparameter.MLP_MULTIPLIER;
import static io.hpo.space.Hyperparameter.OPTIMIZER;
import static io.hpo.space.Hyperparameter.SCHEDULE;
import static io.hpo.space.Hyperparameter.SEQ_LENGTH;
import static io.hpo.space.Hyperparameter.WARMUP_STEPS;
import static io.hpo.space.Hyperparameter.WIDTH;

class TransformerModelTest {

    private static final int VOCAB = 11;

    @Test
    void outputIsADistributionOverTheVocabularyPerPosition() {
        Hyperparameters hp = ModelFixtures.tiny(0, 0, 0);
        ComputationGraph net = TransformerModel.build(hp, VOCAB, 100, 1);
        INDArray out = net.outputSingle(false, ModelFixtures.randomTokens(3, hp.seqLength(), VOCAB, 2));
        assertArrayEquals(new long[] {3, VOCAB, hp.seqLength()}, out.shape());
        INDArray sums = out.sum(1);
        for (int i = 0; i < sums.length(); i++) {
            assertEquals(1.0, sums.getDouble(i), 1e-5);
        }
    }

    @Test
    void futureTokensDoNotChangeEarlierOutputs() {
        Hyperparameters hp = ModelFixtures.tiny(0, 0, 0);
        ComputationGraph net = TransformerModel.build(hp, VOCAB, 100, 1);
        INDArray tokens = ModelFixtures.randomTokens(2, hp.seqLength(), VOCAB, 5);
        int changed = 4;
        INDArray edited = tokens.dup();
        edited.putScalar(0, changed, (tokens.getInt(0, changed) + 1) % VOCAB);

        INDArray before = net.outputSingle(false, tokens);
        INDArray after = net.outputSingle(false, edited);

        assertEquals(positions(before, 0, changed), positions(after, 0, changed),
                "outputs before the edited position must be bit-identical");
        assertNotEquals(positions(before, changed, hp.seqLength()), positions(after, changed, hp.seqLength()),
                "the edited position must matter from there on");
        assertEquals(before.get(NDArrayIndex.point(1)), after.get(NDArrayIndex.point(1)),
                "other sequences in the batch are independent");
    }

    @Test
    void savedAndRestoredModelGivesIdenticalOutputsAndKeepsTrainingIdentically(@TempDir Path dir)
            throws IOException {
        Hyperparameters hp = ModelFixtures.tiny(0, 0.01, 1.0);
        ComputationGraph net = TransformerModel.build(hp, VOCAB, 100, 1);
        DataSet batch = batch(hp, 7);
        net.fit(batch);
        File file = dir.resolve("model.zip").toFile();
        ModelSerializer.writeModel(net, file, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);

        INDArray probe = ModelFixtures.randomTokens(2, hp.seqLength(), VOCAB, 8);
        assertEquals(net.outputSingle(false, probe), restored.outputSingle(false, probe));
        // the same next step needs the updater state, schedule and iteration count to have survived
        net.fit(batch);
        restored.fit(batch);
        assertEquals(net.outputSingle(false, probe), restored.outputSingle(false, probe));
    }

    @Test
    void configurationSurvivesJson() {
        ComputationGraphConfiguration conf = TransformerModel.configuration(ModelFixtures.tiny(0.1, 0.01, 1.0),
                VOCAB, 100, 1);
        assertEquals(conf, ComputationGraphConfiguration.fromJson(conf.toJson()));
    }

    @Test
    void parameterCountMatchesTheBuiltNetwork() {
        Hyperparameters hp = ModelFixtures.tiny(0.1, 0.01, 1.0);
        assertEquals(TransformerModel.build(hp, VOCAB, 100, 1).numParams(), ModelSize.parameters(hp, VOCAB));
        assertEquals(VOCAB, ModelSize.vocabulary(hp, ModelSize.parameters(hp, VOCAB)), "N gives the vocabulary back");
        assertEquals(-1, ModelSize.vocabulary(hp, ModelSize.parameters(hp, VOCAB) + 1));
    }

    @Test
    void dropoutIsALayerBeforeEveryBlockWithTheRetainProbability() {
        ComputationGraphConfiguration conf = TransformerModel.configuration(ModelFixtures.tiny(0.25, 0, 0), VOCAB,
                100, 1);
        for (int i = 0; i < 2; i++) {
            Layer layer = layer(conf, "dropout" + i);
            assertInstanceOf(DropoutLayer.class, layer);
            assertEquals(0.75, ((Dropout) layer.getIDropout()).getP(), 1e-12);
            assertEquals(List.of("dropout" + i), conf.getVertexInputs().get("block" + i));
        }
        ComputationGraphConfiguration none = TransformerModel.configuration(ModelFixtures.tiny(0, 0, 0), VOCAB, 100,
                1);
        assertFalse(none.getVertices().containsKey("dropout0"));
    }

    @Test
    void dropoutOnlyActsWhileTraining() {
        Hyperparameters hp = ModelFixtures.tiny(0.3, 0, 0);
        ComputationGraph net = TransformerModel.build(hp, VOCAB, 100, 1);
        INDArray tokens = ModelFixtures.randomTokens(2, hp.seqLength(), VOCAB, 9);
        assertEquals(net.outputSingle(false, tokens), net.outputSingle(false, tokens));
        assertNotEquals(net.outputSingle(true, tokens), net.outputSingle(true, tokens));
    }

    @Test
    void weightDecayReachesWeightsButNotBiasesOrNorms() {
        // from a built network: SameDiff layers learn which parameters are weights when the network is initialised
        ComputationGraphConfiguration conf = TransformerModel.build(ModelFixtures.tiny(0, 0.05, 0), VOCAB, 100, 1)
                .getConfiguration();
        Layer block = layer(conf, "block0");
        assertEquals(0.05, weightDecay(block, CausalTransformerBlock.QKV_WEIGHT), 1e-12);
        assertEquals(0.05, weightDecay(block, CausalTransformerBlock.DOWN_WEIGHT), 1e-12);
        assertEquals(0, weightDecay(block, CausalTransformerBlock.QKV_BIAS));
        assertEquals(0, weightDecay(block, CausalTransformerBlock.LN_ATTN_GAIN));
        assertEquals(0, weightDecay(layer(conf, "finalNorm"), SequenceLayerNorm.GAIN));
        assertEquals(0.05, weightDecay(layer(conf, "positionEmbedding"), LearnedPositionEmbedding.POSITIONS), 1e-12);
        assertEquals(0.05, weightDecay(layer(conf, "tokenEmbedding"), "W"), 1e-12);
        assertEquals(0.05, weightDecay(layer(conf, TransformerModel.OUTPUT), "W"), 1e-12);
        assertEquals(0, weightDecay(layer(conf, TransformerModel.OUTPUT), "b"));
        assertTrue(((WeightDecay) block.getRegularizationByParam(CausalTransformerBlock.QKV_WEIGHT).get(0))
                .isApplyLR(), "decay must follow the learning-rate schedule");
    }

    @Test
    void gradientClippingIsPerLayerL2AndOffAtZero() {
        Layer clipped = layer(TransformerModel.configuration(ModelFixtures.tiny(0, 0, 0.5), VOCAB, 100, 1),
                "block1");
        assertEquals(GradientNormalization.ClipL2PerLayer, clipped.getGradientNormalization());
        assertEquals(0.5, clipped.getGradientNormalizationThreshold());
        Layer free = layer(TransformerModel.configuration(ModelFixtures.tiny(0, 0, 0), VOCAB, 100, 1), "block1");
        assertEquals(GradientNormalization.None, free.getGradientNormalization());
    }

    @Test
    void optimizerFollowsTheHyperparametersWithTheWarmupSchedule() {
        for (Optimizer optimizer : Optimizer.values()) {
            Hyperparameters hp = Hyperparameters.builder().set(LEARNING_RATE, 0.01).set(WARMUP_STEPS, 5)
                    .set(SCHEDULE, Schedule.LINEAR).set(BATCH_SIZE, 4).set(LAYERS, 1).set(WIDTH, 16)
                    .set(MLP_MULTIPLIER, 2).set(SEQ_LENGTH, 8).set(OPTIMIZER, optimizer).set(GRAD_CLIP, 0.0).build();
            IUpdater updater = TransformerModel.updater(hp, 50);
            Class<?> expected = switch (optimizer) {
                case ADAM -> Adam.class;
                case SGD -> Sgd.class;
                case NESTEROVS -> Nesterovs.class;
                case RMSPROP -> RmsProp.class;
            };
            assertInstanceOf(expected, updater);
            assertEquals(0.01, updater.getLearningRate(4, 0), 1e-12);
            assertEquals(0.005, updater.getLearningRate(5 + 45 / 2, 0), 0.001);
        }
    }

    @Test
    void adamTakesItsBeta2FromTheHyperparameters() {
        Adam standard = (Adam) TransformerModel.updater(ModelFixtures.tiny(0, 0, 0), 50);
        assertEquals(Adam.DEFAULT_ADAM_BETA2_VAR_DECAY, standard.getBeta2());
        Hyperparameters hp = ModelFixtures.tiny(0, 0, 0).with(Hyperparameter.ADAM_BETA2, 0.95);
        assertEquals(0.95, ((Adam) TransformerModel.updater(hp, 50)).getBeta2());
        assertEquals(Adam.DEFAULT_ADAM_BETA1_MEAN_DECAY, ((Adam) TransformerModel.updater(hp, 50)).getBeta1());
    }

    /** Sequence 0's outputs at positions [from, to). */
    private static INDArray positions(INDArray output, int from, int to) {
        return output.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.interval(from, to));
    }

    private static double weightDecay(Layer layer, String param) {
        return layer.getRegularizationByParam(param).stream()
                .filter(WeightDecay.class::isInstance)
                .mapToDouble(r -> ((WeightDecay) r).getCoeff().valueAt(0, 0))
                .sum();
    }

    private static Layer layer(ComputationGraphConfiguration conf, String name) {
        return ((LayerVertex) conf.getVertices().get(name)).getLayerConf().getLayer();
    }

    private static DataSet batch(Hyperparameters hp, long seed) {
        INDArray features = ModelFixtures.randomTokens(hp.batchSize(), hp.seqLength(), VOCAB, seed);
        INDArray labels = ModelFixtures.randomTokens(hp.batchSize(), hp.seqLength(), VOCAB, seed + 1)
                .reshape(hp.batchSize(), 1, hp.seqLength());
        return new DataSet(features, labels);
    }
}
