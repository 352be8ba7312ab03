package io.hpo.aggregator.importance;

import io.hpo.space.spec.ParamSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Hyperparameter importance by PED-ANOVA. The top trials are the best ⌈γ n⌉ of the n trials by loss, γ =
 * {@value #TOP_QUANTILE}, at least {@value #MIN_TOP}; a hyperparameter explains the loss as far as its values among
 * the top trials, density p_top, are distributed unlike its values among all n, density p_all. Its raw importance
 * is the Pearson divergence D = Σ_x (p_top(x) − p_all(x))² / p_all(x); with γ the top trials' share, γ²·D is the
 * variance over all trials of P(top | this hyperparameter's value), the main effect of this hyperparameter on "being
 * a top trial" in fANOVA's terms. The normalised importances are the raw ones divided by their sum.
 * <p>
 * Densities: a categorical hyperparameter's are its values' frequencies. A numeric one's are taken on
 * {@value #GRID_POINTS} evenly spaced points over the range of its values (of their logarithms for a log-scale one):
 * each value counts at its nearest point, and the counts are smoothed with a Gaussian kernel whose bandwidth is
 * Scott's rule for all n trials, at least one grid step. Both sets share that kernel, so that a difference between
 * the densities comes from where the trials lie, not from how much they were smoothed; a top trial being also a
 * trial, p_all is then positive wherever p_top is.
 * <p>
 * Only trials with a finite loss take part, and only those marked comparable can be top trials (the caller's
 * choice: a trial stopped early has a loss from fewer steps). A trial without a value for a hyperparameter takes no
 * part in that hyperparameter's densities; a hyperparameter with one value among the trials is left out, and one
 * that no top trial has a value for scores 0. The result does not depend on the order of the trials: ties in loss
 * go by trial id, and every density is built from integer counts. Cost: a sort, O(n log n), then O(n log n) per
 * categorical hyperparameter and O(n + G²) per numeric one (G grid points).
 * <p>
 * Paper: Watanabe, Bansal, Hutter, "PED-ANOVA: Efficiently Quantifying Hyperparameter Importance in Arbitrary
 * Subspaces", IJCAI 2023.
 */
public final class PedAnova {
    /** γ: the share of the trials that are top trials. */
    public static final double TOP_QUANTILE = 0.1;
    /** Fewer top trials would make every hyperparameter's top density one spike. */
    public static final int MIN_TOP = 2;
    /** With fewer trials the densities say more about chance than about the hyperparameters. */
    public static final int MIN_TRIALS = 10;
    static final int GRID_POINTS = 50;

    /** How a hyperparameter's values are compared. */
    public enum Scale {
        LINEAR, LOG, CATEGORICAL;

        /**
         * A searched hyperparameter's scale: log for a log-uniform range, linear for other ranges, categorical for
         * a choice; a conditional one's from its sampled spec; empty for a fixed value.
         */
        public static Optional<Scale> of(ParamSpec spec) {
            ParamSpec sampled = spec.sampled();
            if (sampled.size() == 1) {
                return Optional.empty();
            }
            return Optional.of(sampled instanceof ParamSpec.LogUniform ? LOG
                    : sampled instanceof ParamSpec.Choice ? CATEGORICAL : LINEAR);
        }
    }

    /**
     * One trial.
     *
     * @param comparable whether it may be a top trial
     */
    public record Trial(String id, Map<String, Object> config, double loss, boolean comparable) {
    }

    /** A hyperparameter's importance: its share of the sum of the raw ones, and its Pearson divergence. */
    public record Score(String name, Scale scale, double importance, double raw) {
    }

    /**
     * @param trials    how many trials took part (finite loss)
     * @param topTrials how many of them were top trials
     * @param scores    every hyperparameter that varies among them, most important first (ties in the order given)
     */
    public record Result(int trials, int topTrials, List<Score> scores) {
    }

    /** Too few trials to tell anything. */
    public static final class NotEnoughTrials extends Exception {
        NotEnoughTrials(String message) {
            super(message);
        }
    }

    private PedAnova() {
    }

    /** The importance of each hyperparameter in {@code scales} (name to scale, in the order to report ties). */
    public static Result score(Map<String, Scale> scales, List<Trial> trials) throws NotEnoughTrials {
        List<Trial> finite = new ArrayList<>(trials.stream().filter(t -> Double.isFinite(t.loss())).toList());
        long comparable = finite.stream().filter(Trial::comparable).count();
        if (finite.size() < MIN_TRIALS || comparable < MIN_TOP) {
            throw new NotEnoughTrials("importance needs at least " + MIN_TRIALS + " trials with a finite loss, "
                    + MIN_TOP + " of them comparable; there are " + finite.size() + ", " + comparable
                    + " comparable");
        }
        // comparable trials first, each group by loss: the top trials are a prefix
        finite.sort(Comparator.comparing((Trial t) -> !t.comparable()).thenComparingDouble(Trial::loss)
                .thenComparing(Trial::id));
        int top = (int) Math.min(comparable, Math.max(MIN_TOP, (long) Math.ceil(TOP_QUANTILE * finite.size())));
        List<Score> raw = new ArrayList<>();
        scales.forEach((name, scale) -> divergence(name, scale, finite, top)
                .ifPresent(d -> raw.add(new Score(name, scale, 0, d))));
        double sum = raw.stream().mapToDouble(Score::raw).sum();
        List<Score> scores = new ArrayList<>(raw.stream().map(s -> new Score(s.name(), s.scale(),
                sum > 0 ? s.raw() / sum : 0, s.raw())).toList());
        scores.sort(Comparator.comparingDouble(Score::raw).reversed());
        return new Result(finite.size(), top, scores);
    }

    /** D for one hyperparameter, or empty when it has fewer than two values among the trials. */
    private static Optional<Double> divergence(String name, Scale scale, List<Trial> ranked, int top) {
        Optional<Counts> found = scale == Scale.CATEGORICAL ? byCategory(name, ranked, top)
                : byGridPoint(name, scale, ranked, top);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Counts counts = found.get();
        if (Arrays.stream(counts.top()).allMatch(c -> c == 0)) {
            // no top trial has a value for it (a conditional one, inactive in all of them): nothing to compare
            return Optional.of(0.0);
        }
        double[] all = counts.all();
        double[] best = counts.top();
        if (scale != Scale.CATEGORICAL) {
            double bandwidth = bandwidth(all);
            all = smoothed(all, bandwidth);
            best = smoothed(best, bandwidth);
        }
        return Optional.of(pearson(normalised(best), normalised(all)));
    }

    /** How many of all trials, and of the top trials, fall in each cell (a category or a grid point). */
    private record Counts(double[] all, double[] top) {
    }

    /** Counts per value, values in string order; empty with fewer than two values. */
    private static Optional<Counts> byCategory(String name, List<Trial> ranked, int top) {
        TreeMap<String, int[]> cells = new TreeMap<>();
        for (int i = 0; i < ranked.size(); i++) {
            Object v = ranked.get(i).config().get(name);
            if (v != null) {
                int[] c = cells.computeIfAbsent(v.toString(), k -> new int[2]);
                c[0]++;
                c[1] += i < top ? 1 : 0;
            }
        }
        if (cells.size() < 2) {
            return Optional.empty();
        }
        Counts counts = new Counts(new double[cells.size()], new double[cells.size()]);
        int k = 0;
        for (int[] c : cells.values()) {
            counts.all()[k] = c[0];
            counts.top()[k++] = c[1];
        }
        return Optional.of(counts);
    }

    /** Counts per grid point spanning the values, each value at its nearest; empty when all values are equal. */
    private static Optional<Counts> byGridPoint(String name, Scale scale, List<Trial> ranked, int top) {
        double[] values = new double[ranked.size()];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < ranked.size(); i++) {
            Object v = ranked.get(i).config().get(name);
            values[i] = v == null ? Double.NaN : numeric(name, scale, ranked.get(i), v);
            if (v != null) {
                min = Math.min(min, values[i]);
                max = Math.max(max, values[i]);
            }
        }
        if (!(min < max)) {
            return Optional.empty();
        }
        Counts counts = new Counts(new double[GRID_POINTS], new double[GRID_POINTS]);
        for (int i = 0; i < values.length; i++) {
            if (!Double.isNaN(values[i])) {
                int g = (int) Math.round((values[i] - min) / (max - min) * (GRID_POINTS - 1));
                counts.all()[g]++;
                counts.top()[g] += i < top ? 1 : 0;
            }
        }
        return Optional.of(counts);
    }

    private static double numeric(String name, Scale scale, Trial trial, Object value) {
        if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())
                || (scale == Scale.LOG && n.doubleValue() <= 0)) {
            throw new IllegalArgumentException("trial '" + trial.id() + "': " + name + " = " + value
                    + " is not a " + (scale == Scale.LOG ? "positive " : "") + "finite number");
        }
        return scale == Scale.LOG ? Math.log(n.doubleValue()) : n.doubleValue();
    }

    /** Scott's rule, 1.06 σ n^(-1/5), in grid steps, at least one step. */
    private static double bandwidth(double[] counts) {
        double n = 0;
        double mean = 0;
        for (int g = 0; g < counts.length; g++) {
            n += counts[g];
            mean += g * counts[g];
        }
        mean /= n;
        double variance = 0;
        for (int g = 0; g < counts.length; g++) {
            variance += counts[g] * (g - mean) * (g - mean);
        }
        return Math.max(1, 1.06 * Math.sqrt(variance / n) * Math.pow(n, -0.2));
    }

    private static double[] smoothed(double[] counts, double bandwidth) {
        double[] out = new double[counts.length];
        for (int g = 0; g < counts.length; g++) {
            for (int j = 0; j < counts.length; j++) {
                double z = (g - j) / bandwidth;
                out[g] += counts[j] * Math.exp(-0.5 * z * z);
            }
        }
        return out;
    }

    private static double[] normalised(double[] weights) {
        double sum = 0;
        for (double w : weights) {
            sum += w;
        }
        double[] out = new double[weights.length];
        for (int i = 0; i < weights.length; i++) {
            out[i] = sum > 0 ? weights[i] / sum : 0;
        }
        return out;
    }

    /** Σ (p − q)² / q over the cells where q > 0 (there p is 0 too, see the class comment). */
    private static double pearson(double[] p, double[] q) {
        double d = 0;
        for (int i = 0; i < p.length; i++) {
            if (q[i] > 0) {
                d += (p[i] - q[i]) * (p[i] - q[i]) / q[i];
            }
        }
        return d;
    }
}
