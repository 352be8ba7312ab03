package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;
import io.hpo.space.sampler.gp.GaussianProcess;
import io.hpo.space.sampler.numeric.Dimension;
import io.hpo.space.sampler.numeric.Gaussian;
import io.hpo.space.spec.GpSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Bayesian optimisation with a Gaussian process ({@link GaussianProcess}) and expected improvement. The start-up
 * trials are designed as TPE's ({@link ModelSpace}); then the process is fitted to the finished trials' losses (a
 * pruned trial's at the step it reached, a trial without a finite loss at the worst loss seen) and to the running
 * ones at the worst loss seen (a constant liar, so that concurrent suggestions spread out). Candidates are random
 * points and perturbations of the best trials, polished by a few rounds of smaller perturbations; the untried
 * feasible one with the largest expected improvement over the best loss wins: where TPE only draws near its good
 * trials, expected improvement also follows a trend the model has learnt (a learning rate towards the end of its
 * range) and values its uncertainty. Each fit is O(n^3) in the trials it sees, so past {@link #MAX_OBSERVATIONS} it
 * sees the best half of them and the most recent rest; TPE scales further. A conditional hyperparameter's coordinate
 * sits at a fixed value while its parent excludes it ({@link ModelSpace#complete}). With multi_fidelity the process
 * is fitted, instead of to the final losses, to the losses at the highest budget that startup_trials trials reached
 * ({@link MultiFidelity}, BOHB's rule; Falkner et al., ICML 2018, arXiv:1807.01774), and waits until some budget has
 * that many.
 * <p>
 * Papers: Jones et al., "Efficient Global Optimization of Expensive Black-Box Functions", J. Global Optim. 1998
 * (expected improvement); Snoek et al., "Practical Bayesian Optimization of Machine Learning Algorithms",
 * NeurIPS 2012, arXiv:1206.2944.
 */
public final class GpSampler implements Sampler {
    static final int MAX_OBSERVATIONS = 200;
    static final int RANDOM_CANDIDATES = 2_000;
    /** Best trials whose neighbourhoods are searched, and perturbations of each. */
    static final int INCUMBENTS = 5;
    static final int PERTURBATIONS = 100;
    /** Rounds of polishing the best candidates with perturbations a third as wide as the previous round's. */
    static final int POLISH_ROUNDS = 3;
    static final double PERTURBATION_WIDTH = 0.1;

    private final GpSpec settings;
    private final ModelSpace space;

    public GpSampler(SamplingSpace sampling, GpSpec settings) {
        this.settings = settings;
        this.space = new ModelSpace(sampling, settings.startupTrials());
    }

    @Override
    public Optional<Hyperparameters> suggest(SearchHistory history) {
        Random rng = space.generatorFor(history);
        List<FinishedTrial> observed = MultiFidelity.observed(history.finished(), settings.multiFidelity(),
                settings.startupTrials());
        if (observed.size() >= settings.startupTrials() && !space.dimensions().isEmpty()) {
            Optional<Hyperparameters> guided = guided(observed, history, rng);
            if (guided.isPresent()) {
                return guided;
            }
        }
        return space.startupOrRandom(history, rng);
    }

    private Optional<Hyperparameters> guided(List<FinishedTrial> observed, SearchHistory history, Random rng) {
        List<FinishedTrial> finished = capped(observed);
        double worst = finished.stream().mapToDouble(FinishedTrial::loss).filter(Double::isFinite).max()
                .orElse(Double.NaN);
        if (Double.isNaN(worst)) {
            return Optional.empty();
        }
        List<double[]> points = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        for (FinishedTrial t : finished) {
            points.add(space.complete(space.point(t.config())));
            losses.add(Double.isFinite(t.loss()) ? t.loss() : worst);
        }
        for (Hyperparameters running : history.pending()) {
            points.add(space.complete(space.point(running)));
            losses.add(worst);
        }
        GaussianProcess gp = GaussianProcess.fit(space.dimensions(), points,
                losses.stream().mapToDouble(Double::doubleValue).toArray());
        double best = finished.stream().mapToDouble(FinishedTrial::loss).filter(Double::isFinite).min().orElseThrow();
        List<Scored> scored = new ArrayList<>();
        for (double[] c : candidates(finished, rng)) {
            scored.add(new Scored(c, expectedImprovement(gp, c, best)));
        }
        scored = polish(scored, gp, best, rng);
        scored.sort(Comparator.comparingDouble(Scored::score).reversed());
        for (Scored s : scored) {
            Optional<Hyperparameters> hp = space.untried(s.point(), history);
            if (hp.isPresent()) {
                return hp;
            }
        }
        return Optional.empty();
    }

    /** The trials the process is fitted to: all, or past MAX_OBSERVATIONS the best half and the latest rest. */
    private static List<FinishedTrial> capped(List<FinishedTrial> finished) {
        if (finished.size() <= MAX_OBSERVATIONS) {
            return finished;
        }
        List<FinishedTrial> byLoss = new ArrayList<>(finished);
        byLoss.sort(Comparator.comparingDouble(t -> Double.isFinite(t.loss()) ? t.loss() : Double.MAX_VALUE));
        List<FinishedTrial> kept = new ArrayList<>(byLoss.subList(0, MAX_OBSERVATIONS / 2));
        for (int i = finished.size() - 1; kept.size() < MAX_OBSERVATIONS; i--) {
            if (!kept.contains(finished.get(i))) {
                kept.add(finished.get(i));
            }
        }
        return kept;
    }

    private List<double[]> candidates(List<FinishedTrial> finished, Random rng) {
        List<Dimension> dims = space.dimensions();
        List<double[]> candidates = new ArrayList<>();
        for (int i = 0; i < RANDOM_CANDIDATES; i++) {
            double[] c = new double[dims.size()];
            for (int d = 0; d < c.length; d++) {
                c[d] = dims.get(d).isCategorical() ? rng.nextInt(dims.get(d).categories()) : rng.nextDouble();
            }
            candidates.add(space.complete(c));
        }
        finished.stream().filter(t -> Double.isFinite(t.loss()))
                .sorted(Comparator.comparingDouble(FinishedTrial::loss)).limit(INCUMBENTS)
                .forEach(t -> {
                    for (int i = 0; i < PERTURBATIONS; i++) {
                        candidates.add(perturb(space.complete(space.point(t.config())), PERTURBATION_WIDTH, rng));
                    }
                });
        return candidates;
    }

    /** Adds, round by round, narrower perturbations of the best candidates so far. */
    private List<Scored> polish(List<Scored> scored, GaussianProcess gp, double best, Random rng) {
        List<Scored> all = new ArrayList<>(scored);
        double width = PERTURBATION_WIDTH;
        for (int round = 0; round < POLISH_ROUNDS; round++) {
            width /= 3;
            all.sort(Comparator.comparingDouble(Scored::score).reversed());
            List<Scored> top = List.copyOf(all.subList(0, Math.min(INCUMBENTS, all.size())));
            for (Scored s : top) {
                for (int i = 0; i < PERTURBATIONS / 5; i++) {
                    double[] c = perturb(s.point(), width, rng);
                    all.add(new Scored(c, expectedImprovement(gp, c, best)));
                }
            }
        }
        return all;
    }

    /** A nearby point: each numeric coordinate moved by a normal step (clamped to [0, 1]), one category resampled. */
    private double[] perturb(double[] point, double width, Random rng) {
        List<Dimension> dims = space.dimensions();
        double[] c = point.clone();
        for (int d = 0; d < c.length; d++) {
            Dimension dim = dims.get(d);
            if (dim.isCategorical()) {
                if (rng.nextInt(c.length) == 0) {
                    c[d] = rng.nextInt(dim.categories());
                }
            } else {
                c[d] = Math.min(1, Math.max(0, c[d] + width * rng.nextGaussian()));
            }
        }
        return space.complete(c);
    }

    /** E[max(best - loss, 0)] under the process's posterior at {@code point}. */
    static double expectedImprovement(GaussianProcess gp, double[] point, double best) {
        double[] prediction = gp.predict(point);
        double sd = prediction[1];
        double improvement = best - prediction[0];
        double z = improvement / sd;
        return improvement * Gaussian.cdf(z) + sd * Gaussian.pdf(z);
    }

    private record Scored(double[] point, double score) {
    }
}
