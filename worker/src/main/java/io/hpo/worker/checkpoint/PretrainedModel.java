package io.hpo.worker.checkpoint;

import io.hpo.space.FineTuneMode;
import io.hpo.space.Hyperparameters;
import io.hpo.space.checkpoint.CheckpointException;
import io.hpo.worker.model.TransformerModel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A trial's network that starts from a checkpoint. The network is built exactly as a from-scratch trial's (this
 * trial's learning rate, schedule, dropout, decay, clipping), then takes the checkpoint's weights, then DL4J's
 * {@link TransferLearning.GraphBuilder#setFeatureExtractor} freezes the named vertex and everything below it: its
 * layers become {@code FrozenLayer}s (no updates, no weight decay, always in inference mode, so their dropout is
 * off too).
 */
public final class PretrainedModel {
    private PretrainedModel() {
    }

    /**
     * @param hp the trial's configuration; its architecture must be the checkpoint's (the spec loader sees to it)
     */
    public static ComputationGraph fineTune(Path checkpoint, Hyperparameters hp, int vocabSize, int totalSteps,
                                            long seed) {
        ComputationGraph pretrained;
        try {
            pretrained = ModelSerializer.restoreComputationGraph(checkpoint.toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("checkpoint " + checkpoint + " cannot be restored: " + e);
        }
        ComputationGraph net = TransformerModel.build(hp, vocabSize, totalSteps, seed);
        List<String> expected = parameterLayout(net);
        List<String> found = parameterLayout(pretrained);
        if (!expected.equals(found)) {
            throw new CheckpointException("checkpoint " + checkpoint + " holds layers " + found + ", but the trial's "
                    + "architecture has " + expected);
        }
        net.setParams(pretrained.params());
        return frozenBelow(hp).map(vertex -> new TransferLearning.GraphBuilder(net).setFeatureExtractor(vertex).build())
                .orElse(net);
    }

    /**
     * The highest vertex to freeze, everything under it frozen with it: the final norm for feature extraction (all
     * but the output head), else the top frozen block (which takes the embeddings with it); empty when nothing is.
     */
    static Optional<String> frozenBelow(Hyperparameters hp) {
        if (hp.fineTuneMode() == FineTuneMode.FEATURE_EXTRACTION) {
            return Optional.of(TransformerModel.FINAL_NORM);
        }
        return hp.frozenBlocks() > 0 ? Optional.of(TransformerModel.block(hp.frozenBlocks() - 1)) : Optional.empty();
    }

    /** Each layer with parameters, as name:count, in the order of the flattened parameter vector. */
    private static List<String> parameterLayout(ComputationGraph net) {
        List<String> layout = new ArrayList<>();
        GraphVertex[] vertices = net.getVertices();
        for (int i : net.topologicalSortOrder()) {
            GraphVertex v = vertices[i];
            if (v.hasLayer() && v.getLayer().numParams() > 0) {
                layout.add(v.getVertexName() + ":" + v.getLayer().numParams());
            }
        }
        return layout;
    }
}
