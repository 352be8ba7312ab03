package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;
import io.hpo.space.cost.Spend;

import java.util.Collections;
import java.util.Comparator;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A trial that ended, as a sampler learns from it.
 *
 * @param config      the trial's hyperparameters
 * @param loss        its best validation loss; NaN or infinite when it never had a finite one
 * @param steps       steps it trained: a pruned trial has fewer than the budget
 * @param evaluations its validation loss at each step it was evaluated (its last attempt's), lowest step first;
 *                    empty where only the final loss is known
 * @param spend       what it spent, for a multi-objective search; null where not known (an earlier search's trial)
 */
public record FinishedTrial(Hyperparameters config, double loss, long steps, NavigableMap<Long, Double> evaluations,
                            Spend spend) {

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
        evaluations = Collections.unmodifiableNavigableMap(new TreeMap<>(evaluations));
    }

    /** A trial whose spend is not known. */
    public FinishedTrial(Hyperparameters config, double loss, long steps, NavigableMap<Long, Double> evaluations) {
        this(config, loss, steps, evaluations, null);
    }

    /** A trial known by its final loss only. */
    public FinishedTrial(Hyperparameters config, double loss, long steps) {
        this(config, loss, steps, new TreeMap<>());
    }
}
