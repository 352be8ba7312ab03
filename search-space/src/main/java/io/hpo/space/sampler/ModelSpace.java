package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;
import io.hpo.space.sampler.numeric.Dimension;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * A spec's space as the model-based samplers (TPE, Gaussian process) see it: configurations as points of
 * {@link Coordinates}, points back to untried feasible configurations, and the start-up trials that come before any
 * model: a Latin hypercube ({@link LatinHypercube}) of startup_trials points, then random draws.
 */
final class ModelSpace {
    /** Random draws tried before giving up on a space whose untried feasible configurations have run out. */
    static final int MAX_DRAWS = 10_000;
    /** Seeds the start-up design apart from the per-suggestion generators, so that it does not shift with them. */
    private static final long STARTUP_DESIGN_STREAM = 0x5DEECE66DL;

    private final long seed;
    private final CandidateSpace space;
    private final Coordinates coordinates;
    private final double[][] startupDesign;
    /** Points of configurations seen in histories; bounded by the search's trial count. */
    private final Map<Hyperparameters, double[]> encoded = new HashMap<>();

    ModelSpace(SamplingSpace sampling, int startupTrials) {
        this.seed = sampling.seed();
        this.space = new CandidateSpace(sampling);
        // slot i of the vector drives leaf i, as Arbiter's own generators arrange it
        this.space.setIndices(IntStream.range(0, space.numParameters()).toArray());
        this.coordinates = new Coordinates(sampling.params());
        this.startupDesign = LatinHypercube.design(startupTrials, space.numParameters(),
                new Random(seed ^ STARTUP_DESIGN_STREAM));
    }

    List<Dimension> dimensions() {
        return coordinates.dimensions();
    }

    double[] point(Hyperparameters hp) {
        return encoded.computeIfAbsent(hp, coordinates::encode);
    }

    /**
     * The point with every coordinate its parent excludes at a fixed value (the middle of a range, the first
     * category) rather than missing, and with any active coordinate that is missing at that value too: for a model
     * that needs every coordinate, such as the Gaussian process. Inactive coordinates then agree between any two
     * points, so only the parent's difference counts.
     */
    double[] complete(double[] point) {
        double[] out = point.clone();
        List<Dimension> dims = dimensions();
        for (int d = 0; d < out.length; d++) {
            Dimension dim = dims.get(d);
            if (Double.isNaN(out[d]) || !dim.isActiveIn(out)) {
                out[d] = dim.isCategorical() ? 0 : 0.5;
            }
        }
        return out;
    }

    /** The configuration at a point, unless it breaks a constraint or was tried or is running. */
    Optional<Hyperparameters> untried(double[] point, SearchHistory history) {
        return space.feasibleAt(coordinates.candidateVector(point)).filter(h -> !history.contains(h));
    }

    /** The start-up design's point for the next trial (trials started so far index it), else a random draw. */
    Optional<Hyperparameters> startupOrRandom(SearchHistory history, Random rng) {
        int started = history.finished().size() + history.pending().size();
        if (started < startupDesign.length) {
            Optional<Hyperparameters> designed = space.feasibleAt(startupDesign[started])
                    .filter(h -> !history.contains(h));
            if (designed.isPresent()) {
                return designed;
            }
        }
        int n = space.numParameters();
        for (int draw = 0; draw < MAX_DRAWS; draw++) {
            double[] vector = new double[n];
            for (int d = 0; d < n; d++) {
                vector[d] = rng.nextDouble();
            }
            Optional<Hyperparameters> hp = space.feasibleAt(vector).filter(h -> !history.contains(h));
            if (hp.isPresent()) {
                return hp;
            }
        }
        return Optional.empty();
    }

    /**
     * A generator for one suggestion, mixing the spec's seed with the history's size: each state of the search
     * draws differently, and the same seed and history draw the same.
     */
    Random generatorFor(SearchHistory history) {
        long h = seed * 0x9E3779B97F4A7C15L + history.finished().size();
        h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L + history.pending().size();
        return new Random(h ^ (h >>> 29));
    }
}
