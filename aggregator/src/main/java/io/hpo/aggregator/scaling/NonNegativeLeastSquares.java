package io.hpo.aggregator.scaling;

/**
 * Least squares of relative residuals with at most three non-negative coefficients: minimise
 * Σ w_k ((Σ_j c_j·x_jk − y_k) / y_k)² over c ≥ 0. With three unknowns the active-set question is settled by trying
 * every subset of columns (seven) and keeping the best whose solution is non-negative: exact, and simpler than an
 * iterative active-set method.
 */
final class NonNegativeLeastSquares {

    private NonNegativeLeastSquares() {
    }

    /**
     * @param columns three columns x_j, each over the points
     * @param y       the targets, positive
     * @param weights a weight per point
     * @param allowed which columns may be used; the others get 0
     */
    static double[] solve(double[][] columns, double[] y, double[] weights, boolean[] allowed) {
        double[] best = new double[3];
        double bestError = Double.POSITIVE_INFINITY;
        for (int subset = 1; subset < 8; subset++) {
            if (!within(subset, allowed)) {
                continue;
            }
            double[] c = solveSubset(columns, y, weights, subset);
            if (c == null) {
                continue;
            }
            double error = error(columns, y, weights, c);
            if (error < bestError) {
                bestError = error;
                best = c;
            }
        }
        return best;
    }

    private static boolean within(int subset, boolean[] allowed) {
        for (int j = 0; j < 3; j++) {
            if ((subset >> j & 1) == 1 && !allowed[j]) {
                return false;
            }
        }
        return true;
    }

    /** The unconstrained solution on the subset's columns, or null if it is singular or has a negative entry. */
    private static double[] solveSubset(double[][] columns, double[] y, double[] weights, int subset) {
        int[] used = java.util.stream.IntStream.range(0, 3).filter(j -> (subset >> j & 1) == 1).toArray();
        int m = used.length;
        double[][] normal = new double[m][m + 1];
        for (int k = 0; k < y.length; k++) {
            double w = weights[k] / (y[k] * y[k]);
            for (int i = 0; i < m; i++) {
                double xi = columns[used[i]][k];
                for (int j = 0; j < m; j++) {
                    normal[i][j] += w * xi * columns[used[j]][k];
                }
                normal[i][m] += w * xi * y[k];
            }
        }
        double[] solution = gauss(normal);
        if (solution == null) {
            return null;
        }
        double[] c = new double[3];
        for (int i = 0; i < m; i++) {
            if (!(solution[i] >= 0)) {
                return null;
            }
            c[used[i]] = solution[i];
        }
        return c;
    }

    /** Gaussian elimination with partial pivoting on an augmented m × (m + 1) system; null when singular. */
    private static double[] gauss(double[][] a) {
        int m = a.length;
        for (int col = 0; col < m; col++) {
            int pivot = col;
            for (int row = col + 1; row < m; row++) {
                if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) {
                    pivot = row;
                }
            }
            if (Math.abs(a[pivot][col]) < 1e-300) {
                return null;
            }
            double[] swap = a[col];
            a[col] = a[pivot];
            a[pivot] = swap;
            for (int row = 0; row < m; row++) {
                if (row != col) {
                    double f = a[row][col] / a[col][col];
                    for (int j = col; j <= m; j++) {
                        a[row][j] -= f * a[col][j];
                    }
                }
            }
        }
        double[] x = new double[m];
        for (int i = 0; i < m; i++) {
            x[i] = a[i][m] / a[i][i];
        }
        return x;
    }

    private static double error(double[][] columns, double[] y, double[] weights, double[] c) {
        double sum = 0;
        for (int k = 0; k < y.length; k++) {
            double r = (c[0] * columns[0][k] + c[1] * columns[1][k] + c[2] * columns[2][k] - y[k]) / y[k];
            sum += weights[k] * r * r;
        }
        return sum;
    }
}
