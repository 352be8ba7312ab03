package io.hpo.aggregator.scaling;

import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;

import java.util.List;

/**
 * Fits {@link ScalingLaw} to finished trials robustly, in the spirit of Hoffmann et al. (2022): the law minimises
 * the Huber loss (threshold {@value #HUBER_DELTA}, see there) of log L̂ − log L summed over the trials, so every
 * trial's relative error weighs alike and a few odd trials pull the fit little.
 *
 * <p>How: for given exponents the law is linear in E, A and B, so they are solved for, not searched (variable
 * projection): a least-squares fit of the relative residuals, reweighted as Huber weights them (IRLS), with E, A and
 * B kept non-negative. What is left to search is the exponents alone, one or two numbers: a grid over
 * (0, {@value #EXPONENT_MAX}], then Nelder-Mead (two exponents) or Brent (one), both commons-math's, from the best
 * grid point. Deterministic, and fast enough to refit hundreds of bootstrap resamples.
 *
 * <p>A term is fitted only when the trials hold at least two of its sizes (see {@link Terms}); with one model size
 * the law is L(D) = E + B/D^beta, and so on.
 */
public final class ScalingFit {

    /**
     * Residuals of log-loss above it count linearly. Chinchilla used 1e-3 on losses of long runs; a search's trials
     * are short and their losses noisier, so a 1% miss is noise to average, not an outlier to discount.
     */
    static final double HUBER_DELTA = 1e-2;
    static final double EXPONENT_MAX = 2.5;
    private static final int GRID_STEPS = 50;
    private static final int REWEIGHTINGS = 6;

    /** Which terms a fit has: a term needs at least two distinct sizes on its axis. */
    public record Terms(boolean model, boolean data) {
        public static Terms of(List<ScalingPoint> points) {
            return new Terms(points.stream().mapToDouble(ScalingPoint::parameters).distinct().count() > 1,
                    points.stream().mapToDouble(ScalingPoint::tokens).distinct().count() > 1);
        }

        /** Free parameters: E, and a coefficient and an exponent per term. */
        public int parameters() {
            return 1 + (model ? 2 : 0) + (data ? 2 : 0);
        }

        int exponents() {
            return (model ? 1 : 0) + (data ? 1 : 0);
        }
    }

    private ScalingFit() {
    }

    /** The law with {@code terms} that best fits {@code points} (all usable, see {@link ScalingPoint#usable}). */
    public static ScalingLaw fit(List<ScalingPoint> points, Terms terms) {
        Profile profile = new Profile(points, terms);
        double[] best = null;
        double bestValue = Double.POSITIVE_INFINITY;
        double[] grid = new double[GRID_STEPS];
        for (int i = 0; i < GRID_STEPS; i++) {
            grid[i] = EXPONENT_MAX * (i + 1) / GRID_STEPS;
        }
        for (double first : grid) {
            for (double second : terms.exponents() == 2 ? grid : new double[]{0}) {
                double[] exponents = terms.exponents() == 2 ? new double[]{first, second} : new double[]{first};
                double value = profile.value(exponents);
                if (value < bestValue) {
                    bestValue = value;
                    best = exponents;
                }
            }
        }
        return refine(profile, best);
    }

    /**
     * The law near {@code start}'s exponents that best fits {@code points}: a local refinement only, for resamples
     * of trials already fitted as a whole.
     */
    public static ScalingLaw refit(List<ScalingPoint> points, Terms terms, ScalingLaw start) {
        Profile profile = new Profile(points, terms);
        double[] exponents = terms.exponents() == 2 ? new double[]{start.alpha(), start.beta()}
                : new double[]{terms.model() ? start.alpha() : start.beta()};
        return refine(profile, exponents);
    }

