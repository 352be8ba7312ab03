package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;

import java.util.Optional;

/**
 * Every grid point once, in Arbiter's sequential order (the first varying hyperparameter in
 * {@link Hyperparameter#NAMES} order changes fastest): each choice value, each integer of a range no wider than
 * grid_points, and grid_points evenly spread values (log-spread for log_uniform) of other ranges. Points that break a
 * constraint, including width % heads == 0, are skipped, and so are points whose configuration the history holds
 * (tried or running), which also covers two grid points mapping to one integer: the sampler keeps no record of its
 * own, so each call's history must hold every earlier suggestion, as the driver's does. A fresh sampler given a
 * resumed search's history therefore goes on with the first untried point in grid order, where the stopped one
 * would have.
 */
public final class GridSampler implements Sampler {

    private final CandidateSpace space;
    private final GridSearchCandidateGenerator generator;

    public GridSampler(SamplingSpace sampling, int gridPoints) {
        this.space = new CandidateSpace(sampling);
        this.generator = new GridSearchCandidateGenerator(space, gridPoints,
                GridSearchCandidateGenerator.Mode.Sequential, null);
    }

    /** Number of grid points, feasible or not. */
    public int gridSize() {
        return generator.getTotalNumCandidates();
    }

    @Override
    public Optional<Hyperparameters> suggest(SearchHistory history) {
        while (generator.hasMoreCandidates()) {
            Candidate candidate = generator.getCandidate();
            Optional<Hyperparameters> hp = space.feasibleAt(candidate.getFlatParameters());
            if (hp.isPresent() && !history.contains(hp.get())) {
                return hp;
            }
        }
        return Optional.empty();
    }
}
