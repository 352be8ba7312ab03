package io.hpo.space.pareto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * How isolated each point of one front is: per objective, the gap between its two neighbours in that objective,
 * as a share of the front's range there, summed over objectives; the extremes of each objective are infinitely
 * isolated. Keeping the most isolated points keeps a front's spread, the extremes first. An objective whose range is
 * zero or infinite adds only its extremes.
 * <p>
 * Paper: Deb et al., "A fast and elitist multiobjective genetic algorithm: NSGA-II", IEEE TEC 6(2), 2002.
 */
public final class CrowdingDistance {

    private CrowdingDistance() {
    }

    /** The {@code k} most isolated of {@code front}'s indices into {@code points}, ties going to the earlier index. */
    public static List<Integer> mostIsolated(List<double[]> points, List<Integer> front, int k) {
        double[] distance = of(points, front);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < front.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.<Integer>comparingDouble(i -> -distance[i]).thenComparing(front::get));
        return order.subList(0, Math.min(k, order.size())).stream().map(front::get).toList();
    }

    /** Each front member's distance, in the order of {@code front}. */
    static double[] of(List<double[]> points, List<Integer> front) {
        double[] distance = new double[front.size()];
        if (front.isEmpty()) {
            return distance;
        }
        int objectives = points.get(front.get(0)).length;
        Integer[] order = new Integer[front.size()];
        for (int m = 0; m < objectives; m++) {
            final int objective = m;
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingDouble(i -> points.get(front.get(i))[objective]));
            double low = points.get(front.get(order[0]))[m];
            double high = points.get(front.get(order[order.length - 1]))[m];
            distance[order[0]] = Double.POSITIVE_INFINITY;
            distance[order[order.length - 1]] = Double.POSITIVE_INFINITY;
            double range = high - low;
            if (!(range > 0 && Double.isFinite(range))) {
                continue;
            }
            for (int i = 1; i < order.length - 1; i++) {
                double gap = points.get(front.get(order[i + 1]))[m] - points.get(front.get(order[i - 1]))[m];
                distance[order[i]] += gap / range;
            }
        }
        return distance;
    }
}
