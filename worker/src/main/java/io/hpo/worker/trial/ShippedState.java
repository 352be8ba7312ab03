package io.hpo.worker.trial;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.Serializable;

/**
 * A model's starting state on its way to a Spark task: inside the task when it is small, as a broadcast otherwise,
 * or not at all when the task can make it itself. A broadcast costs a fixed amount of block-manager bookkeeping
 * whatever its size (its blocks registered with the driver and removed again: 13-19 ms a trial on this project's
 * 2-core machine, for the 55 KiB state of a tiny model). State inside the task is serialised with the task on
 * Spark's one scheduler thread, which every trial's jobs wait for; a large state is better serialised by the trial's
 * own thread into a broadcast.
 */
sealed interface ShippedState extends Serializable {
    /** The largest state shipped inside the task: about a millisecond of the scheduler thread's time. */
    long INLINE_BYTES = 1L << 20;

    /** Initialises the task's model (built from its configuration) with the state. */
    void initialise(ComputationGraph worker);

    /** Frees what shipping it held on the driver and the executors. */
    void release();

    /**
     * @param seeded whether {@code state} is a new model's seeded initialisation, which a small model's task then
     *               makes itself ({@link Seeded}); a large one is still broadcast, so that the driver, serialising
     *               it, runs out of memory before a task does: in local mode a task's out-of-memory error stops the
     *               SparkContext and every trial with it, where the driver's fails one trial
     *               ({@code TrialOutOfMemoryTest})
     */
    static ShippedState of(JavaSparkContext sc, ModelState state, boolean seeded) {
        if (bytes(state.params()) + bytes(state.updaterState()) > INLINE_BYTES) {
            return new Broadcasted(sc.broadcast(state));
        }
        return seeded ? new Seeded() : new Inline(state);
    }

    private static long bytes(INDArray array) {
        return array == null ? 0 : array.length() * array.dataType().width();
    }

    private static void load(ComputationGraph worker, ModelState state) {
        // in local mode a broadcast's value is the driver's own arrays: train on copies
        worker.init(state.params().dup(), false);
        if (state.updaterState() != null) {
            worker.getUpdater().getStateViewArray().assign(state.updaterState());
        }
    }

    record Inline(ModelState value) implements ShippedState {
        @Override
        public void initialise(ComputationGraph worker) {
            load(worker, value);
        }

        @Override
        public void release() {
        }
    }

    record Broadcasted(Broadcast<ModelState> broadcast) implements ShippedState {
        @Override
        public void initialise(ComputationGraph worker) {
            load(worker, broadcast.value());
        }

        @Override
        public void release() {
            broadcast.destroy();
        }
    }

    /**
     * A new model's own initialisation, which its configuration's seed makes again in the task (and a new optimizer
     * at zero): nothing travels, which saved a tiny trial's job about 3.5 ms (its task serialised, broadcast and
     * read).
     */
    record Seeded() implements ShippedState {
        @Override
        public void initialise(ComputationGraph worker) {
            worker.init();
        }

        @Override
        public void release() {
        }
    }
}
