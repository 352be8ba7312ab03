package io.hpo.events;

/** What happened to a search or one of its trials. */
public enum LifecycleType {
    SEARCH_STARTED,
    SEARCH_FINISHED,
    TRIAL_CREATED,
    TRIAL_STARTED,
    TRIAL_EVALUATED,
    TRIAL_COMPLETED,
    TRIAL_DIVERGED,
    TRIAL_FAILED,
    /** stopped early by the search's pruner; the event carries the step and, for successive halving, the rung */
    TRIAL_PRUNED,
    /**
     * population-based training: the trial took over a better member's state and goes on with explored
     * hyperparameters; not terminal
     */
    TRIAL_EXPLOITED;

    /** A trial never leaves one of these states. */
    public boolean isTrialTerminal() {
        return this == TRIAL_COMPLETED || this == TRIAL_DIVERGED || this == TRIAL_FAILED || this == TRIAL_PRUNED;
    }

    public boolean isSearchEvent() {
        return this == SEARCH_STARTED || this == SEARCH_FINISHED;
    }
}
