package io.hpo.aggregator.scaling;

import io.hpo.aggregator.store.StoredTrial;
import io.hpo.events.TrialStatus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;

/**
 * Builds a {@link ScalingReport} from a search's stored trials: the fit ({@link ScalingFit}) to its completed trials
 * (a pruned trial stopped before its budget, so its loss is not what its sizes reach), {@value #RESAMPLES} bootstrap
 * resamples for intervals, k-fold cross-validation, and the largest model size predicted from the smaller ones.
 * Fixed seeds: the same trials give the same report.
 */
public final class ScalingAnalysis {

    static final int RESAMPLES = 200;
    private static final int FOLDS = 5;
    private static final long SEED = 1;

    private ScalingAnalysis() {
    }

    /** Why {@code trials} cannot be fitted, or null when they can. */
    public static String notReady(List<StoredTrial> trials) {
        List<ScalingPoint> points = points(trials);
        ScalingFit.Terms terms = ScalingFit.Terms.of(points);
        if (!terms.model() && !terms.data()) {
            return points.size() + " completed trial(s) with a finite loss, all of one model size and one data size:"
                    + " a scaling fit needs at least two sizes of the model (width, layers) or of the data"
                    + " (data.fraction)";
        }
        int needed = terms.parameters() + 2;
        if (points.size() < needed) {
            return "a fit of " + terms.parameters() + " numbers needs at least " + needed + " completed trials with a"
                    + " finite loss; " + points.size() + " so far";
        }
        return null;
    }

    /**
     * @param trainLosses each trial's final training loss by trial id, shown beside its validation loss (not fitted)
     * @param budget      a compute budget to recommend sizes for, or null
     * @throws IllegalStateException when {@link #notReady} says why not
     */
    public static ScalingReport of(String searchId, List<StoredTrial> trials, Map<String, Double> trainLosses,
                                   ComputeBudget budget) {
        String problem = notReady(trials);
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        List<ScalingPoint> points = points(trials);
        ScalingFit.Terms terms = ScalingFit.Terms.of(points);
        ScalingLaw law = ScalingFit.fit(points, terms);
        List<ScalingLaw> resampled = bootstrap(points, terms, law);
        ScalingReport.Intervals intervals = new ScalingReport.Intervals(percentiles(resampled, ScalingLaw::e),
                terms.model() ? percentiles(resampled, ScalingLaw::a) : null,
                terms.model() ? percentiles(resampled, ScalingLaw::alpha) : null,
                terms.data() ? percentiles(resampled, ScalingLaw::b) : null,
                terms.data() ? percentiles(resampled, ScalingLaw::beta) : null);
        ScalingReport.Recommendation recommendation = budget != null && law.hasModelTerm() && law.hasDataTerm()
                ? recommend(law, resampled, budget) : null;
        List<ScalingReport.Point> shown = new ArrayList<>();
        for (StoredTrial t : trials) {
            ScalingPoint p = point(t);
            if (p != null) {
                shown.add(new ScalingReport.Point(p.trialId(), p.parameters(), p.tokens(), p.loss(),
                        trainLosses.get(p.trialId()), law.predict(p.parameters(), p.tokens()), p.parameters() / (p.tokens() * p.tokens()),
                        t.overfitting()));
            }
        }
        ScalingReport.Regime regime = new ScalingReport.Regime(
                (int) shown.stream().filter(p -> p.parametersPerTokenSquared() >= 1).count(),
                shown.stream().mapToDouble(ScalingReport.Point::parametersPerTokenSquared).max().orElse(0),
                (int) shown.stream().filter(p -> p.overfitting() != null).count(),
                (int) shown.stream().filter(p -> p.overfitting() != null && p.overfitting().endsWith("memorising"))
                        .count());
        return new ScalingReport(searchId, points.size(), terms.model(), terms.data(), law, intervals,
                resampled.size(), heldOut(points, terms), recommendation, regime, warnings(law, terms), shown);
    }

    /**
     * A fitted number at the edge of what the fit searches says the trials do not pin it down: the law then
     * describes them but should not be extrapolated along that axis.
     */
    static List<String> warnings(ScalingLaw law, ScalingFit.Terms terms) {
        List<String> warnings = new ArrayList<>();
        if (law.e() < 1e-3) {
            warnings.add("E fitted at 0: the trials do not show the loss's floor, so predictions for larger N and D"
                    + " fall without limit");
        }
        if (terms.model() && (!law.hasModelTerm() || law.alpha() >= ScalingFit.EXPONENT_MAX * 0.999)) {
            warnings.add("the model size's term is not identified (A = 0 or alpha at its bound "
                    + ScalingFit.EXPONENT_MAX + "): these trials' losses barely change with N");
        }
        if (terms.data() && (!law.hasDataTerm() || law.beta() >= ScalingFit.EXPONENT_MAX * 0.999)) {
            warnings.add("the data size's term is not identified (B = 0 or beta at its bound "
                    + ScalingFit.EXPONENT_MAX + "): these trials' losses barely change with D beyond the smallest");
        }
        return warnings;
    }

