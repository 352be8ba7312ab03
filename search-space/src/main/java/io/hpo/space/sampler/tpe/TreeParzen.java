package io.hpo.space.sampler.tpe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;

/**
 * The tree-structured Parzen estimator over points of {@link Dimension}s. Given the good trials' points and the bad
 * ones', it fits one density l (good) and one g (bad) per coordinate, each from the trials where that coordinate
 * exists; draws candidates from l, parents before their conditional children; and returns the acceptable candidate
 * with the largest sum over its existing coordinates of log l - log g (the ratio that orders expected improvement).
 */
public final class TreeParzen {
    /** Rounds of fresh candidates tried when every candidate of a round is unacceptable. */
    static final int MAX_ROUNDS = 50;

    private final List<Dimension> dimensions;
    private final int candidates;

    public TreeParzen(List<Dimension> dimensions, int candidates) {
        for (int d = 0; d < dimensions.size(); d++) {
            Dimension dim = dimensions.get(d);
            if (dim.parent() >= d || dim.parent() >= 0 && !dimensions.get(dim.parent()).isCategorical()) {
                throw new IllegalArgumentException(dim.name() + ": the parent must be an earlier categorical dimension");
            }
        }
        if (candidates < 1) {
            throw new IllegalArgumentException("candidates must be >= 1");
        }
        this.dimensions = List.copyOf(dimensions);
        this.candidates = candidates;
    }

    /**
     * The best acceptable candidate, or empty when {@link #MAX_ROUNDS} rounds of candidates held none.
     *
     * @param good       points of the best trials
     * @param bad        points of the others, including those counted as bad only by assumption (running trials)
     * @param acceptable whether a point may be suggested (constraints, not already tried)
     */
    public Optional<double[]> suggest(List<double[]> good, List<double[]> bad, Random rng,
                                      Predicate<double[]> acceptable) {
        List<Density> l = new ArrayList<>();
        List<Density> g = new ArrayList<>();
        for (int d = 0; d < dimensions.size(); d++) {
            l.add(Density.fit(dimensions.get(d), coordinate(good, d)));
            g.add(Density.fit(dimensions.get(d), coordinate(bad, d)));
        }
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<Scored> scored = new ArrayList<>(candidates);
            for (int c = 0; c < candidates; c++) {
                double[] point = draw(l, rng);
                scored.add(new Scored(point, score(point, l, g)));
            }
            scored.sort(Comparator.comparingDouble(Scored::score).reversed());
            for (Scored s : scored) {
                if (acceptable.test(s.point())) {
                    return Optional.of(s.point());
                }
            }
        }
        return Optional.empty();
    }

    private double[] draw(List<Density> l, Random rng) {
        double[] point = new double[dimensions.size()];
        for (int d = 0; d < point.length; d++) {
            point[d] = dimensions.get(d).isActiveIn(point) ? l.get(d).sample(rng) : Double.NaN;
        }
        return point;
    }

    private static double score(double[] point, List<Density> l, List<Density> g) {
        double score = 0;
        for (int d = 0; d < point.length; d++) {
            if (!Double.isNaN(point[d])) {
                score += l.get(d).logDensity(point[d]) - g.get(d).logDensity(point[d]);
            }
        }
        return score;
    }

    /** Coordinate {@code d} of the points where it exists. */
    private static double[] coordinate(List<double[]> points, int d) {
        double[] values = new double[points.size()];
        int n = 0;
        for (double[] p : points) {
            if (!Double.isNaN(p[d])) {
                values[n++] = p[d];
            }
        }
        return n == values.length ? values : Arrays.copyOf(values, n);
    }

    private record Scored(double[] point, double score) {
    }
}
