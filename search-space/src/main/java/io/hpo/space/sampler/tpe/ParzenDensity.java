package io.hpo.space.sampler.tpe;

import java.util.Arrays;
import java.util.Random;

/**
 * An adaptive Parzen estimator on [0, 1]: an equal-weight mixture of normals truncated to [0, 1], one at each
 * observation plus a wide prior kernel at the centre (so unexplored regions keep some density). Each observation's
 * bandwidth is the larger gap to its neighbours among the sorted centres (the prior's included), clipped to
 * [1 / min(100, n + 1), 1]: dense regions get sharp kernels, isolated points broad ones.
 * <p>
 * Built for histories of thousands of trials: observations sharing centre and bandwidth (an integer or a repeated
 * value) merge into one kernel of larger weight, and a density sums only the kernels within
 * {@link #CUTOFF_WIDTHS} of the widest observation bandwidth, in order of centre; the kernels left out weigh less
 * than 1e-12 of the prior kernel's share.
 * <p>
 * Paper: Bergstra et al., "Algorithms for Hyper-Parameter Optimization", NeurIPS 2011 (the adaptive Parzen
 * estimator).
 */
final class ParzenDensity implements Density {
    static final double PRIOR_CENTRE = 0.5;
    static final double PRIOR_WIDTH = 1.0;
    private static final int MAX_SHARPNESS = 100;
    private static final double CUTOFF_WIDTHS = 9;

    private final int observations;
    /** observation kernels, sorted by centre */
    private final double[] centre;
    private final double[] width;
    /** weight / (width * truncated mass * sqrt(2 pi)) */
    private final double[] scale;
    /** cumulative weights of the kernels, for sampling */
    private final double[] cumulativeCount;
    private final double priorScale;
    private final double cutoff;

    ParzenDensity(double[] observed) {
        int n = observed.length;
        observations = n;
        double[] sorted = observed.clone();
        Arrays.sort(sorted);
        double minWidth = 1.0 / Math.min(MAX_SHARPNESS, n + 1);
        double[] c = new double[n];
        double[] w = new double[n];
        double[] count = new double[n];
        int kernels = 0;
        double widest = 0;
        for (int i = 0; i < n; i++) {
            double x = sorted[i];
            double below = i > 0 ? sorted[i - 1] : 0;
            double above = i < n - 1 ? sorted[i + 1] : 1;
            // the prior's centre is a neighbour too
            if (below < PRIOR_CENTRE && PRIOR_CENTRE <= x) {
                below = PRIOR_CENTRE;
            }
            if (x < PRIOR_CENTRE && PRIOR_CENTRE < above) {
                above = PRIOR_CENTRE;
            }
            double bandwidth = Math.min(1, Math.max(minWidth, Math.max(x - below, above - x)));
            if (kernels > 0 && c[kernels - 1] == x && w[kernels - 1] == bandwidth) {
                count[kernels - 1]++;
            } else {
                c[kernels] = x;
                w[kernels] = bandwidth;
                count[kernels] = 1;
                kernels++;
            }
            widest = Math.max(widest, bandwidth);
        }
        centre = Arrays.copyOf(c, kernels);
        width = Arrays.copyOf(w, kernels);
        scale = new double[kernels];
        cumulativeCount = new double[kernels];
        double total = 0;
        for (int k = 0; k < kernels; k++) {
            scale[k] = count[k] / (n + 1) / UnitKernel.normaliser(centre[k], width[k]);
            total += count[k];
            cumulativeCount[k] = total;
        }
        priorScale = 1.0 / (n + 1) / UnitKernel.normaliser(PRIOR_CENTRE, PRIOR_WIDTH);
        cutoff = CUTOFF_WIDTHS * widest;
    }

    @Override
    public double logDensity(double x) {
        double z = (x - PRIOR_CENTRE) / PRIOR_WIDTH;
        double sum = priorScale * Math.exp(-0.5 * z * z);
        int from = firstAtOrAbove(x - cutoff);
        for (int k = from; k < centre.length && centre[k] <= x + cutoff; k++) {
            double d = (x - centre[k]) / width[k];
            sum += scale[k] * Math.exp(-0.5 * d * d);
        }
        return Math.log(sum);
    }

    private int firstAtOrAbove(double value) {
        int i = Arrays.binarySearch(centre, value);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && centre[i - 1] == value) {
            i--;
        }
        return i;
    }

    @Override
    public double sample(Random rng) {
        int pick = rng.nextInt(observations + 1);
        double mu = PRIOR_CENTRE;
        double sigma = PRIOR_WIDTH;
        if (pick < observations) {
            int k = Arrays.binarySearch(cumulativeCount, pick + 1);
            k = k >= 0 ? firstWithCount(k) : -k - 1;
            mu = centre[k];
            sigma = width[k];
        }
        return UnitKernel.sample(mu, sigma, rng);
    }

    private int firstWithCount(int k) {
        while (k > 0 && cumulativeCount[k - 1] == cumulativeCount[k]) {
            k--;
        }
        return k;
    }
}
