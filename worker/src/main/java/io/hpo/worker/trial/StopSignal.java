package io.hpo.worker.trial;

import io.hpo.events.TrialStatus;

import java.util.Optional;

/** Asked by {@link TrialRunner} between averaging rounds whether the trial must end now, and how. */
@FunctionalInterface
public interface StopSignal {

    /** Why the trial stops now, or empty to go on. */
    Optional<StopRequest> poll();

    /** A trial that ends only by itself: completed, diverged or failed. */
    static StopSignal never() {
        return Optional::empty;
    }

    /**
     * @param outcome how the trial ends: FAILED for a spent wall-time budget, PRUNED when a pruner stopped it
     * @param reason  why
     */
    record StopRequest(TrialStatus outcome, String reason) {
    }
}
