package io.hpo.space.sampler.tpe;

import java.util.Random;

/** Observed category frequencies with add-one smoothing: a category never seen in a group keeps some mass. */
final class CategoricalDensity implements Density {

    private final double[] probability;
    private final double[] logProbability;

    CategoricalDensity(int categories, double[] observed) {
        probability = new double[categories];
        for (int c = 0; c < categories; c++) {
            probability[c] = 1.0;
        }
        for (double x : observed) {
            probability[(int) x] += 1;
        }
        logProbability = new double[categories];
        double total = observed.length + categories;
        for (int c = 0; c < categories; c++) {
            probability[c] /= total;
            logProbability[c] = Math.log(probability[c]);
        }
    }

    @Override
    public double logDensity(double x) {
        return logProbability[(int) x];
    }

    @Override
    public double sample(Random rng) {
        double u = rng.nextDouble();
        for (int c = 0; c < probability.length - 1; c++) {
            u -= probability[c];
            if (u < 0) {
                return c;
            }
        }
        return probability.length - 1;
    }
}
