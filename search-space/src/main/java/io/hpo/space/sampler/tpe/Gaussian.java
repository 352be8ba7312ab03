package io.hpo.space.sampler.tpe;

import java.util.Random;

/**
 * The standard normal distribution's density and CDF, fast enough to normalise ten thousand kernels per suggestion
 * (also used for the Gaussian-process sampler's expected improvement), and the normal kernels truncated to [0, 1]
 * that TPE's densities are built from.
 */
public final class Gaussian {
    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    /** Draws outside [0, 1] before a kernel sample falls back to a uniform draw; practically never reached. */
    private static final int MAX_REJECTIONS = 64;

    private Gaussian() {
    }

    /** width * sqrt(2 pi) * the mass inside [0, 1] of the normal kernel at {@code centre}: what normalises it. */
    static double unitNormaliser(double centre, double width) {
        double mass = cdf((1 - centre) / width) - cdf(-centre / width);
        return width * Math.exp(LOG_SQRT_2PI) * mass;
    }

    /** A draw from the normal kernel at {@code centre} truncated to [0, 1]. */
    static double sampleUnit(double centre, double width, Random rng) {
        for (int i = 0; i < MAX_REJECTIONS; i++) {
            double x = centre + width * rng.nextGaussian();
            if (x >= 0 && x <= 1) {
                return x;
            }
        }
        return rng.nextDouble();
    }

    /** phi(x), the standard normal density. */
    public static double pdf(double x) {
        return Math.exp(-0.5 * x * x - LOG_SQRT_2PI);
    }

    /** Phi(x), absolute error below 1e-7 (Abramowitz and Stegun 26.2.17). */
    public static double cdf(double x) {
        if (x < -40) {
            return 0;
        }
        if (x > 40) {
            return 1;
        }
        double t = 1 / (1 + 0.2316419 * Math.abs(x));
        double poly = t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978
                + t * 1.330274429))));
        double upperTail = Math.exp(-0.5 * x * x - LOG_SQRT_2PI) * poly;
        return x >= 0 ? 1 - upperTail : upperTail;
    }
}
