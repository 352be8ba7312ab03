package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;
import io.hpo.space.cost.SpendMeasure;
import io.hpo.space.sampler.tpe.TreeParzen;
import io.hpo.space.spec.SpecLimits;
import io.hpo.space.spec.TpeSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Tree-structured Parzen estimator. Until startup_trials trials have finished, the first startup_trials trials
 * follow a Latin hypercube ({@link LatinHypercube}) and any more (while those run) random draws; after that the
 * finished trials, best first ({@link FinishedTrial#BEST_FIRST}), split into the good ceil(gamma * n) (at most
 * {@link SpecLimits#MAX_TPE_GOOD_TRIALS}) and the rest, and {@link TreeParzen} picks the next point. Running trials
 * join the bad group as if they had failed (a constant liar), which pushes concurrent suggestions apart; a
 * configuration already tried or running is never suggested. Each suggestion draws from a generator seeded by the
 * spec's seed and the history's size: the same seed and history give the same suggestion. With multi_fidelity the
 * estimator sees, instead of the final losses, the losses at the highest budget that startup_trials trials reached
 * ({@link MultiFidelity}), as BOHB's does, and waits until some budget has that many. With objectives (a
 * multi-objective search) the good group is MOTPE's: the best Pareto fronts of loss and the objectives' spends
 * ({@link ParetoSplit}) instead of the lowest losses; the rest is unchanged.
 * <p>
 * Papers: Bergstra et al., "Algorithms for Hyper-Parameter Optimization", NeurIPS 2011 (TPE); the multivariate
 * (joint) densities and multi_fidelity follow Falkner et al., "BOHB: Robust and Efficient Hyperparameter
 * Optimization at Scale", ICML 2018, arXiv:1807.01774; MOTPE follows Ozaki et al., "Multiobjective
 * Tree-Structured Parzen Estimator", JAIR 73, 2022.
 */
public final class TpeSampler implements Sampler {

    private final TpeSpec settings;
    private final ModelSpace space;
    private final TreeParzen estimator;
    private final List<SpendMeasure> objectives;

    /** A sampler of the loss alone. */
    public TpeSampler(SamplingSpace sampling, TpeSpec settings) {
        this(sampling, settings, List.of());
    }

    /** @param objectives spend measures minimised beside the loss; none for a single-objective search */
    public TpeSampler(SamplingSpace sampling, TpeSpec settings, List<SpendMeasure> objectives) {
        this.settings = settings;
        this.objectives = List.copyOf(objectives);
        this.space = new ModelSpace(sampling, settings.startupTrials());
        this.estimator = new TreeParzen(space.dimensions(), settings.eiCandidates(), settings.multivariate());
    }

    @Override
    public Optional<Hyperparameters> suggest(SearchHistory history) {
        Random rng = space.generatorFor(history);
        List<FinishedTrial> observed = MultiFidelity.observed(history.finished(), settings.multiFidelity(),
                settings.startupTrials());
        if (observed.size() >= settings.startupTrials()) {
            Optional<Hyperparameters> guided = guided(observed, history, rng);
            if (guided.isPresent()) {
                return guided;
            }
        }
        return space.startupOrRandom(history, rng);
    }

    private Optional<Hyperparameters> guided(List<FinishedTrial> finished, SearchHistory history, Random rng) {
        int good = (int) Math.min(SpecLimits.MAX_TPE_GOOD_TRIALS, Math.ceil(settings.gamma() * finished.size()));
        // only the good group needs ranking: the bad density does not depend on order
        boolean[] isGood = objectives.isEmpty() ? bestIndices(finished, good)
                : ParetoSplit.good(finished, objectives, good);
        List<double[]> goodPoints = new ArrayList<>(good);
        List<double[]> badPoints = new ArrayList<>(finished.size() - good + history.pending().size());
        for (int i = 0; i < finished.size(); i++) {
            (isGood[i] ? goodPoints : badPoints).add(space.point(finished.get(i).config()));
        }
        history.pending().forEach(hp -> badPoints.add(space.point(hp)));
        return estimator.suggest(goodPoints, badPoints, rng, p -> space.untried(p, history).isPresent())
                .flatMap(p -> space.untried(p, history));
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
}
