package io.hpo.space.spec;

import java.io.Serializable;

/**
 * Settings of Bayesian optimisation with a Gaussian process (strategy type gp).
 *
 * @param startupTrials trials of the start-up design before the process takes over; finished trials count
 * @param multiFidelity whether the process fits the losses at the highest budget that startup_trials trials reached
 *                      rather than the final losses ({@link io.hpo.space.sampler.GpSampler})
 */
public record GpSpec(int startupTrials, boolean multiFidelity) implements Serializable {

    public GpSpec {
        TpeSpec.requireStartupTrials(startupTrials);
    }
}
