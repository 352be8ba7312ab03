package io.hpo.space.sampler.gp;

import io.hpo.space.sampler.numeric.Dimension;

import java.util.Arrays;
import java.util.List;

/**
 * Gaussian-process regression of a search's losses over its points (the coordinates TPE uses: numeric ones in
 * [0, 1], categorical ones a category index). The kernel is Matern 5/2 on a scaled distance with one length scale
 * per coordinate (ARD): a numeric coordinate adds ((a - b) / l)^2, a categorical one (a != b) / l^2, so an unimportant
 * coordinate learns a long length scale and stops mattering. Losses are standardised; the signal and noise
 * variances and the length scales maximise the marginal likelihood times weak log-normal priors (MAP), by Adam on
 * their logarithms from fixed starting values, so the same data give the same fit.
 * <p>
 * Paper: Snoek et al., "Practical Bayesian Optimization of Machine Learning Algorithms", NeurIPS 2012,
 * arXiv:1206.2944 (ARD Matern 5/2 kernel for hyperparameter search).
 */
public final class GaussianProcess {
    static final double PRIOR_LOG_LENGTH = Math.log(0.5);
    static final double PRIOR_LOG_LENGTH_SD = 1.0;
    static final double PRIOR_LOG_SIGNAL_SD = 1.0;
    static final double PRIOR_LOG_NOISE = Math.log(1e-2);
    static final double PRIOR_LOG_NOISE_SD = 2.0;
    /**
     * Bounds on every log hyperparameter, so that no step of the fit overflows the kernel; the noise variance stays
     * at least e^-7 of the losses' variance, which keeps the kernel matrix well conditioned.
     */
    static final double MAX_LOG = 7;
    static final int FIT_STEPS = 120;
    static final double FIT_RATE = 0.05;
    private static final double SQRT5 = Math.sqrt(5);

    private final boolean[] categorical;
    private final double[][] x;
    private final double mean;
    private final double scale;
    /** log length scales, then log signal variance, then log noise variance */
    private final double[] theta;
    private final double[][] cholesky;
    private final double[] alpha;

    private GaussianProcess(boolean[] categorical, double[][] x, double mean, double scale, double[] theta,
                            double[][] cholesky, double[] alpha) {
        this.categorical = categorical;
        this.x = x;
        this.mean = mean;
        this.scale = scale;
        this.theta = theta;
        this.cholesky = cholesky;
        this.alpha = alpha;
    }

