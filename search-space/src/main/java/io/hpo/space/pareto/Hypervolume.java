package io.hpo.space.pareto;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The area that a set of two-objective points (both minimised) dominates up to a reference point: the union of the
 * rectangles between each point and the reference. Exact: the points beyond the reference in either objective add
 * nothing; the rest, swept by the first objective, each add the strip between its second objective and the lowest
 * second objective seen so far. Larger is better, and only the set's first front counts.
 * <p>
 * Paper: Zitzler and Thiele, "Multiobjective Optimization Using Evolutionary Algorithms: A Comparative Case Study",
 * PPSN V, 1998 (the measure).
 */
public final class Hypervolume {

    private Hypervolume() {
    }

    /** The hypervolume of {@code points}, each {x, y}, up to {@code reference} {x, y}; 0 for none. */
    public static double of(List<double[]> points, double[] reference) {
        List<double[]> inside = new ArrayList<>();
        for (double[] p : points) {
            if (p[0] < reference[0] && p[1] < reference[1]) {
                inside.add(p);
            }
        }
        inside.sort(Comparator.<double[]>comparingDouble(p -> p[0]).thenComparingDouble(p -> p[1]));
        double area = 0;
        double lowestY = reference[1];
        for (double[] p : inside) {
            if (p[1] < lowestY) {
                area += (reference[0] - p[0]) * (lowestY - p[1]);
                lowestY = p[1];
            }
        }
        return area;
    }
}
