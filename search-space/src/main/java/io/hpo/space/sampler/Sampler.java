package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;

import java.util.Optional;

/**
 * Suggests what to try next from what was tried. Not thread-safe: one driver thread asks, passing the history of
 * finished trials and the configurations of those still running, so that a suggestion never repeats a running one.
 */
public interface Sampler {

    /** The next configuration to try, meeting every constraint; empty when the space is exhausted. */
    Optional<Hyperparameters> suggest(SearchHistory history);
}
