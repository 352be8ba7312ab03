package io.hpo.space.sampler;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * What a model-based sampler fits on with multi_fidelity (BOHB's rule): the finished trials' losses at the highest
 * budget, in steps, that at least {@code minTrials} of them reached, instead of their final losses. Under a pruner
 * the final losses are measured at different budgets, and a loss after 30 steps says little against one after 90;
 * at one budget the model compares like with like, and trials pruned past it still count. A trial reached budget b
 * when it was evaluated at step b or later, so b is the minTrials-th largest last evaluation step; its loss at b is
 * its best validation loss at steps up to b (as its final loss is its best overall), NaN without a finite one. A
 * trial that never had a finite loss (it failed or diverged) joins at any budget, ranked last as among final
 * losses; one known by its final loss only (no evaluations) joins at none. Every trial of the view carries the
 * budget as its steps, so {@link FinishedTrial#BEST_FIRST} ranks them by loss alone. Without a pruner every trial
 * reaches the full budget, and the view holds the final losses.
 * <p>
 * Paper: Falkner et al., "BOHB: Robust and Efficient Hyperparameter Optimization at Scale", ICML 2018,
 * arXiv:1807.01774 (the model of the largest budget with enough observations).
 */
final class MultiFidelity {

    private MultiFidelity() {
    }

    /** What a model fits: the trials at the highest budget with multi_fidelity, else all at their final losses. */
    static List<FinishedTrial> observed(List<FinishedTrial> finished, boolean multiFidelity, int minTrials) {
        return multiFidelity ? atHighestBudget(finished, minTrials) : finished;
    }

    /** The trials at the highest budget at least {@code minTrials} reached; empty when no budget has enough. */
    static List<FinishedTrial> atHighestBudget(List<FinishedTrial> finished, int minTrials) {
        long[] lastEvaluated = finished.stream().filter(t -> !t.evaluations().isEmpty())
                .mapToLong(t -> t.evaluations().lastKey()).sorted().toArray();
        if (lastEvaluated.length < minTrials) {
            return List.of();
        }
        long budget = lastEvaluated[lastEvaluated.length - minTrials];
        List<FinishedTrial> view = new ArrayList<>();
        for (FinishedTrial t : finished) {
            boolean reached = !t.evaluations().isEmpty() && t.evaluations().lastKey() >= budget;
            if (reached || !Double.isFinite(t.loss())) {
                view.add(new FinishedTrial(t.config(), bestUpTo(t, budget), budget, new TreeMap<>(), t.spend()));
            }
        }
        return view;
    }

    private static double bestUpTo(FinishedTrial trial, long budget) {
        return trial.evaluations().headMap(budget, true).values().stream().mapToDouble(Double::doubleValue)
                .filter(Double::isFinite).min().orElse(Double.NaN);
    }
}
