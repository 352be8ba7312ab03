package io.hpo.space.spec;

import java.io.Serializable;

/**
 * Settings of Bayesian optimisation with a Gaussian process (strategy type gp).
 *
 * @param startupTrials trials of the start-up design before the process takes over; finished trials count
 */
public record GpSpec(int startupTrials) implements Serializable {

    public GpSpec {
        if (startupTrials < 1 || startupTrials > SpecLimits.MAX_TPE_STARTUP_TRIALS) {
            throw new IllegalArgumentException("startup_trials must be in [1, " + SpecLimits.MAX_TPE_STARTUP_TRIALS
                    + "], got " + startupTrials);
        }
    }
}
