package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Every grid point once, in Arbiter's sequential order (the first varying hyperparameter in
 * {@link Hyperparameter#NAMES} order changes fastest): each choice value, each integer of a range no wider than
 * grid_points, and grid_points evenly spread values (log-spread for log_uniform) of other ranges. Points that break a
 * constraint, including width % heads == 0, are skipped.
 */
public final class GridSampler implements Sampler {

    private final CandidateSpace space;
    private final GridSearchCandidateGenerator generator;
    /** Guards against two grid points mapping to one integer; holds at most the grid size (bounded at load). */
    private final Set<Hyperparameters> suggested = new HashSet<>();

    public GridSampler(SamplingSpace sampling, int gridPoints) {
        this.space = new CandidateSpace(sampling);
        this.generator = new GridSearchCandidateGenerator(space, gridPoints,
                GridSearchCandidateGenerator.Mode.Sequential, null);
    }

    /** Number of grid points, feasible or not. */
    public int gridSize() {
        return generator.getTotalNumCandidates();
    }

    /** Ignores the history: the grid order is fixed, and every point is suggested once. */
    @Override
    public Optional<Hyperparameters> suggest(SearchHistory history) {
        while (generator.hasMoreCandidates()) {
            Candidate candidate = generator.getCandidate();
            Optional<Hyperparameters> hp = space.feasibleAt(candidate.getFlatParameters());
            if (hp.isPresent() && suggested.add(hp.get())) {
                return hp;
            }
        }
        return Optional.empty();
    }
}
