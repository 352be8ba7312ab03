package io.hpo.space;

/**
 * How many trainable parameters (N) the transformer of a configuration has, without building it: the worker's model
 * must match it ({@code TransformerModelTest} checks it against the built network), and the results side needs it to
 * size a bigger run from a scaling fit without DL4J.
 */
public final class ModelSize {

    private ModelSize() {
    }

    /** Token and position embeddings, the blocks, the final layer norm and the output head. */
    public static long parameters(Hyperparameters hp, int vocabSize) {
        long width = hp.width();
        long embeddings = vocabSize * width + width * hp.seqLength();
        long blocks = hp.layers() * blockParameters(hp.width(), hp.mlpMultiplier());
        long finalNorm = 2 * width;
        long head = width * vocabSize + vocabSize;
        return embeddings + blocks + finalNorm + head;
    }

    /** One causal transformer block: two layer norms, attention (QKV and output projection) and the MLP. */
    public static long blockParameters(int width, int mlpMultiplier) {
        long hidden = (long) width * mlpMultiplier;
        long layerNorms = 4L * width;
        long attention = 3L * width * width + 3L * width + (long) width * width + width;
        long mlp = width * hidden + hidden + hidden * width + width;
        return layerNorms + attention + mlp;
    }

    /**
     * The vocabulary size of a trial whose configuration has {@code parameters} parameters: the inverse of
     * {@link #parameters} (N is linear in it), or -1 when no whole vocabulary gives that count.
     */
    public static int vocabulary(Hyperparameters hp, long parameters) {
        long withoutVocabulary = parameters(hp, 0);
        long perSymbol = 2L * hp.width() + 1;
        long rest = parameters - withoutVocabulary;
        return rest > 0 && rest % perSymbol == 0 && rest / perSymbol <= Integer.MAX_VALUE ? (int) (rest / perSymbol)
                : -1;
    }
}
