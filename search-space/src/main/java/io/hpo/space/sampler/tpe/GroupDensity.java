package io.hpo.space.sampler.tpe;

import io.hpo.space.sampler.numeric.Dimension;

import java.util.List;
import java.util.Random;

/**
 * A density over whole TPE points, fitted to one group of trials: TPE keeps one for the good trials (l) and one for
 * the bad (g). Coordinates a point lacks (NaN: a conditional parameter whose parent excludes it) do not count.
 */
interface GroupDensity {

    double logDensity(double[] point);

    /** A point drawn from this density, parents before their conditional children. */
    double[] sample(Random rng);

    /**
     * @param joint whether to fit one product kernel per trial ({@link JointParzen}), which keeps the values a trial
     *              combined together, or one density per coordinate ({@link IndependentDensities})
     */
    static GroupDensity fit(List<Dimension> dimensions, List<double[]> points, boolean joint) {
        return joint ? new JointParzen(dimensions, points) : new IndependentDensities(dimensions, points);
    }
}
