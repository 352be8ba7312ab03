package io.hpo.worker.trial;

import io.hpo.space.Hyperparameters;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.hpo.space.Hyperparameter.BATCH_SIZE;
import static io.hpo.space.Hyperparameter.HEADS;
import static io.hpo.space.Hyperparameter.WARMUP_STEPS;
import static io.hpo.space.Hyperparameter.WIDTH;

/**
 * The reasons of failed trials. Running out of memory for real is TrialOutOfMemoryTest's (driver module); here are
 * the shapes it takes elsewhere: Spark's task-failure text from an executor, and ND4J's allocator refusing.
 */
class TrialFailuresTest {

    private static final TrialPlan PLAN = new TrialPlan("s", "trial-003", 1, Hyperparameters.builder()
            .set(WARMUP_STEPS, 0).set(BATCH_SIZE, 512).set(WIDTH, 4096).set(HEADS, 8).build(), 10, 1, 5, 5, 1, 1);
    private static final String ADVICE = " — lower batch_size, seq_length or width, or give executors more memory"
            + " (spark.executor.memory for the heap, -Dorg.bytedeco.javacpp.maxbytes for ND4J off-heap)";

    @Test
    void anExecutorsOutOfMemoryErrorInASparkTaskFailureNamesTheExecutorAndTheSizes() {
        // the form of Spark 3.5's DAGScheduler message: the executor's error arrives as text
        SparkException e = new SparkException("Job aborted due to stage failure: Task 0 in stage 7.0 failed 4 times,"
                + " most recent failure: Lost task 0.3 in stage 7.0 (TID 31) (10.0.0.7 executor 2):"
                + " java.lang.OutOfMemoryError: Java heap space"
                + "\n\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)"
                + "\n\nDriver stacktrace:");

        assertEquals("out of memory on executor 2 (10.0.0.7) while training trial trial-003 (width 4096, layers 2, "
                + "heads 8, batch_size 512, seq_length 64): java.lang.OutOfMemoryError: Java heap space" + ADVICE,
                TrialFailures.reason(PLAN, new RuntimeException("training round failed", e)));
    }

    @Test
    void nd4jRefusingAnAllocationIsOutOfMemory() {
        RuntimeException e = new RuntimeException("Allocation failed: [[DEVICE] allocation failed; Error code: [12]]");

        assertTrue(TrialFailures.reason(PLAN, e).startsWith("out of memory on the driver while training trial "
                + "trial-003 (width 4096, layers 2, heads 8, batch_size 512, seq_length 64): Allocation failed: "
                + "[[DEVICE] allocation failed; Error code: [12]]" + ADVICE), TrialFailures.reason(PLAN, e));
    }

    @Test
    void aLostExecutorAnywhereInTheCauseChainCountsUnlessItRanOutOfMemory() {
        SparkException lost = new SparkException("Job aborted due to stage failure: Task 0 in stage 3.0 failed 1"
                + " times, most recent failure: Lost task 0.0 in stage 3.0 (TID 5) (127.0.0.1 executor 1):"
                + " ExecutorLostFailure (executor 1 exited caused by one of the running tasks) Reason: Command"
                + " exited with code 137");
        assertTrue(TrialFailures.executorLost(lost));
        assertTrue(TrialFailures.executorLost(new IllegalStateException("round failed", lost)));
        assertFalse(TrialFailures.executorLost(new SparkException("Job aborted due to stage failure: Task 0 failed"
                + " 2 times, most recent failure: ExecutorLostFailure (executor 2 exited caused by one of the running"
                + " tasks) Reason: java.lang.OutOfMemoryError: Java heap space")));
        assertFalse(TrialFailures.executorLost(new SparkException("Job 3 cancelled part of cancelled job group")));
        assertFalse(TrialFailures.executorLost(new OutOfMemoryError()));
    }

    @Test
    void anyOtherErrorIsItsRootCauseInOneBoundedLine() {
        IllegalStateException root = new IllegalStateException("x".repeat(5000));

        String reason = TrialFailures.reason(PLAN, new RuntimeException("wrapper", root));

        assertTrue(reason.startsWith("IllegalStateException: xxx"), reason);
        assertEquals(1003, reason.length());
    }
}