    private static List<ScalingPoint> points(List<StoredTrial> trials) {
        return trials.stream().map(ScalingAnalysis::point).filter(p -> p != null).toList();
    }

    private static ScalingPoint point(StoredTrial t) {
        if (!TrialStatus.COMPLETED.name().equals(t.status()) || t.bestValLoss() == null || t.parameters() == null
                || t.trainingTokens() == null) {
            return null;
        }
        ScalingPoint p = new ScalingPoint(t.trialId(), t.parameters(), t.trainingTokens(), t.bestValLoss());
        return p.usable() ? p : null;
    }

    private static List<ScalingLaw> bootstrap(List<ScalingPoint> points, ScalingFit.Terms terms, ScalingLaw law) {
        Random random = new Random(SEED);
        List<ScalingLaw> laws = new ArrayList<>();
        for (int r = 0; r < RESAMPLES; r++) {
            List<ScalingPoint> sample = new ArrayList<>(points.size());
            for (int i = 0; i < points.size(); i++) {
                sample.add(points.get(random.nextInt(points.size())));
            }
            if (ScalingFit.Terms.of(sample).equals(terms)) {
                laws.add(ScalingFit.refit(sample, terms, law));
            }
        }
        return laws;
    }

    private static ScalingReport.Recommendation recommend(ScalingLaw law, List<ScalingLaw> resampled,
                                                          ComputeBudget budget) {
        double flops = budget.flops();
        ScalingLaw.Allocation best = law.allocate(flops);
        // a resample's fit can set a coefficient to 0 (its trials did not need the term): it splits no budget
        List<ScalingLaw.Allocation> spread = resampled.stream().filter(l -> l.hasModelTerm() && l.hasDataTerm())
                .map(l -> l.allocate(flops)).toList();
        return new ScalingReport.Recommendation(flops, best.parameters(),
                percentiles(spread, ScalingLaw.Allocation::parameters), best.tokens(),
                percentiles(spread, ScalingLaw.Allocation::tokens), best.loss(),
                percentiles(spread, ScalingLaw.Allocation::loss), budget);
    }

    private static <T> ScalingReport.Interval percentiles(List<T> items, ToDoubleFunction<T> value) {
        double[] v = items.stream().mapToDouble(value).filter(Double::isFinite).sorted().toArray();
        if (v.length == 0) {
            return null;
        }
        return new ScalingReport.Interval(v[(int) Math.floor(0.025 * (v.length - 1))],
                v[(int) Math.ceil(0.975 * (v.length - 1))]);
    }

    private static ScalingReport.HeldOut heldOut(List<ScalingPoint> points, ScalingFit.Terms terms) {
        List<ScalingPoint> shuffled = new ArrayList<>(points);
        Collections.shuffle(shuffled, new Random(SEED));
        int folds = Math.min(FOLDS, shuffled.size());
        double sum = 0;
        double max = 0;
        int counted = 0;
        for (int f = 0; f < folds; f++) {
            List<ScalingPoint> train = new ArrayList<>();
            List<ScalingPoint> test = new ArrayList<>();
            for (int i = 0; i < shuffled.size(); i++) {
                (i % folds == f ? test : train).add(shuffled.get(i));
            }
            ScalingFit.Terms trainTerms = ScalingFit.Terms.of(train);
            if (!trainTerms.equals(terms)) {
                continue;
            }
            ScalingLaw law = ScalingFit.fit(train, terms);
            for (ScalingPoint p : test) {
                double error = relativeError(law, p);
                sum += error;
                max = Math.max(max, error);
                counted++;
            }
        }
        double largest = points.stream().mapToDouble(ScalingPoint::parameters).max().orElseThrow();
        List<ScalingPoint> smaller = points.stream().filter(p -> p.parameters() < largest).toList();
        Double extrapolated = null;
        if (terms.model() && smaller.stream().mapToDouble(ScalingPoint::parameters).distinct().count() >= 2
                && ScalingFit.Terms.of(smaller).equals(terms) && smaller.size() >= terms.parameters() + 2) {
            ScalingLaw law = ScalingFit.fit(smaller, terms);
            extrapolated = points.stream().filter(p -> p.parameters() == largest)
                    .mapToDouble(p -> relativeError(law, p)).average().orElseThrow();
        }
        return new ScalingReport.HeldOut(counted == 0 ? Double.NaN : sum / counted, max, extrapolated,
                extrapolated == null ? null : largest);
    }

    private static double relativeError(ScalingLaw law, ScalingPoint p) {
        return Math.abs(law.predict(p.parameters(), p.tokens()) - p.loss()) / p.loss();
    }
}
