package io.hpo.space.sampler;

import io.hpo.space.cost.Spend;
import io.hpo.space.cost.SpendMeasure;
import io.hpo.space.pareto.CrowdingDistance;
import io.hpo.space.pareto.NondominatedSort;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MOTPE's good group: instead of the trials with the lowest losses, the trials on the best Pareto fronts of
 * (loss, each objective's spend). Whole fronts join the good group, best first, until the next would overfill it;
 * that front's most isolated trials ({@link CrowdingDistance}) fill the rest, so the group spans the front rather
 * than crowding one end of it. As in {@link FinishedTrial#BEST_FIRST}, trials that trained more steps come before
 * pruned ones, and trials without a finite loss last, whatever their fronts: fronts are sorted within each such
 * tier. A spend that is not known (an earlier search's trial) counts as the highest, and a missing loss as the
 * highest.
 * <p>
 * Paper: Ozaki et al., "Multiobjective Tree-Structured Parzen Estimator for Computationally Expensive Optimization
 * Problems", GECCO 2020, and "Multiobjective Tree-Structured Parzen Estimator", JAIR 73, 2022 (there the last front
 * is broken by hypervolume contribution; crowding distance serves any number of objectives and is what NSGA-II
 * uses).
 */
final class ParetoSplit {

    private ParetoSplit() {
    }

    /** Marks the {@code k} trials of the good group. */
    static boolean[] good(List<FinishedTrial> trials, List<SpendMeasure> objectives, int k) {
        boolean[] marked = new boolean[trials.size()];
        int left = k;
        for (List<Integer> tier : tiers(trials)) {
            if (left == 0) {
                break;
            }
            List<double[]> points = tier.stream().map(i -> point(trials.get(i), objectives)).toList();
            for (List<Integer> front : NondominatedSort.fronts(points, left)) {
                List<Integer> chosen = front.size() <= left ? front
                        : CrowdingDistance.mostIsolated(points, front, left);
                chosen.forEach(i -> marked[tier.get(i)] = true);
                left -= chosen.size();
            }
        }
        return marked;
    }

    /** Trial indices grouped as {@link FinishedTrial#BEST_FIRST} ranks before loss: finite loss, then more steps. */
    private static List<List<Integer>> tiers(List<FinishedTrial> trials) {
        Comparator<FinishedTrial> tierOrder = Comparator.comparing((FinishedTrial t) -> !Double.isFinite(t.loss()))
                .thenComparing(Comparator.comparingLong(FinishedTrial::steps).reversed());
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < trials.size(); i++) {
            order.add(i);
        }
        order.sort((a, b) -> tierOrder.compare(trials.get(a), trials.get(b)));
        Map<String, List<Integer>> tiers = new LinkedHashMap<>();
        for (int i : order) {
            FinishedTrial t = trials.get(i);
            tiers.computeIfAbsent(Double.isFinite(t.loss()) + "/" + t.steps(), key -> new ArrayList<>()).add(i);
        }
        return List.copyOf(tiers.values());
    }

    private static double[] point(FinishedTrial trial, List<SpendMeasure> objectives) {
        double[] point = new double[objectives.size() + 1];
        point[0] = Double.isFinite(trial.loss()) ? trial.loss() : Double.POSITIVE_INFINITY;
        Spend spend = trial.spend();
        for (int m = 0; m < objectives.size(); m++) {
            double value = spend == null ? Double.NaN : spend.get(objectives.get(m));
            point[m + 1] = Double.isFinite(value) ? value : Double.POSITIVE_INFINITY;
        }
        return point;
    }
}
