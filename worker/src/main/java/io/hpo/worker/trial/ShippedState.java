package io.hpo.worker.trial;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.Serializable;

/**
 * A model state on its way to a Spark task: inside the task when it is small, as a broadcast otherwise. A broadcast
 * costs a fixed amount of block-manager bookkeeping whatever its size (its blocks registered with the driver and
 * removed again: 13-19 ms a trial on this project's 2-core machine, for the 55 KiB state of a tiny model). State
 * inside the task is serialised with the task on Spark's one scheduler thread, which every trial's jobs wait for;
 * a large state is better serialised by the trial's own thread into a broadcast.
 */
sealed interface ShippedState extends Serializable {
    /** The largest state shipped inside the task: about a millisecond of the scheduler thread's time. */
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
