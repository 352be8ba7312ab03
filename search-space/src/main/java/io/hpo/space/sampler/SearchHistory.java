package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What a sampler knows when asked for a suggestion: the trials that ended and those still running. */
public final class SearchHistory {

    private final List<FinishedTrial> finished;
    private final List<Hyperparameters> pending;
    private final Set<Hyperparameters> tried = new HashSet<>();

    /**
     * @param finished trials that ended, in the order they ended
     * @param pending  configurations of trials still running
     */
    public SearchHistory(List<FinishedTrial> finished, List<Hyperparameters> pending) {
        this.finished = List.copyOf(finished);
        this.pending = List.copyOf(pending);
        this.finished.forEach(t -> tried.add(t.config()));
        tried.addAll(this.pending);
    }

    public static SearchHistory empty() {
        return new SearchHistory(List.of(), List.of());
    }

    public List<FinishedTrial> finished() {
        return finished;
    }

    public List<Hyperparameters> pending() {
        return pending;
    }

    /** The configurations tried or being tried, unordered. */
    public Set<Hyperparameters> tried() {
        return Collections.unmodifiableSet(tried);
    }

    /** Whether {@code hp} was tried or is being tried. */
    public boolean contains(Hyperparameters hp) {
        return tried.contains(hp);
    }
}
