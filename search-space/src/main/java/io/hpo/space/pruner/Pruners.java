package io.hpo.space.pruner;

import io.hpo.space.spec.PrunerSpec;
import io.hpo.space.spec.SearchSpec;

/** Builds the pruner a spec asks for. */
public final class Pruners {

    private Pruners() {
    }

    public static Pruner forSpec(SearchSpec spec) {
        PrunerSpec p = spec.pruner();
        long firstRung = p.firstRungSteps(spec.training());
        long maxSteps = spec.budget().maxStepsPerTrial();
        return switch (p.type()) {
            case NONE -> new NoPruner();
            case MEDIAN -> new MedianPruner(p.startupTrials(), p.warmupSteps());
            case ASHA -> new AshaPruner(firstRung, p.reductionFactor(), p.minEarlyStoppingRate(), maxSteps);
            // brackets 0: as many as fit
            case HYPERBAND -> new HyperbandPruner(firstRung, p.reductionFactor(), p.brackets() > 0 ? p.brackets()
                    : HyperbandPruner.bracketsThatFit(firstRung, p.reductionFactor(), maxSteps), maxSteps);
        };
    }
}
