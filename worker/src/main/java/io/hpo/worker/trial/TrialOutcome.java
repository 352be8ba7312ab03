package io.hpo.worker.trial;

/** How a trial ended. */
public enum TrialOutcome {
    /** trained its full step budget */
    COMPLETED,
    /** the training or validation loss became NaN or infinite, or the training loss exploded past 3 × ln(vocabulary) */
    DIVERGED,
    /** an error, or the search's wall-time budget ran out mid-trial */
    FAILED,
    /** stopped early by the search's pruner after an evaluation */
    PRUNED
}
