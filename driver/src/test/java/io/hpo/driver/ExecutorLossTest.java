package io.hpo.driver;

import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExecutorLossTest {

    @Test
    void aLostExecutorAnywhereInTheCauseChainCountsAndOtherFailuresDoNot() {
        SparkException lost = new SparkException("Job aborted due to stage failure: Task 0 in stage 3.0 failed 1"
                + " times, most recent failure: Lost task 0.0 in stage 3.0 (TID 5) (127.0.0.1 executor 1):"
                + " ExecutorLostFailure (executor 1 exited caused by one of the running tasks) Reason: Command"
                + " exited with code 137");
        assertTrue(ExecutorLoss.causedBy(lost));
        assertTrue(ExecutorLoss.causedBy(new IllegalStateException("round failed", lost)));
        assertFalse(ExecutorLoss.causedBy(new SparkException("Job aborted due to stage failure: Task 0 failed 2"
                + " times, most recent failure: java.lang.OutOfMemoryError: Java heap space")));
        assertFalse(ExecutorLoss.causedBy(new OutOfMemoryError()));
        assertFalse(ExecutorLoss.causedBy(null));
    }
}
