package io.hpo.worker.trial;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.Serializable;

/**
 * A model state on its way to a Spark task: inside the task when it is small, as a broadcast otherwise. A broadcast
 * costs a fixed amount of block-manager bookkeeping whatever its size (its blocks registered with the driver, and
 * removed again: 13-15 ms a trial on this project's 2-core machine, for the 57 KB state of a tiny model); state inside
 * the task is serialised twice on the driver (Spark's closure check, then the task), which costs more than that bookkeeping
 * once the state is large.
 */
sealed interface ShippedState extends Serializable {
    /** The largest state shipped inside the task: serialising it once more costs well under a millisecond. */
    long INLINE_BYTES = 1L << 20;

    ModelState value();

    /** Frees what shipping it held on the driver and the executors. */
    void release();

    static ShippedState of(JavaSparkContext sc, ModelState state) {
        return bytes(state.params()) + bytes(state.updaterState()) <= INLINE_BYTES ? new Inline(state)
                : new Broadcasted(sc.broadcast(state));
    }

    private static long bytes(INDArray array) {
        return array == null ? 0 : array.length() * array.dataType().width();
    }

    record Inline(ModelState value) implements ShippedState {
        @Override
        public void release() {
        }
    }

    record Broadcasted(Broadcast<ModelState> broadcast) implements ShippedState {
        @Override
        public ModelState value() {
            return broadcast.value();
        }

        @Override
        public void release() {
            broadcast.destroy();
        }
    }
}
