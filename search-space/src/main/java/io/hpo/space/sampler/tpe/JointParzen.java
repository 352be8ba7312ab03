package io.hpo.space.sampler.tpe;

import io.hpo.space.sampler.numeric.Dimension;

import java.util.List;
import java.util.Random;

/**
 * A multivariate Parzen estimator: an equal-weight mixture of one product kernel per trial plus a broad prior
 * kernel. Unlike {@link IndependentDensities} it remembers which values a trial combined, so a good trial's high
 * learning rate does not vouch for the batch size it happened to run with: a combination no trial of the group tried
 * has little density there. Numeric kernels are normals truncated to [0, 1] whose width is a fixed share of the range
 * shrinking as the group grows (n^(-1/(D+4)), the rate of Scott's rule in D dimensions), never below 1/min(100, n+1);
 * a categorical kernel keeps its trial's category with weight (1 + 1/K)/2 and spreads the rest evenly. A coordinate
 * the trial lacks but the point has is scored by the prior.
 * <p>
 * Paper: Falkner et al., "BOHB: Robust and Efficient Hyperparameter Optimization at Scale", ICML 2018,
 * arXiv:1807.01774 (multivariate kernel density with product kernels in TPE's l/g split).
 */
final class JointParzen implements GroupDensity {
    /** Kernel width for a single trial, as a share of the unit range: broad enough to move off a lucky value. */
    private static final double WIDTH_AT_ONE = 0.2;
    private static final int MAX_SHARPNESS = 100;

    private final List<Dimension> dimensions;
    private final int trials;
    /** the trials' points by coordinate, so that a density sums each coordinate over all trials in one tight loop */
    private final double[][] centres;
    private final double width;
    /** per categorical coordinate: log of a kernel's weight on its trial's category, and on each other one */
    private final double[] logKeep;
    private final double[] logOther;
    /** log of each numeric kernel's normaliser, by coordinate and trial */
    private final double[][] logNormaliser;
    private final double priorLogNormaliser;

    JointParzen(List<Dimension> dimensions, List<double[]> observed) {
        this.dimensions = dimensions;
        int n = observed.size();
        int dims = dimensions.size();
        this.trials = n;
        double shrunk = WIDTH_AT_ONE * Math.pow(Math.max(n, 1), -1.0 / (dims + 4));
        this.width = Math.min(1, Math.max(1.0 / Math.min(MAX_SHARPNESS, n + 1), shrunk));
        this.centres = new double[dims][n];
        this.logKeep = new double[dims];
        this.logOther = new double[dims];
        this.logNormaliser = new double[dims][];
        for (int d = 0; d < dims; d++) {
            for (int i = 0; i < n; i++) {
                centres[d][i] = observed.get(i)[d];
            }
            Dimension dim = dimensions.get(d);
            if (dim.isCategorical()) {
                double k = dim.categories();
                logKeep[d] = Math.log((1 + 1 / k) / 2);
                logOther[d] = Math.log(1 / k / 2);
                continue;
            }
            logNormaliser[d] = new double[n];
            for (int i = 0; i < n; i++) {
                double x = centres[d][i];
                logNormaliser[d][i] = Double.isNaN(x) ? 0 : Math.log(UnitKernel.normaliser(x, width));
            }
        }
        this.priorLogNormaliser = Math.log(UnitKernel.normaliser(ParzenDensity.PRIOR_CENTRE,
                ParzenDensity.PRIOR_WIDTH));
    }

    @Override
    public double logDensity(double[] point) {
        int n = trials;
        // terms[i]: log of trial i's kernel at the point; terms[n]: the prior's
        double[] terms = new double[n + 1];
        for (int d = 0; d < point.length; d++) {
            double x = point[d];
            if (Double.isNaN(x)) {
                continue;
            }
            double prior = logPrior(d, x);
            terms[n] += prior;
            double[] c = centres[d];
            if (dimensions.get(d).isCategorical()) {
                for (int i = 0; i < n; i++) {
                    terms[i] += c[i] == x ? logKeep[d] : Double.isNaN(c[i]) ? prior : logOther[d];
                }
            } else {
                double[] norm = logNormaliser[d];
                double scale = 1 / width;
                for (int i = 0; i < n; i++) {
                    double z = (x - c[i]) * scale;
                    // a NaN centre (the trial lacks the coordinate) makes z NaN: the prior scores it instead
                    double k = -0.5 * z * z - norm[i];
                    terms[i] += Double.isNaN(k) ? prior : k;
                }
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double t : terms) {
            max = Math.max(max, t);
        }
        double total = 0;
        for (double t : terms) {
            total += Math.exp(t - max);
        }
        return max + Math.log(total / (n + 1));
    }

    private double logPrior(int d, double x) {
        Dimension dim = dimensions.get(d);
        if (dim.isCategorical()) {
            return -Math.log(dim.categories());
        }
        double z = (x - ParzenDensity.PRIOR_CENTRE) / ParzenDensity.PRIOR_WIDTH;
        return -0.5 * z * z - priorLogNormaliser;
    }

    @Override
    public double[] sample(Random rng) {
        int pick = rng.nextInt(trials + 1);
        double[] point = new double[dimensions.size()];
        for (int d = 0; d < point.length; d++) {
            Dimension dim = dimensions.get(d);
            if (!dim.isActiveIn(point)) {
                point[d] = Double.NaN;
            } else if (pick == trials || Double.isNaN(centres[d][pick])) {
                point[d] = dim.isCategorical() ? rng.nextInt(dim.categories())
                        : UnitKernel.sample(ParzenDensity.PRIOR_CENTRE, ParzenDensity.PRIOR_WIDTH, rng);
            } else if (dim.isCategorical()) {
                // keep the trial's category with probability (1 + 1/K)/2, else any category uniformly
                point[d] = rng.nextBoolean() ? centres[d][pick] : rng.nextInt(dim.categories());
            } else {
                point[d] = UnitKernel.sample(centres[d][pick], width, rng);
            }
        }
        return point;
    }
}
