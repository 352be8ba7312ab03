package io.hpo.aggregator.store;

import io.hpo.events.LifecycleType;

/** A trial's state in the store; it only moves forward: CREATED, RUNNING, then one terminal state. */
public enum TrialStatus {
    CREATED, RUNNING, COMPLETED, DIVERGED, FAILED, PRUNED;

    /** A trial in this state will not change again. */
    public boolean isTerminal() {
        return this != CREATED && this != RUNNING;
    }

    static TrialStatus of(LifecycleType terminal) {
        return switch (terminal) {
            case TRIAL_COMPLETED -> COMPLETED;
            case TRIAL_DIVERGED -> DIVERGED;
            case TRIAL_FAILED -> FAILED;
            case TRIAL_PRUNED -> PRUNED;
            default -> throw new IllegalArgumentException(terminal + " is not a terminal trial event");
        };
    }
}
