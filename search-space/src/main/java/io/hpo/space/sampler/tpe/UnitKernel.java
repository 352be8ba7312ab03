package io.hpo.space.sampler.tpe;

import io.hpo.space.sampler.numeric.Gaussian;

import java.util.Random;

/** The normal kernel truncated to [0, 1] that TPE's densities over numeric coordinates are built from. */
final class UnitKernel {
    /** sqrt(2 pi), computed as the kernels always were, so that densities stay the same to the last bit. */
    private static final double SQRT_2PI = Math.exp(0.5 * Math.log(2 * Math.PI));

    /** Draws outside [0, 1] before a kernel sample falls back to a uniform draw; practically never reached. */
    private static final int MAX_REJECTIONS = 64;

    private UnitKernel() {
    }

    /** width * sqrt(2 pi) * the mass inside [0, 1] of the normal kernel at {@code centre}: what normalises it. */
    static double normaliser(double centre, double width) {
        double mass = Gaussian.cdf((1 - centre) / width) - Gaussian.cdf(-centre / width);
        return width * SQRT_2PI * mass;
    }

    /** A draw from the normal kernel at {@code centre} truncated to [0, 1]. */
    static double sample(double centre, double width, Random rng) {
        for (int i = 0; i < MAX_REJECTIONS; i++) {
            double x = centre + width * rng.nextGaussian();
            if (x >= 0 && x <= 1) {
                return x;
            }
        }
        return rng.nextDouble();
    }
}
