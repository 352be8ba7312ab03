package io.hpo.space.spec;

/** How the driver picks the next configuration to try. */
public enum StrategyType {
    /** independent draws from each hyperparameter's distribution */
    RANDOM,
    /** every point of the grid, in order; continuous and wide integer ranges are cut into grid_points values */
    GRID,
    /** tree-structured Parzen estimator: random start-up trials, then where good trials are denser than bad ones */
    TPE,
    /** Gaussian-process Bayesian optimisation: the same start-up trials, then the largest expected improvement */
    GP,
    /**
     * population-based training: a random initial population trains in intervals; between them the worst members
     * copy the best ones' state and explore their hyperparameters
     */
    PBT,
    /** random, grid, tpe or gp, chosen when the spec loads from the space, the budget and the pruner ({@link AutoStrategy}) */
    AUTO
}
