package io.hpo.worker.model;

import java.util.ArrayList;
import java.util.List;

import io.hpo.space.Hyperparameter;
import io.hpo.space.Hyperparameters;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * A GPT-style character language model as a DL4J {@link ComputationGraph}:
 * token embedding + learned positions, {@code layers} causal pre-LN blocks, a final LayerNorm and a per-token
 * softmax over the vocabulary trained with sparse cross-entropy (SPARSE_MCXENT: labels are token ids).
 *
 * <p>Input {@value #INPUT}: token ids {@code [batch, seqLength]} (float). Output {@value #OUTPUT}: next-token
 * probabilities {@code [batch, vocabSize, seqLength]}. Labels: next-token ids {@code [batch, 1, seqLength]}
 * (see {@link io.hpo.worker.data.TokenBatches}). Sequences must be exactly {@code seqLength} tokens.
 */
public final class TransformerModel {

    public static final String INPUT = "tokens";
    public static final String OUTPUT = "lmHead";
    public static final String FINAL_NORM = "finalNorm";
    /** Momentum of the Nesterov optimizer: the common default, not searched. */
    static final double NESTEROV_MOMENTUM = 0.9;

    private TransformerModel() {
    }

    /**
     * The network for one trial. {@code totalSteps} is the number of optimizer steps the trial will run: the
     * learning-rate decay reaches zero there. {@code seed} fixes the initial parameters.
     */
    public static ComputationGraphConfiguration configuration(Hyperparameters hp, int vocabSize, int totalSteps,
                                                              long seed) {
        if (vocabSize < 2) {
            throw new IllegalArgumentException("vocabulary size must be >= 2, got " + vocabSize);
        }
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(updater(hp, totalSteps))
                .weightInit(new NormalDistribution(0, CausalTransformerBlock.INIT_STD));
        if (hp.gradClip() > 0) {
            base.gradientNormalization(GradientNormalization.ClipL2PerLayer)
                    .gradientNormalizationThreshold(hp.gradClip());
        }

        int width = hp.width();
        int seqLength = hp.seqLength();
        EmbeddingSequenceLayer.Builder tokenEmbedding = new EmbeddingSequenceLayer.Builder()
                .nIn(vocabSize).nOut(width).inputLength(seqLength).hasBias(false);
        tokenEmbedding.setRegularization(weightDecay(hp));
        ComputationGraphConfiguration.GraphBuilder graph = base.graphBuilder()
                .addInputs(INPUT)
                // the input type's size becomes the embedding's nIn, so it must be the vocabulary size
                .setInputTypes(InputType.recurrent(vocabSize, seqLength))
                .addLayer("tokenEmbedding", tokenEmbedding.build(), INPUT)
                .addLayer("positionEmbedding", decayed(new LearnedPositionEmbedding(width, seqLength), hp),
                        "tokenEmbedding");
        String previous = "positionEmbedding";
        for (int i = 0; i < hp.layers(); i++) {
            if (hp.dropout() > 0) {
                // dropout is a layer of its own (the blocks apply no dropOut(..)); it takes the RETAIN
                // probability. Before block 0 this is the dropout on the embeddings.
                graph.addLayer("dropout" + i, new DropoutLayer.Builder(1 - hp.dropout()).build(), previous);
                previous = "dropout" + i;
            }
            graph.addLayer(block(i), decayed(
                    new CausalTransformerBlock(width, hp.heads(), hp.mlpMultiplier(), seqLength), hp), previous);
            previous = block(i);
        }
        RnnOutputLayer.Builder head = new RnnOutputLayer.Builder(LossFunctions.LossFunction.SPARSE_MCXENT)
                .activation(Activation.SOFTMAX).nIn(width).nOut(vocabSize);
        head.setRegularization(weightDecay(hp));
        return graph
                .addLayer(FINAL_NORM, new SequenceLayerNorm(width), previous)
                .addLayer(OUTPUT, head.build(), FINAL_NORM)
                .setOutputs(OUTPUT)
                .build();
    }

    /** The vertex name of block {@code index} (0 = lowest). */
    public static String block(int index) {
        return "block" + index;
    }

    /**
     * Decoupled (AdamW-style) weight decay scaled by the scheduled learning rate, set layer by layer and on
     * weights only: biases and LayerNorm parameters get none. Not set globally because M2.1 then lists it twice
     * on built-in layers, doubling their decay.
     */
    private static List<Regularization> weightDecay(Hyperparameters hp) {
        List<Regularization> decay = new ArrayList<>();
        if (hp.weightDecay() > 0) {
            decay.add(new WeightDecay(hp.weightDecay(), true));
        }
        return decay;
    }

    private static <L extends ExplicitGradientLayer> L decayed(L layer, Hyperparameters hp) {
        layer.setRegularization(weightDecay(hp));
        return layer;
    }

    /** {@link #configuration} as an initialised network, ready to fit. */
    public static ComputationGraph build(Hyperparameters hp, int vocabSize, int totalSteps, long seed) {
        ComputationGraph net = new ComputationGraph(configuration(hp, vocabSize, totalSteps, seed));
        net.init();
        return net;
    }

    /** The trial's optimizer, driven by a {@link WarmupDecaySchedule}. */
    public static IUpdater updater(Hyperparameters hp, int totalSteps) {
        ISchedule lr = schedule(hp, totalSteps);
        return switch (hp.optimizer()) {
            case ADAM -> {
                Adam adam = new Adam(lr);
                adam.setBeta2(hp.get(Hyperparameter.ADAM_BETA2));
                yield adam;
            }
            case SGD -> new Sgd(lr);
            case NESTEROVS -> new Nesterovs(lr, NESTEROV_MOMENTUM);
            case RMSPROP -> new RmsProp(lr);
        };
    }

    public static WarmupDecaySchedule schedule(Hyperparameters hp, int totalSteps) {
        return new WarmupDecaySchedule(hp.learningRate(), hp.warmupSteps(), totalSteps, hp.schedule());
    }
}
