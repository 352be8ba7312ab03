package io.hpo.worker.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Next-token training examples cut from a token stream. A window is {@code seqLength + 1} consecutive tokens:
 * the first {@code seqLength} are the inputs, each position's label is the token that follows it.
 *
 * <p>Tensor layout, what {@link io.hpo.worker.model.TransformerModel} consumes:
 * <ul>
 *   <li>features: {@code [batch, seqLength]} float token ids (the embedding layer's index input)</li>
 *   <li>labels: {@code [batch, 1, seqLength]} float next-token ids, for the sparse cross-entropy of the output
 *   layer; a one-hot {@code [batch, vocabSize, seqLength]} would make every batch vocabSize times bigger to
 *   build and to ship to executors</li>
 * </ul>
 * No masks: every window is full.
 */
public final class TokenBatches {

    private TokenBatches() {
    }

    /** {@code batchSize} windows starting at uniformly random offsets. */
    public static DataSet randomWindows(int[] tokens, int seqLength, int batchSize, Random rnd) {
        requireWindow(tokens, seqLength, batchSize);
        int[] starts = new int[batchSize];
        int range = tokens.length - seqLength;
        for (int i = 0; i < batchSize; i++) {
            starts[i] = rnd.nextInt(range);
        }
        return windows(tokens, seqLength, starts);
    }

    /**
     * Consecutive windows from the start of {@code tokens} whose targets never overlap (window i starts at
     * {@code i * seqLength}), grouped {@code batchSize} at a time; the last batch may be smaller. At most
     * {@code maxBatches} batches, so validation cost stays bounded on big corpora. Same input, same batches.
     */
    public static List<DataSet> validationBatches(int[] tokens, int seqLength, int batchSize, int maxBatches) {
        requireWindow(tokens, seqLength, batchSize);
        if (maxBatches < 1) {
            throw new IllegalArgumentException("maxBatches must be >= 1, got " + maxBatches);
        }
        long windows = Math.min((long) (tokens.length - 1) / seqLength, (long) batchSize * maxBatches);
        List<DataSet> batches = new ArrayList<>();
        for (long first = 0; first < windows; first += batchSize) {
            int[] starts = new int[(int) Math.min(batchSize, windows - first)];
            for (int i = 0; i < starts.length; i++) {
                starts[i] = (int) ((first + i) * seqLength);
            }
            batches.add(windows(tokens, seqLength, starts));
        }
        return batches;
    }

    private static DataSet windows(int[] tokens, int seqLength, int[] starts) {
        float[][] features = new float[starts.length][seqLength];
        float[][][] labels = new float[starts.length][1][seqLength];
        for (int b = 0; b < starts.length; b++) {
            for (int t = 0; t < seqLength; t++) {
                features[b][t] = tokens[starts[b] + t];
                labels[b][0][t] = tokens[starts[b] + t + 1];
            }
        }
        return new DataSet(Nd4j.create(features), Nd4j.create(labels));
    }

    private static void requireWindow(int[] tokens, int seqLength, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (seqLength < 1 || tokens.length < seqLength + 1) {
            throw new IllegalArgumentException("need at least seq_length + 1 = " + (seqLength + 1)
                    + " tokens for one window, got " + tokens.length);
        }
    }
}
