package io.hpo.worker.trial;

import io.hpo.space.Hyperparameters;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reason a trial that threw carries in its FAILED event; the one place that recognises running out of memory.
 * Out of memory arrives in three shapes: an {@link OutOfMemoryError} thrown where the trial runs (the driver builds
 * the model and the batches), a Spark task failure whose message holds the executor's error as text, and ND4J's
 * off-heap allocator refusing an allocation (JavaCPP's "Cannot allocate new ...", libnd4j's "Allocation failed").
 */
public final class TrialFailures {

    private static final int MAX_REASON = 1000;
    /** How Spark names the task that failed: "Lost task 0.0 in stage 3.0 (TID 3) (10.0.0.7 executor 2)". */
    private static final Pattern SPARK_TASK = Pattern.compile("\\(TID \\d+\\) \\(([^ ()]+) executor ([^ ()]+)\\)");
    private static final List<String> OUT_OF_MEMORY = List.of("java.lang.OutOfMemoryError",
            "Physical memory usage is too high", "Cannot allocate new", "Allocation failed");

    // Spark names the task failure reason in the job's abort message, e.g. "ExecutorLostFailure (executor 1
    // exited caused by one of the running tasks) Reason: Command exited with code 137"
    private static final List<String> EXECUTOR_LOST = List.of("ExecutorLostFailure", "Executor heartbeat timed out",
            "Remote RPC client disassociated");

    private TrialFailures() {
    }

    /**
     * Whether the trial failed because Spark lost an executor under it (its machine or JVM went away), which a new
     * attempt elsewhere can survive, rather than on its own (bad input, a bug, out of memory), which would fail
     * again. An executor that died of running out of memory counts as out of memory.
     */
    public static boolean executorLost(Throwable error) {
        List<Throwable> chain = chain(error);
        return outOfMemory(chain).isEmpty() && chain.stream().map(Throwable::getMessage)
                .anyMatch(m -> m != null && EXECUTOR_LOST.stream().anyMatch(m::contains));
    }

    /** Why the trial of {@code plan} failed with {@code error}, in one line. */
    public static String reason(TrialPlan plan, Throwable error) {
        List<Throwable> chain = chain(error);
        Optional<String> outOfMemory = outOfMemory(chain);
        if (outOfMemory.isPresent()) {
            Hyperparameters hp = plan.hyperparameters();
            return shorten("out of memory " + where(chain) + " while training trial " + plan.trialId()
                    + " (width " + hp.width() + ", layers " + hp.layers() + ", heads " + hp.heads() + ", batch_size "
                    + hp.batchSize() + ", seq_length " + hp.seqLength() + "): " + outOfMemory.get()
                    + " — lower batch_size, seq_length or width, or give executors more memory"
                    + " (spark.executor.memory for the heap, -Dorg.bytedeco.javacpp.maxbytes for ND4J off-heap)");
        }
        Throwable root = chain.get(chain.size() - 1);
        return shorten(root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage()));
    }

    /** The error and its causes, outermost first; a cause seen before ends the walk. */
    private static List<Throwable> chain(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** The first line that says memory ran out: the error itself, or the text Spark or ND4J wrapped it in. */
    private static Optional<String> outOfMemory(List<Throwable> chain) {
        for (Throwable t : chain) {
            if (t instanceof OutOfMemoryError) {
                return Optional.of(firstLine(t.toString()));
            }
            String message = t.getMessage();
            if (message == null) {
                continue;
            }
            for (String marker : OUT_OF_MEMORY) {
                int at = message.indexOf(marker);
                if (at >= 0) {
                    return Optional.of(firstLine(message.substring(at)));
                }
            }
        }
        return Optional.empty();
    }

    /** "on executor 2 (10.0.0.7)" for a failed Spark task; otherwise it ran out in the driver's own JVM. */
    private static String where(List<Throwable> chain) {
        for (Throwable t : chain) {
            if (t.getMessage() != null) {
                Matcher task = SPARK_TASK.matcher(t.getMessage());
                if (task.find()) {
                    return "on executor " + task.group(2) + " (" + task.group(1) + ")";
                }
            }
        }
        return "on the driver";
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).strip();
    }

    private static String shorten(String reason) {
        return reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason;
    }
}