    private static ScalingLaw refine(Profile profile, double[] start) {
        double[] exponents;
        if (start.length == 2) {
            PointValuePair refined = new SimplexOptimizer(1e-10, 1e-12).optimize(new MaxEval(2_000),
                    new ObjectiveFunction(profile::value), GoalType.MINIMIZE, new InitialGuess(start),
                    new NelderMeadSimplex(new double[]{0.05, 0.05}));
            exponents = refined.getValue() <= profile.value(start) ? refined.getPoint() : start;
        } else {
            double step = EXPONENT_MAX / GRID_STEPS;
            double lo = Math.max(1e-3, start[0] - step);
            double hi = Math.min(EXPONENT_MAX, start[0] + step);
            double x = new BrentOptimizer(1e-10, 1e-12).optimize(new MaxEval(500),
                    new UnivariateObjectiveFunction(a -> profile.value(new double[]{a})), GoalType.MINIMIZE,
                    new SearchInterval(lo, hi, Math.min(hi, Math.max(lo, start[0])))).getPoint();
            exponents = profile.value(new double[]{x}) <= profile.value(start) ? new double[]{x} : start;
        }
        return profile.law(exponents);
    }

    static double huber(double r) {
        double abs = Math.abs(r);
        return abs <= HUBER_DELTA ? 0.5 * r * r : HUBER_DELTA * (abs - 0.5 * HUBER_DELTA);
    }

    /** The fit as a function of the exponents alone: E, A and B solved for at each. */
    private static final class Profile {
        private final double[] parameters;
        private final double[] tokens;
        private final double[] loss;
        private final Terms terms;

        Profile(List<ScalingPoint> points, Terms terms) {
            if (!terms.model() && !terms.data()) {
                throw new IllegalArgumentException("a scaling fit needs trials of at least two model or data sizes");
            }
            this.terms = terms;
            parameters = points.stream().mapToDouble(ScalingPoint::parameters).toArray();
            tokens = points.stream().mapToDouble(ScalingPoint::tokens).toArray();
            loss = points.stream().mapToDouble(ScalingPoint::loss).toArray();
        }

        double value(double[] exponents) {
            if (!valid(exponents)) {
                return Double.POSITIVE_INFINITY;
            }
            ScalingLaw law = law(exponents);
            double sum = 0;
            for (int k = 0; k < loss.length; k++) {
                sum += huber(Math.log(law.predict(parameters[k], tokens[k])) - Math.log(loss[k]));
            }
            return Double.isNaN(sum) ? Double.POSITIVE_INFINITY : sum;
        }

        private static boolean valid(double[] exponents) {
            for (double x : exponents) {
                if (!(x > 0 && x <= EXPONENT_MAX)) {
                    return false;
                }
            }
            return true;
        }

        ScalingLaw law(double[] exponents) {
            double alpha = terms.model() ? exponents[0] : 0;
            double beta = terms.data() ? exponents[terms.model() ? 1 : 0] : 0;
            int n = loss.length;
            // columns: 1 (E), N^-alpha (A), D^-beta (B); each row divided by the trial's loss: relative residuals
            double[][] columns = new double[3][n];
            for (int k = 0; k < n; k++) {
                columns[0][k] = 1;
                columns[1][k] = terms.model() ? Math.pow(parameters[k], -alpha) : 0;
                columns[2][k] = terms.data() ? Math.pow(tokens[k], -beta) : 0;
            }
            double[] weights = new double[n];
            java.util.Arrays.fill(weights, 1);
            double[] c = null;
            for (int round = 0; round < REWEIGHTINGS; round++) {
                c = NonNegativeLeastSquares.solve(columns, loss, weights, usable());
                for (int k = 0; k < n; k++) {
                    double r = Math.abs((c[0] + c[1] * columns[1][k] + c[2] * columns[2][k]) / loss[k] - 1);
                    weights[k] = r <= HUBER_DELTA ? 1 : HUBER_DELTA / r;
                }
            }
            return new ScalingLaw(c[0], c[1], alpha, c[2], beta);
        }

        private boolean[] usable() {
            return new boolean[]{true, terms.model(), terms.data()};
        }
    }
}
