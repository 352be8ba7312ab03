package io.hpo.aggregator.results;

import io.hpo.space.pareto.NondominatedSort;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The trials no other trial beats on every objective at once (all minimised; the loss and one or more costs): a
 * trial is dominated when another is no higher in every objective and lower in one ({@link NondominatedSort}, the
 * rule the MOTPE sampler ranks by too). Trials with identical objectives dominate neither one another, so ties are
 * all on the front (or all off it).
 */
public final class ParetoFront {

    /** A trial as a point: its best validation loss, then its costs. */
    public record Point(String trialId, double... objectives) {
    }

    private ParetoFront() {
    }

    /** The ids of the non-dominated points; points with a non-finite objective take no part. */
    public static Set<String> of(List<Point> points) {
        List<Point> finite = points.stream()
                .filter(p -> Arrays.stream(p.objectives()).allMatch(Double::isFinite)).toList();
        Set<String> front = new HashSet<>();
        NondominatedSort.firstFront(finite.stream().map(Point::objectives).toList())
                .forEach(i -> front.add(finite.get(i).trialId()));
        return front;
    }
}
