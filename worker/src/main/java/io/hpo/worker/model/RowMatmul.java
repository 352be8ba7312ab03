package io.hpo.worker.model;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Matrix products of row-major matrices into row-major results. {@code INDArray.mmul} returns a column-major
 * result, and an element-wise operation that mixes the two orders takes ND4J M2.1 about 30 times as long as one
 * that does not (measured: 12 ms against 0.4 ms for 1M floats), so the layers keep every matrix row-major.
 *
 * <p>Row means and column sums are products with a vector of ones too: BLAS does them several times faster than
 * ND4J's reductions along a dimension.
 */
final class RowMatmul {

    /** Vectors of ones by data type and length, shared read-only by all layers and threads. */
    private static final Map<String, INDArray> ONES = new ConcurrentHashMap<>();

    private RowMatmul() {
    }

    /**
     * {@code op(a) * op(b)}, where op transposes the last two dimensions when asked; arrays of rank 3 are stacks of
     * matrices, multiplied pairwise in one batched product.
     */
    static INDArray product(INDArray a, INDArray b, boolean transposeA, boolean transposeB) {
        int rank = a.rank();
        long[] shape = a.shape().clone();
        shape[rank - 2] = a.size(transposeA ? rank - 1 : rank - 2);
        shape[rank - 1] = b.size(transposeB ? rank - 2 : rank - 1);
        return into(a, b, transposeA, transposeB, Nd4j.createUninitialized(a.dataType(), shape, 'c'));
    }

    /** {@code op(a) * op(b)} written into {@code out}, which it returns. */
    static INDArray into(INDArray a, INDArray b, boolean transposeA, boolean transposeB, INDArray out) {
        return Nd4j.matmul(a, b, out, transposeA, transposeB, false);
    }

    /** The sum of each row of {@code x} [rows, cols], as a column [rows, 1]. */
    static INDArray rowSums(INDArray x) {
        return product(x, ones(x.dataType(), x.size(1)), false, true);
    }

    /** The mean of each row of {@code x} [rows, cols], as a column [rows, 1]. */
    static INDArray rowMeans(INDArray x) {
        return rowSums(x).divi(x.size(1));
    }

    /** The sum of each column of {@code x} [rows, cols], written into {@code out} [1, cols]. */
    static void columnSums(INDArray x, INDArray out) {
        // x^T * ones runs as BLAS's matrix-vector product; ones^T * x took twice as long
        into(x, ones(x.dataType(), x.size(0)), true, true, out.reshape('c', x.size(1), 1));
    }

    /** [1, length] of ones, kept outside any workspace because it outlives the step that first asked for it. */
    private static INDArray ones(DataType dataType, long length) {
        return ONES.computeIfAbsent(dataType + "x" + length, key -> {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                return Nd4j.ones(dataType, 1, length);
            }
        });
    }
}
