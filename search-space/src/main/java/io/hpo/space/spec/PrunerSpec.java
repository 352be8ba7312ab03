package io.hpo.space.spec;

import java.io.Serializable;
import java.util.Objects;

/**
 * Early stopping of running trials, decided on the driver from their validation evaluations.
 *
 * @param type                 which pruner
 * @param startupTrials        median: trials that must have ended before any trial is pruned
 * @param warmupSteps          median: no trial is pruned before this step
 * @param minSteps             asha, hyperband: step budget of the first rung; 0 means the spec's eval_every
 * @param reductionFactor      asha, hyperband: rung k sits at
 *                             min_steps * reduction_factor^(k + min_early_stopping_rate), and the best
 *                             1/reduction_factor of each rung go on
 * @param minEarlyStoppingRate asha: skips the lowest rungs
 * @param brackets             hyperband: bracket b is an asha with min_early_stopping_rate b; 0 means as many as
 *                             fit ({@link io.hpo.space.pruner.HyperbandPruner#bracketsThatFit})
 */
public record PrunerSpec(PrunerType type, int startupTrials, int warmupSteps, int minSteps, int reductionFactor,
                         int minEarlyStoppingRate, int brackets) implements Serializable {

    public PrunerSpec {
        Objects.requireNonNull(type, "type");
        if (startupTrials < 0 || warmupSteps < 0 || minSteps < 0 || minEarlyStoppingRate < 0 || brackets < 0) {
            throw new IllegalArgumentException("startup_trials, warmup_steps, min_steps, min_early_stopping_rate and"
                    + " brackets must be >= 0");
        }
        if (reductionFactor < 2) {
            throw new IllegalArgumentException("reduction_factor must be >= 2, got " + reductionFactor);
        }
    }

    /** The steps of the first rung (asha, hyperband): min_steps, or eval_every where it is 0. */
    public long firstRungSteps(TrainingSpec training) {
        return minSteps > 0 ? minSteps : training.evalEvery();
    }

    public static PrunerSpec none() {
        return new PrunerSpec(PrunerType.NONE, SpecDefaults.PRUNER_STARTUP_TRIALS, SpecDefaults.PRUNER_WARMUP_STEPS,
                SpecDefaults.ASHA_MIN_STEPS, SpecDefaults.ASHA_REDUCTION_FACTOR,
                SpecDefaults.ASHA_MIN_EARLY_STOPPING_RATE, SpecDefaults.HYPERBAND_BRACKETS);
    }
}
