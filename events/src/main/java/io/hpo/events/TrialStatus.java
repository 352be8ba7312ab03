package io.hpo.events;

import java.util.Arrays;
import java.util.List;

/**
 * A trial's state, the one vocabulary of the worker's training result, the driver's lifecycle events and the
 * aggregator's store. It only moves forward: CREATED, RUNNING, then one terminal status, which a lifecycle event
 * of its own announces. The names are stored (the store's {@code status} column, metric tags): renaming one breaks
 * existing stores.
 */
public enum TrialStatus {
    /** sampled; announced by TRIAL_CREATED */
    CREATED(null),
    /** an attempt is training; announced by TRIAL_STARTED */
    RUNNING(null),
    /** trained its full step budget */
    COMPLETED(LifecycleType.TRIAL_COMPLETED),
    /**
     * the training or validation loss became NaN or infinite, or the training loss exploded past 3 × ln(vocabulary)
     */
    DIVERGED(LifecycleType.TRIAL_DIVERGED),
    /** an error, or the search's wall-time budget ran out mid-trial */
    FAILED(LifecycleType.TRIAL_FAILED),
    /** stopped early by the search's pruner after an evaluation */
    PRUNED(LifecycleType.TRIAL_PRUNED);

    private static final List<TrialStatus> TERMINAL = Arrays.stream(values()).filter(TrialStatus::isTerminal).toList();

    private final LifecycleType terminalEvent;

    TrialStatus(LifecycleType terminalEvent) {
        this.terminalEvent = terminalEvent;
    }

    /** A trial in this state will not change again. */
    public boolean isTerminal() {
        return terminalEvent != null;
    }

    /** The lifecycle event that ends a trial with this status. */
    public LifecycleType terminalEvent() {
        if (terminalEvent == null) {
            throw new IllegalStateException(this + " does not end a trial");
        }
        return terminalEvent;
    }

    /** The statuses a trial can end with, in declaration order. */
    public static List<TrialStatus> terminal() {
        return TERMINAL;
    }

    /** The status a terminal trial event ends its trial with. */
    public static TrialStatus endedBy(LifecycleType terminal) {
        return TERMINAL.stream().filter(s -> s.terminalEvent == terminal).findFirst().orElseThrow(
                () -> new IllegalArgumentException(terminal + " does not end a trial"));
    }
}
