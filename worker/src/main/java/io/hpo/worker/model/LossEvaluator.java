package io.hpo.worker.model;

import java.util.List;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** Validation loss of a {@link TransformerModel}, independent of the training objective's regularisation terms. */
public final class LossEvaluator {

    /**
     * Floor on a target's probability: float softmax can round a very unlikely target to exactly 0, and one
     * infinite token would swamp the mean. Caps a single token's loss at about 27.6 nats.
     */
    static final double MIN_PROBABILITY = 1e-12;

    private LossEvaluator() {
    }

    /**
     * Mean next-token cross-entropy in nats over every position of {@code batches} (labels: token ids
     * {@code [batch, 1, seqLength]}), from the network's output probabilities in inference mode (no dropout).
     * {@code net.score()} is not used: it adds the weight-decay term and reflects the last training batch only.
     */
    public static double meanTokenLoss(ComputationGraph net, List<DataSet> batches) {
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("no validation batches");
        }
        double totalNats = 0;
        long tokens = 0;
        for (DataSet batch : batches) {
            INDArray probabilities = net.output(false, batch.getFeatures())[0];
            INDArray labels = batch.getLabels();
            for (long b = 0; b < labels.size(0); b++) {
                for (long t = 0; t < labels.size(2); t++) {
                    long target = labels.getLong(b, 0, t);
                    totalNats -= Math.log(Math.max(probabilities.getDouble(b, target, t), MIN_PROBABILITY));
                }
            }
            tokens += labels.size(0) * labels.size(2);
        }
        return totalNats / tokens;
    }
}
