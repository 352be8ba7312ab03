package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;
import io.hpo.space.params.HyperparameterSpace;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A spec's {@link HyperparameterSpace} as Arbiter's generators see it: the same leaves and indices, but the value
 * of a candidate is its vector. Arbiter logs a warning with a stack trace for every candidate whose value throws,
 * as Hyperparameters does for width % heads != 0; a vector never throws, and {@link #feasibleAt} filters instead.
 */
final class CandidateSpace implements ParameterSpace<double[]> {

    private final SamplingSpace sampling;
    private final HyperparameterSpace space;

    CandidateSpace(SamplingSpace sampling) {
        this.sampling = sampling;
        this.space = new HyperparameterSpace(sampling.params());
    }

    /** The configuration at a candidate vector, or empty when it breaks width % heads == 0 or a constraint. */
    Optional<Hyperparameters> feasibleAt(double[] vector) {
        return sampling.feasible(space.valuesAt(vector));
    }

    @Override
    public double[] getValue(double[] vector) {
        return vector.clone();
    }

    @Override
    public int numParameters() {
        return space.numParameters();
    }

    @SuppressWarnings("rawtypes")
    @Override
    public List<ParameterSpace> collectLeaves() {
        return space.collectLeaves();
    }

    @SuppressWarnings("rawtypes")
    @Override
    public Map<String, ParameterSpace> getNestedSpaces() {
        return space.getNestedSpaces();
    }

    @Override
    public boolean isLeaf() {
        return false;
    }

    @Override
    public void setIndices(int... indices) {
        space.setIndices(indices);
    }
}
