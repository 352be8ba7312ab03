package io.hpo.worker.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.distribution.impl.NormalDistribution;

/** Parameter initialisation shared by the custom layers; draws from ND4J's RNG, which the network seed sets. */
final class LayerInit {

    private LayerInit() {
    }

    /** Fills {@code target} in place with N(0, std^2) samples. */
    static void normal(INDArray target, double std) {
        new NormalDistribution(0, std).sample(target);
    }
}
