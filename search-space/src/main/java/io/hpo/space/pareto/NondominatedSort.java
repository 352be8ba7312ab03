package io.hpo.space.pareto;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Pareto fronts of points with k objectives, all minimised. A point dominates another when it is no higher in every
 * objective and lower in one; identical points dominate neither one another, so ties are on the same front. The
 * first front is the points nothing dominates, the second those only the first dominates, and so on. A front is
 * found by sweeping the points in lexicographic order: only a point before it can dominate a point, and a point is
 * dominated exactly when a point of the front found so far dominates it, so each sweep costs n times the front's
 * size.
 * <p>
 * Paper: Deb et al., "A fast and elitist multiobjective genetic algorithm: NSGA-II", IEEE TEC 6(2), 2002 (the
 * fronts; this peels them one at a time, since callers want only the first few).
 */
public final class NondominatedSort {

    private static final Comparator<double[]> LEXICOGRAPHIC = (a, b) -> {
        for (int i = 0; i < a.length; i++) {
            int c = Double.compare(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    };

    private NondominatedSort() {
    }

    /** Whether {@code a} dominates {@code b}. */
    public static boolean dominates(double[] a, double[] b) {
        boolean lower = false;
        for (int i = 0; i < a.length; i++) {
            if (a[i] > b[i]) {
                return false;
            }
            lower |= a[i] < b[i];
        }
        return lower;
    }

    /** Indices of the first front of {@code points} (each of the same length, no NaN). */
    public static List<Integer> firstFront(List<double[]> points) {
        List<List<Integer>> fronts = fronts(points, 1);
        return fronts.isEmpty() ? List.of() : fronts.get(0);
    }

    /**
     * The fronts, best first, as indices into {@code points} (each of the same length, no NaN), until they hold
     * at least {@code enough} points or every point.
     */
    public static List<List<Integer>> fronts(List<double[]> points, int enough) {
        List<Integer> left = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            left.add(i);
        }
        left.sort((a, b) -> LEXICOGRAPHIC.compare(points.get(a), points.get(b)));
        List<List<Integer>> fronts = new ArrayList<>();
        int taken = 0;
        while (!left.isEmpty() && taken < enough) {
            List<Integer> front = new ArrayList<>();
            List<Integer> rest = new ArrayList<>();
            for (int i : left) {
                boolean dominated = false;
                for (int j : front) {
                    if (dominates(points.get(j), points.get(i))) {
                        dominated = true;
                        break;
                    }
                }
                (dominated ? rest : front).add(i);
            }
            fronts.add(front);
            taken += front.size();
            left = rest;
        }
        return fronts;
    }
}
