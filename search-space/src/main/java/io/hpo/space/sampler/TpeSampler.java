package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;
import io.hpo.space.sampler.tpe.TreeParzen;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLimits;
import io.hpo.space.spec.TpeSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Tree-structured Parzen estimator. Until startup_trials trials have finished, the first startup_trials trials
 * follow a Latin hypercube ({@link LatinHypercube}) and any more (while those run) random draws; after that the
 * finished trials, best first ({@link FinishedTrial#BEST_FIRST}), split into the good ceil(gamma * n) (at most
 * {@link SpecLimits#MAX_TPE_GOOD_TRIALS}) and the rest, and {@link TreeParzen} picks the next point. Running trials
 * join the bad group as if they had failed (a constant liar), which pushes concurrent suggestions apart; a
 * configuration already tried or running is never suggested. Each suggestion draws from a generator seeded by the
 * spec's seed and the history's size: the same seed and history give the same suggestion.
 */
public final class TpeSampler implements Sampler {
    /** Random draws tried before giving up on a space whose untried feasible configurations have run out. */
    static final int MAX_DRAWS = 10_000;
    private static final long STARTUP_DESIGN_STREAM = 0x5DEECE66DL;

    private final SearchSpec spec;
    private final TpeSpec settings;
    private final CandidateSpace space;
    private final Coordinates coordinates;
    private final TreeParzen estimator;
    /** Where the start-up trials go, in order: a Latin hypercube of startup_trials points. */
    private final double[][] startupDesign;
    /** Points of configurations seen in histories; bounded by the search's trial count. */
    private final Map<Hyperparameters, double[]> encoded = new HashMap<>();

    public TpeSampler(SearchSpec spec) {
        this.spec = spec;
        this.settings = spec.strategy().tpe();
        this.space = new CandidateSpace(spec);
        // slot i of the vector drives leaf i, as Arbiter's own generators arrange it
        this.space.setIndices(IntStream.range(0, space.numParameters()).toArray());
        this.coordinates = new Coordinates(spec);
        this.estimator = new TreeParzen(coordinates.dimensions(), settings.eiCandidates(),
                settings.multivariate());
        // a stream of its own, so that the design does not shift with the per-suggestion generators
        this.startupDesign = LatinHypercube.design(settings.startupTrials(), space.numParameters(),
                new Random(spec.seed() ^ STARTUP_DESIGN_STREAM));
    }

    @Override
    public Optional<Hyperparameters> suggest(SearchHistory history) {
        Random rng = new Random(seed(history));
        if (history.finished().size() >= settings.startupTrials()) {
            Optional<Hyperparameters> guided = guided(history, rng);
            if (guided.isPresent()) {
                return guided;
            }
        }
        return randomDraw(history, rng);
    }

    private Optional<Hyperparameters> guided(SearchHistory history, Random rng) {
        List<FinishedTrial> finished = history.finished();
        int good = (int) Math.min(SpecLimits.MAX_TPE_GOOD_TRIALS, Math.ceil(settings.gamma() * finished.size()));
        // only the good group needs ranking: the bad density does not depend on order
        boolean[] isGood = bestIndices(finished, good);
        List<double[]> goodPoints = new ArrayList<>(good);
        List<double[]> badPoints = new ArrayList<>(finished.size() - good + history.pending().size());
        for (int i = 0; i < finished.size(); i++) {
            (isGood[i] ? goodPoints : badPoints).add(point(finished.get(i).config()));
        }
        history.pending().forEach(hp -> badPoints.add(point(hp)));
        return estimator.suggest(goodPoints, badPoints, rng, p -> untried(p, history).isPresent())
                .flatMap(p -> untried(p, history));
    }

    /** Marks the {@code k} best trials by {@link FinishedTrial#BEST_FIRST}, ties going to the earlier trial. */
    private static boolean[] bestIndices(List<FinishedTrial> trials, int k) {
        PriorityQueue<Integer> worstOnTop = new PriorityQueue<>(k + 1, (a, b) -> {
            int c = FinishedTrial.BEST_FIRST.compare(trials.get(b), trials.get(a));
            return c != 0 ? c : Integer.compare(b, a);
        });
        for (int i = 0; i < trials.size(); i++) {
            worstOnTop.add(i);
            if (worstOnTop.size() > k) {
                worstOnTop.poll();
            }
        }
        boolean[] marked = new boolean[trials.size()];
        worstOnTop.forEach(i -> marked[i] = true);
        return marked;
    }

    /** The start-up design's point for the next trial (trials started so far index it), else a random draw. */
    private Optional<Hyperparameters> randomDraw(SearchHistory history, Random rng) {
        int started = history.finished().size() + history.pending().size();
        if (started < startupDesign.length) {
            Optional<Hyperparameters> designed = space.feasibleAt(startupDesign[started])
                    .filter(h -> !history.contains(h));
            if (designed.isPresent()) {
                return designed;
            }
        }
        int n = coordinates.dimensions().size();
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

    private Optional<Hyperparameters> untried(double[] point, SearchHistory history) {
        return space.feasibleAt(coordinates.candidateVector(point)).filter(h -> !history.contains(h));
    }

    private double[] point(Hyperparameters hp) {
        return encoded.computeIfAbsent(hp, coordinates::encode);
    }

    /** Mixes the spec's seed with the history's size, so each state of the search draws differently. */
    private long seed(SearchHistory history) {
        long h = spec.seed() * 0x9E3779B97F4A7C15L + history.finished().size();
        h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L + history.pending().size();
        return h ^ (h >>> 29);
    }
}
