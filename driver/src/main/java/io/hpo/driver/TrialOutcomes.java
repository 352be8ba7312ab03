package io.hpo.driver;

import io.hpo.events.LifecycleType;
import io.hpo.worker.trial.TrialOutcome;

/** How a trial's outcome and the lifecycle event that ends it name each other, both ways in one place. */
final class TrialOutcomes {
    private TrialOutcomes() {
    }

    /** The terminal event a trial with this outcome publishes. */
    static LifecycleType terminalEvent(TrialOutcome outcome) {
        return switch (outcome) {
            case COMPLETED -> LifecycleType.TRIAL_COMPLETED;
            case DIVERGED -> LifecycleType.TRIAL_DIVERGED;
            case FAILED -> LifecycleType.TRIAL_FAILED;
            case PRUNED -> LifecycleType.TRIAL_PRUNED;
        };
    }

    /** The outcome a recorded terminal event stands for. */
    static TrialOutcome of(LifecycleType terminal) {
        return switch (terminal) {
            case TRIAL_COMPLETED -> TrialOutcome.COMPLETED;
            case TRIAL_DIVERGED -> TrialOutcome.DIVERGED;
            case TRIAL_FAILED -> TrialOutcome.FAILED;
            case TRIAL_PRUNED -> TrialOutcome.PRUNED;
            default -> throw new IllegalArgumentException(terminal + " does not end a trial");
        };
    }
}
