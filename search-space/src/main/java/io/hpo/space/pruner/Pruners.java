package io.hpo.space.pruner;

import io.hpo.space.spec.PrunerSpec;
import io.hpo.space.spec.SearchSpec;

/** Builds the pruner a spec asks for. */
public final class Pruners {

    private Pruners() {
    }

    public static Pruner forSpec(SearchSpec spec) {
        PrunerSpec p = spec.pruner();
        return switch (p.type()) {
            case NONE -> new NoPruner();
            case MEDIAN -> new MedianPruner(p.startupTrials(), p.warmupSteps());
            case ASHA -> new AshaPruner(minSteps(spec), p.reductionFactor(), p.minEarlyStoppingRate(),
                    spec.budget().maxStepsPerTrial());
            case HYPERBAND -> new HyperbandPruner(minSteps(spec), p.reductionFactor(), brackets(spec),
                    spec.budget().maxStepsPerTrial());
        };
    }

    /** The first rung's steps: min_steps, or eval_every when it is 0. */
    private static long minSteps(SearchSpec spec) {
        return spec.pruner().minSteps() > 0 ? spec.pruner().minSteps() : spec.training().evalEvery();
    }

    /** Hyperband's brackets: the spec's, or as many as fit when it says 0. */
    private static int brackets(SearchSpec spec) {
        PrunerSpec p = spec.pruner();
        return p.brackets() > 0 ? p.brackets() : HyperbandPruner.bracketsThatFit(minSteps(spec), p.reductionFactor(),
                spec.budget().maxStepsPerTrial());
    }
}
