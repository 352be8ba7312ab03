package io.hpo.worker.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The block against a plain-Java transformer block, and its SameDiff gradients against finite differences. */
class CausalTransformerBlockTest {

    private static final int WIDTH = 8;
    private static final int HEADS = 2;
    private static final int MLP = 2;
    private static final int SEQ = 5;

    @Test
    void matchesAReferenceImplementation() {
        ComputationGraph net = blockOnly(DataType.FLOAT);
        // larger than the N(0, 0.02) init, so that attention and MLP visibly change the residual stream
        randomise(net.getLayer("block").paramTable(), 0.3, 7);
        INDArray x = Nd4j.randn(DataType.FLOAT, 3, WIDTH, SEQ);

        INDArray actual = net.outputSingle(false, x);
        double[][][] expected = ReferenceBlock.forward(toArray(x), net.getLayer("block").paramTable(), HEADS);

        assertArrayEquals(new long[] {3, WIDTH, SEQ}, actual.shape());
        for (int b = 0; b < 3; b++) {
            for (int c = 0; c < WIDTH; c++) {
                for (int t = 0; t < SEQ; t++) {
                    assertEquals(expected[b][c][t], actual.getDouble(b, c, t), 1e-3, "at " + b + "," + c + "," + t);
                }
            }
        }
    }

    @Test
    void layerNormGainsStartAtOneAndEverythingElseAtZeroOrSmall() {
        Map<String, INDArray> params = blockOnly(DataType.FLOAT).getLayer("block").paramTable();
        assertEquals(1.0, params.get(CausalTransformerBlock.LN_ATTN_GAIN).minNumber().doubleValue());
        assertEquals(1.0, params.get(CausalTransformerBlock.LN_MLP_GAIN).maxNumber().doubleValue());
        assertEquals(0.0, params.get(CausalTransformerBlock.QKV_BIAS).amaxNumber().doubleValue());
        double std = params.get(CausalTransformerBlock.UP_WEIGHT).stdNumber().doubleValue();
        assertEquals(CausalTransformerBlock.INIT_STD, std, 0.005);
    }

    /**
     * Covers every custom layer and, through the position embedding below the block, the gradient the block
     * passes down; this is what catches DL4J's doubled SameDiff gradients (see DoubledGradientCompensation).
     */
    @Test
    void gradientsMatchFiniteDifferences() {
        ComputationGraph net = withLossHead();
        randomise(net.getLayer("block").paramTable(), 0.3, 11);
        randomise(net.getLayer("norm").paramTable(), 0.3, 12);
        Random rnd = new Random(3);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 2, 1, SEQ);
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < SEQ; t++) {
                labels.putScalar(b, 0, t, rnd.nextInt(4));
            }
        }
        DataType previous = Nd4j.dataType();
        // GradientCheckUtil insists on double as the global default, not only in the network
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                    .inputs(new INDArray[] {Nd4j.randn(DataType.DOUBLE, 2, WIDTH, SEQ)})
                    .labels(new INDArray[] {labels})
                    .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
            assertTrue(ok, "gradient check failed, see the log for the parameters that differ");
        } finally {
            Nd4j.setDefaultDataTypes(previous, previous);
        }
    }

    private static ComputationGraph blockOnly(DataType dataType) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(dataType).seed(1).updater(new NoOp())
                .graphBuilder()
                .addInputs("x").setInputTypes(InputType.recurrent(WIDTH, SEQ))
                .addLayer("block", new CausalTransformerBlock(WIDTH, HEADS, MLP, SEQ), "x")
                .setOutputs("block").allowNoOutput(true)
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    private static ComputationGraph withLossHead() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(1).updater(new NoOp())
                .graphBuilder()
                .addInputs("x").setInputTypes(InputType.recurrent(WIDTH, SEQ))
                .addLayer("positions", new LearnedPositionEmbedding(WIDTH, SEQ), "x")
                .addLayer("block", new CausalTransformerBlock(WIDTH, HEADS, MLP, SEQ), "positions")
                .addLayer("norm", new SequenceLayerNorm(WIDTH), "block")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.SPARSE_MCXENT)
                        .activation(Activation.SOFTMAX).nIn(WIDTH).nOut(4).build(), "norm")
                .setOutputs("out")
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    private static void randomise(Map<String, INDArray> params, double std, long seed) {
        Nd4j.getRandom().setSeed(seed);
        params.values().forEach(p -> p.assign(Nd4j.randn(p.dataType(), p.shape()).muli(std)));
    }

    private static double[][][] toArray(INDArray x) {
        double[][][] out = new double[(int) x.size(0)][(int) x.size(1)][(int) x.size(2)];
        for (int b = 0; b < out.length; b++) {
            for (int c = 0; c < out[b].length; c++) {
                for (int t = 0; t < out[b][c].length; t++) {
                    out[b][c][t] = x.getDouble(b, c, t);
                }
            }
        }
        return out;
    }
}
