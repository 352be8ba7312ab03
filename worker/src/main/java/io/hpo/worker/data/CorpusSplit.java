package io.hpo.worker.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * A corpus encoded once and split into training and validation tokens, small enough to ship to every executor.
 * The tokenizer is built on ALL the text so that validation characters have ids of their own.
 */
public final class CorpusSplit implements Serializable {

    private static final long serialVersionUID = 1L;

    private final CharTokenizer tokenizer;
    private final int[] train;
    private final int[] validation;

    private CorpusSplit(CharTokenizer tokenizer, int[] train, int[] validation) {
        this.tokenizer = tokenizer;
        this.train = train;
        this.validation = validation;
    }

    /**
     * Shuffles the lines with {@code seed}, then keeps the last {@code validationFraction} of them (at least one)
     * for validation. Each line is followed by a newline, so examples stay separated in the token stream.
     */
    public static CorpusSplit ofLines(List<String> lines, double validationFraction, long seed) {
        Objects.requireNonNull(lines, "lines");
        requireFraction(validationFraction);
        if (lines.size() < 2) {
            throw new IllegalArgumentException("need at least 2 lines to split into training and validation, got "
                    + lines.size());
        }
        List<String> shuffled = new ArrayList<>(lines);
        Collections.shuffle(shuffled, new Random(seed));
        int validationLines = (int) Math.max(1, Math.min(lines.size() - 1,
                Math.round(lines.size() * validationFraction)));
        String trainText = joinLines(shuffled.subList(0, lines.size() - validationLines));
        String validationText = joinLines(shuffled.subList(lines.size() - validationLines, lines.size()));
        return encode(trainText, validationText);
    }

    /** Keeps the last {@code validationFraction} of the characters for validation; no shuffling, so no seed. */
    public static CorpusSplit ofText(String text, double validationFraction) {
        Objects.requireNonNull(text, "text");
        requireFraction(validationFraction);
        int cut = (int) Math.round(text.length() * (1 - validationFraction));
        return encode(text.substring(0, cut), text.substring(cut));
    }

    private static CorpusSplit encode(String trainText, String validationText) {
        CharTokenizer tokenizer = CharTokenizer.fromText(trainText + validationText);
        return new CorpusSplit(tokenizer, tokenizer.encode(trainText), tokenizer.encode(validationText));
    }

    private static String joinLines(List<String> lines) {
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    private static void requireFraction(double validationFraction) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + validationFraction);
        }
    }

    /**
     * Fails fast, before any trial starts, when a split cannot fill even one training window of
     * {@code seqLength + 1} tokens (inputs plus the next-token targets).
     */
    public void requireFits(int seqLength, int batchSize) {
        if (seqLength < 1 || batchSize < 1) {
            throw new IllegalArgumentException("sequence length and batch size must be >= 1, got seq_length="
                    + seqLength + ", batch_size=" + batchSize);
        }
        requireTokens("training", train.length, seqLength);
        requireTokens("validation", validation.length, seqLength);
    }

    private static void requireTokens(String split, int tokens, int seqLength) {
        if (tokens < seqLength + 1) {
            throw new IllegalArgumentException("the " + split + " split has " + tokens + " tokens, but seq_length "
                    + seqLength + " needs at least " + (seqLength + 1) + "; use more data, a larger validation "
                    + "fraction or a shorter seq_length");
        }
    }

    public CharTokenizer tokenizer() {
        return tokenizer;
    }

    /** Training token ids; the array is shared, callers must not modify it. */
    public int[] train() {
        return train;
    }

    /** Validation token ids; the array is shared, callers must not modify it. */
    public int[] validation() {
        return validation;
    }

    /** Training tokens in one pass over the data: turns a step count into epochs. */
    public long tokensPerEpoch() {
        return train.length;
    }
}
