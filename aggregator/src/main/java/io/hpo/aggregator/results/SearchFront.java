package io.hpo.aggregator.results;

import io.hpo.aggregator.store.StoredTrial;
import io.hpo.space.cost.SpendMeasure;
import io.hpo.space.pareto.Hypervolume;
import io.hpo.space.spec.SearchSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /** The hypervolume's reference point lies this far past the worst placed trial, so that the extremes count. */
    private static final double HYPERVOLUME_MARGIN = 1.1;

    /** The front of {@code placed} (trials with a finite loss and accounting) over the loss and {@code measures}. */
    static SearchFront of(String searchId, List<SpendMeasure> measures, List<StoredTrial> placed) {
        Map<String, double[]> points = new LinkedHashMap<>();
        for (StoredTrial t : placed) {
            double[] point = new double[measures.size() + 1];
            point[0] = t.bestValLoss();
            for (int m = 0; m < measures.size(); m++) {
                point[m + 1] = t.spend().get(measures.get(m));
            }
            points.put(t.trialId(), point);
        }
        Set<String> onFront = ParetoFront.of(points.entrySet().stream()
                .map(e -> new ParetoFront.Point(e.getKey(), e.getValue())).toList());
        List<SearchFront.Trial> front = placed.stream().filter(t -> onFront.contains(t.trialId()))
                .sorted(Comparator.<StoredTrial>comparingDouble(t -> points.get(t.trialId())[measures.size()])
                        .thenComparingDouble(StoredTrial::bestValLoss))
                .map(t -> new SearchFront.Trial(t.trialId(), t.status(),
                        Arrays.stream(points.get(t.trialId())).boxed().toList(), t.overfitting())).toList();
        List<String> keys = new ArrayList<>(List.of(SearchSpec.LOSS_OBJECTIVE));
        List<String> units = new ArrayList<>(List.of(""));
        measures.forEach(m -> {
            keys.add(m.key());
            units.add(m.unit());
        });
        if (measures.size() != 1) {
            return new SearchFront(searchId, keys, units, front, placed.size(), null, null);
        }
        double[] reference = new double[2];
        points.values().stream().filter(p -> Double.isFinite(p[0]) && Double.isFinite(p[1])).forEach(p -> {
            reference[0] = Math.max(reference[0], HYPERVOLUME_MARGIN * p[0]);
            reference[1] = Math.max(reference[1], HYPERVOLUME_MARGIN * p[1]);
        });
        double hypervolume = Hypervolume.of(front.stream().map(t -> new double[]{t.values().get(0),
                t.values().get(1)}).toList(), reference);
        return new SearchFront(searchId, keys, units, front, placed.size(), List.of(reference[0], reference[1]),
                hypervolume);
    }

    /** A trial on the front: {@code values} in the order of {@link #objectives()}. */
    public record Trial(String trialId, String status, List<Double> values, String overfitting) {
    }
}
