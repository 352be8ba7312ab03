package io.hpo.space.spec;

import java.util.Map;

/**
 * What {@code strategy: {type: auto}} becomes when the spec loads, from the space's size, the trial budget and the
 * pruner, following the strategy benchmark (docs/benchmarks.md):
 * <ol>
 *   <li><b>grid</b> when the space is finite with at most {@code max_trials} configurations: every one is tried, so
 *       there is nothing for a model to choose;</li>
 *   <li><b>gp</b> for at most {@value #GP_MAX_TRIALS} trials over at most {@value #GP_MAX_DIMENSIONS} searched
 *       hyperparameters: on the demo task GP+ASHA reached random search's final best with a median 0.23–0.37 of the
 *       budget where TPE+ASHA needed 0.34–0.42, with 30–45 trials; a Gaussian process's fit grows with the cube of
 *       the trials, and its kernel loses its grip as dimensions grow;</li>
 *   <li><b>tpe</b> otherwise: linear in the trials, and the benchmark's choice past tens of them; also for a
 *       multi-objective search, which only TPE (as MOTPE) searches for.</li>
 * </ol>
 * With a pruner that stops trials at rungs (asha, hyperband) the model is fitted at the highest rung with enough
 * results ({@code multi_fidelity}, BOHB's rule), so pruned trials inform it, unless the spec sets multi_fidelity. The
 * search records the strategy it resolved to, so its record says what ran.
 */
final class AutoStrategy {

    static final int GP_MAX_TRIALS = 60;
    static final int GP_MAX_DIMENSIONS = 8;

    private AutoStrategy() {
    }

    /**
     * @param multiFidelityGiven whether the spec set multi_fidelity itself, which then stands
     * @param multiObjective     whether the spec lists objectives besides the loss
     */
    static StrategySpec resolve(StrategySpec auto, Map<String, ParamSpec> space, BudgetSpec budget, PrunerSpec pruner,
                                boolean multiFidelityGiven, boolean multiObjective) {
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
                : !multiObjective && budget.maxTrials() <= GP_MAX_TRIALS && dimensions <= GP_MAX_DIMENSIONS ? StrategyType.GP
                : StrategyType.TPE;
        boolean rungs = pruner.type() == PrunerType.ASHA || pruner.type() == PrunerType.HYPERBAND;
        TpeSpec tpe = auto.tpe();
        boolean multiFidelity = multiFidelityGiven ? tpe.multiFidelity() : rungs;
        TpeSpec resolved = new TpeSpec(tpe.startupTrials(), tpe.eiCandidates(), tpe.gamma(), tpe.multivariate(),
                multiFidelity);
        return new StrategySpec(type, auto.gridPoints(), resolved, auto.warmStart());
    }
}
