package io.hpo.aggregator.results;

import java.util.List;

/**
 * The Pareto front of a multi-objective search over the objectives its spec names, for the API and CLI.
 *
 * @param objectives  the spec's objectives: val_loss, then spend measure keys
 * @param units       each objective's unit ("" for the loss)
 * @param front       the non-dominated trials, by the last objective, then the loss
 * @param total       how many trials have a finite best loss and recorded accounting (the trials placed)
 * @param reference   with two objectives, the point the hypervolume is measured up to: 1.1 times the highest loss
 *                    and the highest spend among the placed trials; null with more
 * @param hypervolume with two objectives, the area the front dominates up to {@code reference}, in loss × spend
 *                    units (larger is better); null with more
 */
public record SearchFront(String searchId, List<String> objectives, List<String> units, List<Trial> front,
                          int total, List<Double> reference, Double hypervolume) {

    /** A trial on the front: {@code values} in the order of {@link #objectives()}. */
    public record Trial(String trialId, String status, List<Double> values, String overfitting) {
    }
}
