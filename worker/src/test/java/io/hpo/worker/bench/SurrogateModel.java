package io.hpo.worker.bench;

import io.hpo.space.Hyperparameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A stand-in for training the demo transformer on the strategy benchmark's space, fitted to measured trials: the
 * loss a configuration reaches at ASHA's first rung and at the end of its trial are each a least-squares fit on its
 * hyperparameters (quadratic in log learning rate and in width; linear in the rest) plus correlated normal noise
 * with the residuals' spread and correlation. The noise is measured on the better half of the trials (by fitted
 * final loss), where searches are decided. It lets a strategy run hundreds of seeds in seconds, so that a change
 * can be judged on more than the five seeds the real benchmark affords; its figures are not the real benchmark's.
 */
final class SurrogateModel {
    /** The trial log of the strategy benchmark run of 2026-11-25 (README, Benchmarks), seeds 1-5. */
    static final String MEASURED_TRIALS = "/bench/strategy-trials.csv";

    private final double[] firstRungFit;
    private final double[] finalFit;
    private final double firstRungNoise;
    private final double finalNoise;
    private final double correlation;

    private SurrogateModel(double[] firstRungFit, double[] finalFit, double firstRungNoise, double finalNoise,
                           double correlation) {
        this.firstRungFit = firstRungFit;
        this.finalFit = finalFit;
        this.firstRungNoise = firstRungNoise;
        this.finalNoise = finalNoise;
        this.correlation = correlation;
    }

    /** Fits the model to the trials of the measured log that ran their full {@code maxSteps}. */
    static SurrogateModel fitMeasured(int maxSteps) {
        try (InputStream in = SurrogateModel.class.getResourceAsStream(MEASURED_TRIALS)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + MEASURED_TRIALS);
            }
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R");
            return fit(Arrays.asList(lines).subList(1, lines.length), maxSteps);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param rows {@link TrialLog} rows */
    static SurrogateModel fit(List<String> rows, int maxSteps) {
        List<double[]> features = new ArrayList<>();
        List<Double> firstRung = new ArrayList<>();
        List<Double> last = new ArrayList<>();
        for (String row : rows) {
            String[] f = row.split(",");
            if (f.length < 15 || Integer.parseInt(f[10]) != maxSteps) {
                continue;
            }
            features.add(features(Double.parseDouble(f[3]), Integer.parseInt(f[4]), f[5], Integer.parseInt(f[6]),
                    Double.parseDouble(f[7]), Double.parseDouble(f[8]), Integer.parseInt(f[9])));
            firstRung.add(Double.parseDouble(f[12]));
            last.add(Double.parseDouble(f[13]));
        }
        if (features.size() < 4 * features(1e-3, 0, "CONSTANT", 8, 0, 1e-3, 16).length) {
            throw new IllegalArgumentException("too few full trials to fit: " + features.size());
        }
        double[] firstRungFit = leastSquares(features, firstRung);
        double[] finalFit = leastSquares(features, last);
        double[] fitted = features.stream().mapToDouble(x -> dot(finalFit, x)).toArray();
        double cut = Arrays.stream(fitted).sorted().toArray()[fitted.length / 2];
        double ss1 = 0;
        double ss2 = 0;
        double cross = 0;
        int n = 0;
        for (int i = 0; i < features.size(); i++) {
            if (fitted[i] > cut) {
                continue;
            }
            double r1 = firstRung.get(i) - dot(firstRungFit, features.get(i));
            double r2 = last.get(i) - fitted[i];
            ss1 += r1 * r1;
            ss2 += r2 * r2;
            cross += r1 * r2;
            n++;
        }
        return new SurrogateModel(firstRungFit, finalFit, Math.sqrt(ss1 / n), Math.sqrt(ss2 / n),
                ss1 * ss2 > 0 ? cross / Math.sqrt(ss1 * ss2) : 0);
    }

    double firstRungNoise() {
        return firstRungNoise;
    }

    double finalNoise() {
        return finalNoise;
    }

    double correlation() {
        return correlation;
    }

    /** The losses one training run of {@code hp} reaches at the first rung and at the end, noise drawn from rng. */
    double[] draw(Hyperparameters hp, Random rng) {
        double[] x = features(hp.learningRate(), hp.warmupSteps(), hp.schedule().name(), hp.batchSize(),
                hp.dropout(), hp.weightDecay(), hp.width());
        double z1 = rng.nextGaussian();
        double z2 = correlation * z1 + Math.sqrt(1 - correlation * correlation) * rng.nextGaussian();
        return new double[]{dot(firstRungFit, x) + firstRungNoise * z1, dot(finalFit, x) + finalNoise * z2};
    }

    @Override
    public String toString() {
        return String.format("surrogate fitted to %s: noise sd %.3f at the first rung, %.3f at the end,"
                + " correlation %.2f", MEASURED_TRIALS, firstRungNoise, finalNoise, correlation);
    }

    private static double[] features(double learningRate, int warmup, String schedule, int batchSize,
                                     double dropout, double weightDecay, int width) {
        double lr = Math.log10(learningRate);
        double w = (width - 24) / 8.0;
        return new double[]{1, lr, lr * lr, batchSize == 16 ? 1 : 0, w, w * w, dropout, Math.log10(weightDecay),
                "LINEAR".equals(schedule) ? 1 : 0, "COSINE".equals(schedule) ? 1 : 0, warmup / 15.0};
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Solves the normal equations by Gaussian elimination with partial pivoting. */
    private static double[] leastSquares(List<double[]> x, List<Double> y) {
        int k = x.get(0).length;
        double[][] a = new double[k][k + 1];
        for (int i = 0; i < x.size(); i++) {
            double[] row = x.get(i);
            for (int p = 0; p < k; p++) {
                for (int q = 0; q < k; q++) {
                    a[p][q] += row[p] * row[q];
                }
                a[p][k] += row[p] * y.get(i);
            }
        }
        for (int col = 0; col < k; col++) {
            int pivot = col;
            for (int r = col + 1; r < k; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] swap = a[col];
            a[col] = a[pivot];
            a[pivot] = swap;
            for (int r = 0; r < k; r++) {
                if (r != col) {
                    double factor = a[r][col] / a[col][col];
                    for (int c = col; c <= k; c++) {
                        a[r][c] -= factor * a[col][c];
                    }
                }
            }
        }
        double[] b = new double[k];
        for (int i = 0; i < k; i++) {
            b[i] = a[i][k] / a[i][i];
        }
        return b;
    }
}
