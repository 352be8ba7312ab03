package io.hpo.space.spec;

import java.util.Map;

/**
 * What {@code strategy: {type: auto}} becomes when the spec loads, from the space's size, the trial budget and the
 * pruner, following the strategy benchmark (docs/benchmarks.md; the choices under a pruner come from seeds 1–20 by
 * the test loss of each search's choice, under a rule fixed before that run):
 * <ol>
 *   <li><b>grid</b> when the space is finite with at most {@code max_trials} configurations: every one is tried, so
 *       there is nothing for a model to choose;</li>
 *   <li><b>tpe</b> under a hyperband pruner: TPE+Hyperband reached random search's final test loss with a median
 *       0.47 of the budget, as random search under Hyperband did, with the lower test loss (1.789 against 1.835);
 *       BOHB's multi-fidelity TPE needed 0.50;</li>
 *   <li><b>gp</b> for at most {@value #GP_MAX_TRIALS} trials over at most {@value #GP_MAX_DIMENSIONS} searched
 *       hyperparameters: GP+ASHA needed a median 0.30 of the budget, the best row, TPE+ASHA 0.41 (ASHA's
 *       default reduction factor 4; with 3, 0.32 and 0.41); a Gaussian
 *       process's fit grows with the cube of the trials, and its kernel loses its grip as dimensions grow;</li>
 *   <li><b>tpe</b> otherwise: linear in the trials; also for a multi-objective search, which only TPE (as MOTPE)
 *       searches for.</li>
 * </ol>
 * {@code multi_fidelity} stays as the spec says (default false, the model fitted on final losses): the only row fitted at
 * rungs, BOHB, did worse than the same TPE fitted on final losses under the same Hyperband. A model-based choice
 * starts with {@value #STARTUP_TRIALS} start-up trials unless the spec sets {@code startup_trials}: every row of the
 * benchmark ran with that many, and GP+ASHA with 5 did worse on the held-out seeds (0.41 of the budget against
 * 0.28); the spec's default for tpe and gp named outright, 10, was not measured. The search records the strategy it
 * resolved to, so its record says what ran.
 */
final class AutoStrategy {

    static final int GP_MAX_TRIALS = 60;
    static final int GP_MAX_DIMENSIONS = 8;
    /** The default startup_trials of a spec whose strategy is auto (the parser reads it as such). */
    static final int STARTUP_TRIALS = 8;

    private AutoStrategy() {
    }

    /**
     * @param multiObjective whether the spec lists objectives besides the loss
     */
    static StrategySpec resolve(StrategySpec auto, Map<String, ParamSpec> space, BudgetSpec budget, PrunerSpec pruner,
                                boolean multiObjective) {
        long configurations = 1;
        int dimensions = 0;
        boolean finite = true;
        for (ParamSpec p : space.values()) {
            finite &= p.isFinite();
            if (p.isFinite()) {
                configurations = configurations > Long.MAX_VALUE / p.size() ? Long.MAX_VALUE
                        : configurations * p.size();
            }
            dimensions += p.size() > 1 ? 1 : 0;
        }
        StrategyType type = finite && configurations <= budget.maxTrials() ? StrategyType.GRID
                : multiObjective || pruner.type() == PrunerType.HYPERBAND ? StrategyType.TPE
                : budget.maxTrials() <= GP_MAX_TRIALS && dimensions <= GP_MAX_DIMENSIONS ? StrategyType.GP
                : StrategyType.TPE;
        return new StrategySpec(type, auto.gridPoints(), auto.tpe(), auto.warmStart());
    }
}
