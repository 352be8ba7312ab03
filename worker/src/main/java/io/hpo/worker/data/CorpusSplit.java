package io.hpo.worker.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;

/**
 * A corpus encoded once and split into training and validation tokens, small enough to ship to every executor.
 * The tokenizer is built on ALL the text so that validation characters have ids of their own.
 */
public final class CorpusSplit implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Distinct characters a corpus may have: the embedding and output layers grow with it. Scripts with the most
     * characters in common use need a few thousand.
     */
    public static final int MAX_VOCABULARY = 16_384;

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
        return ofLines(lines, validationFraction, seed, null);
    }

    /**
     * {@link #ofLines(List, double, long)} encoded with a given vocabulary (the demo corpus's fixed one, or a
     * checkpoint's); null builds it from the text. The text must not hold characters outside a given vocabulary
     * ({@link CharTokenizer#requireCovers}).
     */
    public static CorpusSplit ofLines(List<String> lines, double validationFraction, long seed,
                                      CharTokenizer tokenizer) {
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
        return encode(trainText, validationText, tokenizer);
    }

    /** Keeps the last {@code validationFraction} of the characters for validation; no shuffling, so no seed. */
    public static CorpusSplit ofText(String text, double validationFraction) {
        return ofText(text, validationFraction, null);
    }

    /** {@link #ofText(String, double)} with a given vocabulary, as {@link #ofLines(List, double, long, CharTokenizer)}. */
    public static CorpusSplit ofText(String text, double validationFraction, CharTokenizer tokenizer) {
        Objects.requireNonNull(text, "text");
        requireFraction(validationFraction);
        int cut = (int) Math.round(text.length() * (1 - validationFraction));
        return encode(text.substring(0, cut), text.substring(cut), tokenizer);
    }

    private static CorpusSplit encode(String trainText, String validationText, CharTokenizer given) {
        CharTokenizer tokenizer = given != null ? given : CharTokenizer.fromText(trainText + validationText);
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
     * Fails fast, before any trial starts, when the split cannot feed trials of these sizes: the training split must
     * hold one batch of distinct windows, {@code batchSize × (seqLength + 1)} tokens (inputs plus next-token
     * targets); the validation split must fill the configured evaluation, {@code evalBatches × batchSize ×
     * seqLength + 1} tokens (windows whose targets do not overlap); the text must have at least 2 distinct symbols
     * (with one there is nothing to predict) and at most {@link #MAX_VOCABULARY}.
     *
     * @param where names the data in the message: a file, a folder, the demo corpus
     */
    public void requireFits(String where, int seqLength, int batchSize, int evalBatches) {
        if (seqLength < 1 || batchSize < 1 || evalBatches < 1) {
            throw new IllegalArgumentException("seq_length, batch_size and eval_batches must be >= 1, got "
                    + seqLength + ", " + batchSize + ", " + evalBatches);
        }
        long trainNeed = (long) batchSize * (seqLength + 1);
        if (train.length < trainNeed) {
            throw new DataException(String.format(Locale.ROOT, "%s: the training split has %,d tokens; a training "
                            + "batch needs batch_size × (seq_length + 1) = %,d × %,d = %,d: use more data or a smaller "
                            + "batch_size or seq_length", where, train.length, batchSize, seqLength + 1, trainNeed));
        }
        long validationNeed = (long) evalBatches * batchSize * seqLength + 1;
        if (validation.length < validationNeed) {
            throw new DataException(String.format(Locale.ROOT, "%s: the validation split has %,d tokens; "
                            + "eval_batches × batch_size × seq_length + 1 = %,d × %,d × %,d + 1 = %,d are needed: use "
                            + "more data, a larger validation_fraction or fewer eval_batches", where,
                    validation.length, evalBatches, batchSize, seqLength, validationNeed));
        }
        int symbols = tokenizer.vocabSize() - 1;
        if (symbols < 2) {
            throw new DataException(where + ": the text has " + symbols + " distinct symbol"
                    + (symbols == 1 ? " ('" + tokenizer.decode(new int[]{1}) + "')" : "")
                    + "; a language model needs at least 2");
        }
        if (symbols > MAX_VOCABULARY) {
            throw new DataException(String.format(Locale.ROOT, "%s: the text has %,d distinct symbols, more than "
                    + "the %,d a character vocabulary may have: is it text?", where, symbols, MAX_VOCABULARY));
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

    /**
     * The split a trial with {@code data_fraction = share} trains on: the first {@link #shareLength} training tokens
     * and the whole validation split. A prefix, so a smaller share's data is part of every larger one's, and the
     * demo's lines were shuffled before the split, so its prefix is a random sample of sentences.
     */
    public CorpusSplit trainingShare(double share) {
        int length = shareLength(train.length, share);
        return length == train.length ? this : new CorpusSplit(tokenizer, Arrays.copyOf(train, length), validation);
    }

    /** D for a share of {@code trainingTokens}: rounded up, so no positive share is empty. */
    public static int shareLength(int trainingTokens, double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("data_fraction must be in (0, 1], got " + share);
        }
        return (int) Math.min(trainingTokens, Math.ceil(trainingTokens * share));
    }

    /** Training tokens in one pass over the data: turns a step count into epochs. */
    public long tokensPerEpoch() {
        return train.length;
    }
}
