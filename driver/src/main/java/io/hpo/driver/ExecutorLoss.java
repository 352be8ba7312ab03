package io.hpo.driver;

/**
 * Tells a trial that failed because Spark lost an executor under it (the machine or the JVM went away, which a
 * new attempt elsewhere can survive) from one that failed on its own (bad input, a bug, out of memory), which
 * would fail again.
 */
final class ExecutorLoss {
    // Spark names the task failure reason in the job's abort message, e.g. "ExecutorLostFailure (executor 1
    // exited caused by one of the running tasks) Reason: Command exited with code 137"
    private static final String[] MARKERS = {"ExecutorLostFailure", "Executor heartbeat timed out",
            "Remote RPC client disassociated"};

    private ExecutorLoss() {
    }

    static boolean causedBy(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message == null) {
                continue;
            }
            for (String marker : MARKERS) {
                if (message.contains(marker)) {
                    return true;
                }
            }
        }
        return false;
    }
}
