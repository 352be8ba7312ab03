package io.hpo.worker.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * Character-level vocabulary: the distinct chars of a text in sorted order, shifted by one because
 * id 0 stands for any char the text did not contain.
 */
public final class CharTokenizer implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Id of every char outside the vocabulary. */
    public static final int UNKNOWN_ID = 0;
    /** What {@link #decode} writes for {@link #UNKNOWN_ID}. */
    public static final char UNKNOWN_CHAR = '\uFFFD';

    private final char[] chars;

    private CharTokenizer(char[] sortedDistinctChars) {
        this.chars = sortedDistinctChars;
    }

    /** Builds the vocabulary of {@code text}; an empty text gives a vocabulary with only the unknown id. */
    public static CharTokenizer fromText(CharSequence text) {
        Objects.requireNonNull(text, "text");
        char[] distinct = text.chars().distinct().sorted()
                .collect(StringBuilder::new, (sb, c) -> sb.append((char) c), StringBuilder::append)
                .toString().toCharArray();
        return new CharTokenizer(distinct);
    }

    /** The vocabulary's characters in id order (id 0, unknown, excluded); {@link #fromText} of it rebuilds this. */
    public String symbols() {
        return new String(chars);
    }

    /**
     * Fails when {@code text} holds characters outside this vocabulary: a model trained on it has no embedding for
     * them. {@code where} names the text, {@code vocabularyOrigin} the vocabulary (a checkpoint, say).
     */
    public void requireCovers(CharSequence text, String where, String vocabularyOrigin) {
        java.util.TreeSet<Character> unknown = new java.util.TreeSet<>();
        for (int i = 0; i < text.length(); i++) {
            if (idOf(text.charAt(i)) == UNKNOWN_ID) {
                unknown.add(text.charAt(i));
            }
        }
        if (!unknown.isEmpty()) {
            StringBuilder shown = new StringBuilder();
            unknown.stream().limit(20).forEach(c -> shown.append(shown.isEmpty() ? "" : ", ")
                    .append(c == '\n' ? "'\\n'" : "'" + c + "'").append(String.format(" (U+%04X)", (int) c)));
            throw new DataException(where + " has " + unknown.size() + " character" + (unknown.size() == 1 ? "" : "s")
                    + " outside the vocabulary of " + vocabularyOrigin + " (" + (vocabSize() - 1) + " symbols): "
                    + shown + (unknown.size() > 20 ? ", ..." : "")
                    + "; fine-tune on text written in the same characters as the pretraining data");
        }
    }

    /** Number of ids, the unknown id included: the size of the model's embedding and output layer. */
    public int vocabSize() {
        return chars.length + 1;
    }

    public int[] encode(CharSequence text) {
        int[] ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = idOf(text.charAt(i));
        }
        return ids;
    }

    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " outside vocabulary of size " + vocabSize());
            }
            sb.append(id == UNKNOWN_ID ? UNKNOWN_CHAR : chars[id - 1]);
        }
        return sb.toString();
    }

    private int idOf(char c) {
        int pos = Arrays.binarySearch(chars, c);
        return pos >= 0 ? pos + 1 : UNKNOWN_ID;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CharTokenizer other && Arrays.equals(chars, other.chars);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(chars);
    }

    @Override
    public String toString() {
        return "CharTokenizer{vocabSize=" + vocabSize() + "}";
    }
}
