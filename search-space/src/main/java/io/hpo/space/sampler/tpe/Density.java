package io.hpo.space.sampler.tpe;

import io.hpo.space.sampler.numeric.Dimension;

import java.util.Random;

/** A density over one coordinate, fitted to observed values: TPE keeps one for good and one for bad trials. */
interface Density {

    double logDensity(double x);

    double sample(Random rng);

    static Density fit(Dimension dimension, double[] observed) {
        return dimension.isCategorical() ? new CategoricalDensity(dimension.categories(), observed)
                : new ParzenDensity(observed);
    }
}
