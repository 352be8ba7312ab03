package io.hpo.space.sampler.tpe;

import io.hpo.space.sampler.numeric.Dimension;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;

/**
 * The tree-structured Parzen estimator over points of {@link Dimension}s. Given the good trials' points and the bad
 * ones', it fits a density l to the good and g to the bad ({@link GroupDensity}: per coordinate or joint); draws
 * candidates from l, parents before their conditional children; and returns the acceptable candidate with the
 * largest log l - log g (the ratio that orders expected improvement).
 * <p>
 * Paper: Bergstra et al., "Algorithms for Hyper-Parameter Optimization", NeurIPS 2011.
 */
public final class TreeParzen {
    /** Rounds of fresh candidates tried when every candidate of a round is unacceptable. */
    static final int MAX_ROUNDS = 50;

    private final List<Dimension> dimensions;
    private final int candidates;
    private final boolean joint;

    /**
     * @param joint whether l and g are multivariate ({@link JointParzen}) rather than products of per-coordinate
     *              densities
     */
    public TreeParzen(List<Dimension> dimensions, int candidates, boolean joint) {
        for (int d = 0; d < dimensions.size(); d++) {
            Dimension dim = dimensions.get(d);
            if (dim.parent() >= d || dim.parent() >= 0 && !dimensions.get(dim.parent()).isCategorical()) {
                throw new IllegalArgumentException(dim.name() + ": the parent must be an earlier categorical dimension");
            }
        }
        if (candidates < 1) {
            throw new IllegalArgumentException("candidates must be >= 1");
        }
        this.dimensions = List.copyOf(dimensions);
        this.candidates = candidates;
        this.joint = joint;
    }

    /**
     * The best acceptable candidate, or empty when {@link #MAX_ROUNDS} rounds of candidates held none.
     *
     * @param good       points of the best trials
     * @param bad        points of the others, including those counted as bad only by assumption (running trials)
     * @param acceptable whether a point may be suggested (constraints, not already tried)
     */
    public Optional<double[]> suggest(List<double[]> good, List<double[]> bad, Random rng,
                                      Predicate<double[]> acceptable) {
        GroupDensity l = GroupDensity.fit(dimensions, good, joint);
        GroupDensity g = GroupDensity.fit(dimensions, bad, joint);
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<Scored> scored = new ArrayList<>(candidates);
            for (int c = 0; c < candidates; c++) {
                double[] point = l.sample(rng);
                scored.add(new Scored(point, l.logDensity(point) - g.logDensity(point)));
            }
            scored.sort(Comparator.comparingDouble(Scored::score).reversed());
            for (Scored s : scored) {
                if (acceptable.test(s.point())) {
                    return Optional.of(s.point());
                }
            }
        }
        return Optional.empty();
    }

    private record Scored(double[] point, double score) {
    }
}
