package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A model-based sampler (TPE, Gaussian process) that also learns from earlier searches' trials (strategy.warm_start):
 * every history it is given is handed on with the warm trials before the search's own finished ones, as if they had
 * finished first in this search. So they count towards startup_trials (the model takes over once warm and new
 * finished trials reach it; new trials before that continue the start-up design after the warm ones), they join
 * the good or bad group by their losses, and their configurations are never suggested again. Random and grid search
 * learn nothing from losses and are not warm-started. The warm trials are fixed when the search starts, so a resumed
 * search given the same ones suggests what the stopped one would have.
 */
public final class WarmStartedSampler implements Sampler {

    private final Sampler model;
    private final List<FinishedTrial> warm;

    public WarmStartedSampler(Sampler model, List<FinishedTrial> warm) {
        this.model = model;
        this.warm = List.copyOf(warm);
    }

    @Override
    public Optional<Hyperparameters> suggest(SearchHistory history) {
        List<FinishedTrial> finished = new ArrayList<>(warm.size() + history.finished().size());
        finished.addAll(warm);
        finished.addAll(history.finished());
        return model.suggest(new SearchHistory(finished, history.pending()));
    }
}
