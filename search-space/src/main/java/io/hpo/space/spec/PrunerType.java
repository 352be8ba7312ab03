package io.hpo.space.spec;

/** How the driver decides to stop a running trial early. */
public enum PrunerType {
    /** every trial trains its full step budget */
    NONE,
    /** stop a trial whose best loss so far is worse than the median of other trials at the same step */
    MEDIAN,
    /** asynchronous successive halving: at each rung only the best 1/reduction_factor go on */
    ASHA,
    /** asynchronous Hyperband: brackets of ASHA whose first rungs sit at successively larger budgets */
    HYPERBAND
}
