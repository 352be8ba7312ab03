package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;

import java.util.Comparator;
import java.util.Objects;

/**
 * A trial that ended, as a sampler learns from it.
 *
 * @param config the trial's hyperparameters
 * @param loss   its best validation loss; NaN or infinite when it never had a finite one
 * @param steps  steps it trained: a pruned trial has fewer than the budget
 */
public record FinishedTrial(Hyperparameters config, double loss, long steps) {

    /**
     * Best first: more steps trained first (a pruned trial was judged worse than those that went on, whatever its
     * early loss), then lower loss; trials without a finite loss last.
     */
    public static final Comparator<FinishedTrial> BEST_FIRST = Comparator
            .comparing((FinishedTrial t) -> !Double.isFinite(t.loss()))
            .thenComparing(Comparator.comparingLong(FinishedTrial::steps).reversed())
            .thenComparingDouble(FinishedTrial::loss);

    public FinishedTrial {
        Objects.requireNonNull(config, "config");
    }
}
