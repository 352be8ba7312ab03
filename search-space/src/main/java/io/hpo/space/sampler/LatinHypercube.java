package io.hpo.space.sampler;

import java.util.Random;

/**
 * A Latin hypercube design in the unit cube: with n points, every coordinate's n strata [i/n, (i+1)/n) hold exactly
 * one point each (jittered within it), and the strata are paired across coordinates at random. A model-based
 * sampler's start-up trials cover each hyperparameter's range evenly this way, where independent random draws can
 * leave a whole end of a range (say, every learning rate above 1e-2) untried, and categories come in even shares.
 * <p>
 * Paper: McKay, Beckman and Conover, "A Comparison of Three Methods for Selecting Values of Input Variables in the
 * Analysis of Output from a Computer Code", Technometrics 1979.
 */
final class LatinHypercube {

    private LatinHypercube() {
    }

    /** {@code points} points of {@code dims} coordinates, drawn from {@code rng}. */
    static double[][] design(int points, int dims, Random rng) {
        double[][] design = new double[points][dims];
        int[] strata = new int[points];
        for (int d = 0; d < dims; d++) {
            for (int i = 0; i < points; i++) {
                strata[i] = i;
            }
            for (int i = points - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int swap = strata[i];
                strata[i] = strata[j];
                strata[j] = swap;
            }
            for (int i = 0; i < points; i++) {
                design[i][d] = (strata[i] + rng.nextDouble()) / points;
            }
        }
        return design;
    }
}
