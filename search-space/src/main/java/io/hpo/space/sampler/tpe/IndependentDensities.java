package io.hpo.space.sampler.tpe;

import io.hpo.space.sampler.numeric.Dimension;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The classic TPE density: one density per coordinate, each fitted to the trials where that coordinate exists,
 * multiplied as if the coordinates were independent.
 * <p>
 * Paper: Bergstra et al., "Algorithms for Hyper-Parameter Optimization", NeurIPS 2011.
 */
final class IndependentDensities implements GroupDensity {

    private final List<Dimension> dimensions;
    private final List<Density> densities = new ArrayList<>();

    IndependentDensities(List<Dimension> dimensions, List<double[]> points) {
        this.dimensions = dimensions;
        for (int d = 0; d < dimensions.size(); d++) {
            densities.add(Density.fit(dimensions.get(d), coordinate(points, d)));
        }
    }

    @Override
    public double logDensity(double[] point) {
        double sum = 0;
        for (int d = 0; d < point.length; d++) {
            if (!Double.isNaN(point[d])) {
                sum += densities.get(d).logDensity(point[d]);
            }
        }
        return sum;
    }

    @Override
    public double[] sample(Random rng) {
        double[] point = new double[dimensions.size()];
        for (int d = 0; d < point.length; d++) {
            point[d] = dimensions.get(d).isActiveIn(point) ? densities.get(d).sample(rng) : Double.NaN;
        }
        return point;
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
}
