package io.hpo.space.spec;

import java.io.Serializable;
import java.util.List;

/**
 * Settings of population-based training (strategy type pbt); {@link io.hpo.space.pbt.PopulationBasedTraining} has
 * the rule they drive.
 *
 * @param population          members trained side by side, each one trial for the whole search
 * @param exploitEvery        steps between exploit points
 * @param quantile            share of the population, ranked by loss, that copies a member of the same share at the
 *                            top; in (0, 0.5] so that the two never overlap
 * @param perturb             factors an explored hyperparameter is multiplied by, one chosen uniformly
 * @param resampleProbability chance that an explored hyperparameter is drawn afresh from the space instead
 */
public record PbtSpec(int population, int exploitEvery, double quantile, List<Double> perturb,
                      double resampleProbability) implements Serializable {

    public PbtSpec {
        perturb = List.copyOf(perturb);
        if (population < 2 || population > SpecLimits.MAX_TRIALS) {
            throw new IllegalArgumentException("population must be in [2, " + SpecLimits.MAX_TRIALS + "], got "
                    + population);
        }
        if (exploitEvery < 1) {
            throw new IllegalArgumentException("exploit_every must be >= 1, got " + exploitEvery);
        }
        if (!(quantile > 0 && quantile <= 0.5)) {
            throw new IllegalArgumentException("quantile must be in (0, 0.5], got " + quantile);
        }
        if (perturb.isEmpty() || perturb.size() > SpecLimits.MAX_PBT_PERTURB_FACTORS) {
            throw new IllegalArgumentException("perturb must list 1 to " + SpecLimits.MAX_PBT_PERTURB_FACTORS
                    + " factors, got " + perturb.size());
        }
        perturb.forEach(PbtSpec::requireFactor);
        if (!(resampleProbability >= 0 && resampleProbability <= 1)) {
            throw new IllegalArgumentException("resample_probability must be in [0, 1], got " + resampleProbability);
        }
    }

    /** Why {@code factor} cannot be a perturb factor, or null. */
    static String factorProblem(double factor) {
        return factor > 0 && factor <= SpecLimits.MAX_PBT_PERTURB_FACTOR ? null
                : "perturb factors must be in (0, " + io.hpo.space.Hyperparameter.format(SpecLimits.MAX_PBT_PERTURB_FACTOR)
                        + "], got " + factor;
    }

    private static void requireFactor(double factor) {
        String problem = factorProblem(factor);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * How many of {@code members} copy another at an exploit point, and how many are the donors:
     * max(1, floor(members * quantile)).
     */
    public int truncated(int members) {
        return Math.max(1, (int) Math.floor(members * quantile));
    }

    public static PbtSpec defaults() {
        return new PbtSpec(SpecDefaults.PBT_POPULATION, SpecDefaults.PBT_EXPLOIT_EVERY, SpecDefaults.PBT_QUANTILE,
                SpecDefaults.PBT_PERTURB, SpecDefaults.PBT_RESAMPLE_PROBABILITY);
    }
}
