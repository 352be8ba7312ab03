package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;

import java.util.Optional;

/** Suggests configurations one at a time. Not thread-safe: one driver thread asks. */
public interface Sampler {

    /** The next configuration to try, meeting every constraint; empty when the space is exhausted. */
    Optional<Hyperparameters> next();
}