    /**
     * Fits the process to {@code points} (as many as {@code losses}, at least one) whose coordinates are
     * {@code dimensions}; every coordinate must be set, conditional ones too (see ModelSpace#complete).
     */
    public static GaussianProcess fit(List<Dimension> dimensions, List<double[]> points, double[] losses) {
        int n = points.size();
        if (n == 0 || n != losses.length) {
            throw new IllegalArgumentException("need as many losses as points, at least one: " + n + " points, "
                    + losses.length + " losses");
        }
        int dims = dimensions.size();
        boolean[] categorical = new boolean[dims];
        for (int d = 0; d < dims; d++) {
            categorical[d] = dimensions.get(d).isCategorical();
        }
        double[][] x = points.toArray(double[][]::new);
        double mean = 0;
        for (double y : losses) {
            mean += y / n;
        }
        double variance = 0;
        for (double y : losses) {
            variance += (y - mean) * (y - mean) / n;
        }
        double scale = variance > 0 ? Math.sqrt(variance) : 1;
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = (losses[i] - mean) / scale;
        }
        double[][][] squaredDifferences = squaredDifferences(categorical, x);
        double[] theta = new double[dims + 2];
        Arrays.fill(theta, 0, dims, PRIOR_LOG_LENGTH);
        theta[dims + 1] = PRIOR_LOG_NOISE;
        Adam adam = new Adam(theta.length);
        for (int step = 0; step < FIT_STEPS; step++) {
            adam.ascend(theta, gradient(theta, squaredDifferences, y));
        }
        double[][] l = cholesky(kernelMatrix(theta, squaredDifferences, n, null));
        return new GaussianProcess(categorical, x, mean, scale, theta, l, solve(l, y));
    }

    /** Posterior mean and standard deviation of the loss (noise-free) at {@code point}, in the losses' units. */
    public double[] predict(double[] point) {
        int n = x.length;
        double[] k = new double[n];
        for (int i = 0; i < n; i++) {
            k[i] = covariance(point, x[i]);
        }
        double mu = 0;
        for (int i = 0; i < n; i++) {
            mu += k[i] * alpha[i];
        }
        double[] v = forward(cholesky, k);
        double variance = Math.exp(theta[theta.length - 2]);
        for (double vi : v) {
            variance -= vi * vi;
        }
        return new double[]{mean + scale * mu, scale * Math.sqrt(Math.max(variance, 1e-12))};
    }

    /** The fitted length scale of coordinate {@code d}: long for a coordinate the losses do not depend on. */
    public double lengthScale(int d) {
        return Math.exp(theta[d]);
    }

    private double covariance(double[] a, double[] b) {
        double r2 = 0;
        for (int d = 0; d < categorical.length; d++) {
            double diff = categorical[d] ? (a[d] == b[d] ? 0 : 1) : a[d] - b[d];
            r2 += diff * diff * Math.exp(-2 * theta[d]);
        }
        return Math.exp(theta[categorical.length]) * matern(Math.sqrt(r2));
    }

    private static double matern(double r) {
        return (1 + SQRT5 * r + 5 * r * r / 3) * Math.exp(-SQRT5 * r);
    }

    /** Per coordinate d, the unscaled squared difference of every pair of points (mismatch 1 for a category). */
    private static double[][][] squaredDifferences(boolean[] categorical, double[][] x) {
        int n = x.length;
        double[][][] squares = new double[categorical.length][n][n];
        for (int d = 0; d < categorical.length; d++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    double diff = categorical[d] ? (x[i][d] == x[j][d] ? 0 : 1) : x[i][d] - x[j][d];
                    squares[d][i][j] = diff * diff;
                    squares[d][j][i] = diff * diff;
                }
            }
        }
        return squares;
    }

    /**
     * The kernel matrix with noise on the diagonal; when {@code lengthTerms} is not null it also receives, per
     * coordinate and pair, the derivative of the noise-free kernel with respect to that log length scale.
     */
    private static double[][] kernelMatrix(double[] theta, double[][][] squares, int n, double[][][] lengthTerms) {
        int dims = squares.length;
        double signal = Math.exp(theta[dims]);
        double noise = Math.exp(theta[dims + 1]);
        double[] inverseSquaredLength = new double[dims];
        for (int d = 0; d < dims; d++) {
            inverseSquaredLength[d] = Math.exp(-2 * theta[d]);
        }
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            k[i][i] = signal + noise;
            for (int j = 0; j < i; j++) {
                double r2 = 0;
                for (int d = 0; d < dims; d++) {
                    r2 += squares[d][i][j] * inverseSquaredLength[d];
                }
                double r = Math.sqrt(r2);
                double decay = Math.exp(-SQRT5 * r);
                double value = signal * (1 + SQRT5 * r + 5 * r2 / 3) * decay;
                k[i][j] = value;
                k[j][i] = value;
                if (lengthTerms != null) {
                    // d k / d log l_d = signal * 5/3 * (1 + sqrt5 r) exp(-sqrt5 r) * s_d, s_d the coordinate's share of r^2
                    double common = signal * 5.0 / 3 * (1 + SQRT5 * r) * decay;
                    for (int d = 0; d < dims; d++) {
                        double term = common * squares[d][i][j] * inverseSquaredLength[d];
                        lengthTerms[d][i][j] = term;
                        lengthTerms[d][j][i] = term;
                    }
                }
            }
        }
        return k;
    }

    /** Log marginal likelihood plus log priors (up to a constant) at theta, for checking {@link #gradient}. */
    static double logPosterior(double[] theta, boolean[] categorical, double[][] x, double[] y) {
        double[][][] squares = squaredDifferences(categorical, x);
        int dims = categorical.length;
        double[][] l = cholesky(kernelMatrix(theta, squares, y.length, null));
        double[] alpha = solve(l, y);
        double value = 0;
        for (int i = 0; i < y.length; i++) {
            value -= 0.5 * y[i] * alpha[i] + Math.log(l[i][i]);
        }
        for (int d = 0; d < dims; d++) {
            value -= 0.5 * Math.pow((theta[d] - PRIOR_LOG_LENGTH) / PRIOR_LOG_LENGTH_SD, 2);
        }
        value -= 0.5 * Math.pow(theta[dims] / PRIOR_LOG_SIGNAL_SD, 2);
        value -= 0.5 * Math.pow((theta[dims + 1] - PRIOR_LOG_NOISE) / PRIOR_LOG_NOISE_SD, 2);
        return value;
    }

    static double[] gradient(double[] theta, boolean[] categorical, double[][] x, double[] y) {
        return gradient(theta, squaredDifferences(categorical, x), y);
    }

    /** Gradient of the log marginal likelihood plus log priors with respect to theta. */
    private static double[] gradient(double[] theta, double[][][] squares, double[] y) {
        int dims = squares.length;
        int n = y.length;
        double[][][] lengthTerms = new double[dims][n][n];
        double[][] k = kernelMatrix(theta, squares, n, lengthTerms);
        double[][] l = cholesky(k);
        double[] alpha = solve(l, y);
        double[][] inverse = inverse(l);
        // W = alpha alpha^T - K^-1; d log p(y) / d theta_j = 1/2 sum(W .* dK/dtheta_j)
        double[][] w = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                w[i][j] = alpha[i] * alpha[j] - inverse[i][j];
            }
        }
        double[] grad = new double[theta.length];
        double signal = Math.exp(theta[dims]);
        double noise = Math.exp(theta[dims + 1]);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double noiseFree = i == j ? signal : k[i][j];
                grad[dims] += 0.5 * w[i][j] * noiseFree;
                for (int d = 0; d < dims; d++) {
                    grad[d] += 0.5 * w[i][j] * lengthTerms[d][i][j];
                }
            }
            grad[dims + 1] += 0.5 * w[i][i] * noise;
        }
        for (int d = 0; d < dims; d++) {
            grad[d] -= (theta[d] - PRIOR_LOG_LENGTH) / (PRIOR_LOG_LENGTH_SD * PRIOR_LOG_LENGTH_SD);
        }
        grad[dims] -= theta[dims] / (PRIOR_LOG_SIGNAL_SD * PRIOR_LOG_SIGNAL_SD);
        grad[dims + 1] -= (theta[dims + 1] - PRIOR_LOG_NOISE) / (PRIOR_LOG_NOISE_SD * PRIOR_LOG_NOISE_SD);
        return grad;
    }

    /** Lower-triangular L with L L^T = a; a must be symmetric positive definite. */
    static double[][] cholesky(double[][] a) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = a[i][j];
                for (int k = 0; k < j; k++) {
                    sum -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    if (!(sum > 0)) {
                        throw new IllegalStateException("kernel matrix not positive definite at row " + i);
                    }
                    l[i][i] = Math.sqrt(sum);
                } else {
                    l[i][j] = sum / l[j][j];
                }
            }
        }
        return l;
    }

    /** Solves L v = b. */
    private static double[] forward(double[][] l, double[] b) {
        int n = b.length;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = b[i];
            for (int k = 0; k < i; k++) {
                sum -= l[i][k] * v[k];
            }
            v[i] = sum / l[i][i];
        }
        return v;
    }

    /** Solves L L^T a = b. */
    static double[] solve(double[][] l, double[] b) {
        double[] v = forward(l, b);
        int n = b.length;
        double[] a = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double sum = v[i];
            for (int k = i + 1; k < n; k++) {
                sum -= l[k][i] * a[k];
            }
            a[i] = sum / l[i][i];
        }
        return a;
    }

    /** (L L^T)^-1 from its Cholesky factor. */
    private static double[][] inverse(double[][] l) {
        int n = l.length;
        double[][] inverse = new double[n][];
        double[] unit = new double[n];
        for (int i = 0; i < n; i++) {
            unit[i] = 1;
            inverse[i] = solve(l, unit);
            unit[i] = 0;
        }
        return inverse;
    }

    /** Adam steps that climb an objective, one shared state per parameter vector. */
    private static final class Adam {
        private static final double BETA1 = 0.9;
        private static final double BETA2 = 0.999;
        private static final double EPSILON = 1e-8;
        private final double[] m;
        private final double[] v;
        private int t;

        Adam(int size) {
            m = new double[size];
            v = new double[size];
        }

        void ascend(double[] params, double[] grad) {
            t++;
            for (int i = 0; i < params.length; i++) {
                m[i] = BETA1 * m[i] + (1 - BETA1) * grad[i];
                v[i] = BETA2 * v[i] + (1 - BETA2) * grad[i] * grad[i];
                double mHat = m[i] / (1 - Math.pow(BETA1, t));
                double vHat = v[i] / (1 - Math.pow(BETA2, t));
                params[i] = Math.max(-MAX_LOG, Math.min(MAX_LOG, params[i] + FIT_RATE * mHat / (Math.sqrt(vHat)
                        + EPSILON)));
            }
        }
    }
}
