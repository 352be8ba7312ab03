package io.hpo.space.spec;

import java.io.Serializable;

/**
 * Settings of the tree-structured Parzen estimator (strategy type tpe).
 *
 * @param startupTrials trials drawn at random before the estimator takes over; finished trials count
 * @param eiCandidates  candidates drawn from the good-trial density per suggestion; the best ratio l/g wins
 * @param gamma         share of the observed trials (best first) that form the good group, capped at
 *                      {@link SpecLimits#MAX_TPE_GOOD_TRIALS}
 * @param multivariate  whether l and g are joint densities over all parameters, which keep what a trial combined,
 *                      rather than one density per parameter
 * @param multiFidelity whether the estimator fits the losses at the highest budget that startup_trials trials
 *                      reached rather than the final losses ({@link io.hpo.space.sampler.TpeSampler})
 */
public record TpeSpec(int startupTrials, int eiCandidates, double gamma, boolean multivariate, boolean multiFidelity)
        implements Serializable {

    public TpeSpec {
        requireStartupTrials(startupTrials);
        if (eiCandidates < 1 || eiCandidates > SpecLimits.MAX_TPE_EI_CANDIDATES) {
            throw new IllegalArgumentException("ei_candidates must be in [1, " + SpecLimits.MAX_TPE_EI_CANDIDATES
                    + "], got " + eiCandidates);
        }
        if (!(gamma > 0 && gamma < 1)) {
            throw new IllegalArgumentException("gamma must be in (0, 1), got " + gamma);
        }
    }

    /** The start-up trials' rule, which gp's settings share: the spec's one startup_trials serves both. */
    static void requireStartupTrials(int startupTrials) {
        if (startupTrials < 1 || startupTrials > SpecLimits.MAX_TPE_STARTUP_TRIALS) {
            throw new IllegalArgumentException("startup_trials must be in [1, " + SpecLimits.MAX_TPE_STARTUP_TRIALS
                    + "], got " + startupTrials);
        }
    }

    public static TpeSpec defaults() {
        return new TpeSpec(SpecDefaults.TPE_STARTUP_TRIALS, SpecDefaults.TPE_EI_CANDIDATES, SpecDefaults.TPE_GAMMA,
                SpecDefaults.TPE_MULTIVARIATE, SpecDefaults.MULTI_FIDELITY);
    }
}
