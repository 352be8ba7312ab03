package io.hpo.worker.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Between DL4J's recurrent activations {@code [batch, width, seqLength]} and token rows {@code [batch * seqLength,
 * width]}, where every projection is one plain matrix multiply.
 */
final class SequenceRows {

    private SequenceRows() {
    }

    /** A row-major copy with one row per token, sequence by sequence. */
    static INDArray rows(INDArray sequences) {
        long batch = sequences.size(0);
        return sequences.permute(0, 2, 1).dup('c').reshape('c', batch * sequences.size(2), sequences.size(1));
    }

    /** The inverse of {@link #rows}, as a view of {@code rows}. */
    static INDArray sequences(INDArray rows, long batch) {
        return rows.reshape('c', batch, rows.size(0) / batch, rows.size(1)).permute(0, 2, 1);
    }
}
