package io.hpo.aggregator.results;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The trials no other trial beats on both loss and cost at once (both minimised): a trial is dominated when
 * another has loss and cost each no higher and one of them lower. Trials with identical loss and cost dominate
 * neither one another, so ties are all on the front (or all off it).
 */
public final class ParetoFront {

    /** A trial as a point: its best validation loss and one cost measure. */
    public record Point(String trialId, double loss, double cost) {
    }

    private ParetoFront() {
    }

    /** The ids of the non-dominated points; points with a non-finite loss or cost take no part. */
    public static Set<String> of(List<Point> points) {
        List<Point> sorted = new ArrayList<>(points.stream()
                .filter(p -> Double.isFinite(p.loss()) && Double.isFinite(p.cost())).toList());
        // by cost, then loss: every point that could dominate a point comes before it
        sorted.sort(Comparator.comparingDouble(Point::cost).thenComparingDouble(Point::loss));
        Set<String> front = new HashSet<>();
        double bestLoss = Double.POSITIVE_INFINITY;
        double costAtBest = Double.POSITIVE_INFINITY;
        for (Point p : sorted) {
            boolean dominated = bestLoss < p.loss() || (bestLoss == p.loss() && costAtBest < p.cost());
            if (!dominated) {
                front.add(p.trialId());
            }
            if (p.loss() < bestLoss) {
                bestLoss = p.loss();
                costAtBest = p.cost();
            }
        }
        return front;
    }
}
