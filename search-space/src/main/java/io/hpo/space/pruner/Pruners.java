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
            case ASHA -> new AshaPruner(p.minSteps() > 0 ? p.minSteps() : spec.training().evalEvery(),
                    p.reductionFactor(), p.minEarlyStoppingRate(), spec.budget().maxStepsPerTrial());
        };
    }
}
