package io.hpo.aggregator.scaling;

import java.util.List;

/**
 * A search's scaling fit, for the API and CLI: the law fitted to its completed trials, how sure the fit is (bootstrap
 * intervals), how well it predicts trials it did not see, and, given a compute budget, the model and data size it
 * recommends.
 *
 * @param used       completed trials with a finite loss and known sizes: the fit's data
 * @param law        the fit to all of them
 * @param intervals  95% bootstrap intervals of the law's numbers
 * @param resamples  bootstrap resamples that could be fitted (a resample with one size on a fitted axis cannot)
 * @param heldOut    the fit's error on trials left out of it
 * @param allocation the recommendation for the asked budget, or null when none was asked or the law has one term
 * @param warnings   where the fit is not to be trusted: a number at the edge of what the fit searches
 * @param points     every used trial with the law's prediction
 */
public record ScalingReport(String searchId, int used, boolean modelTerm, boolean dataTerm, ScalingLaw law,
                            Intervals intervals, int resamples, HeldOut heldOut, Recommendation allocation,
                            Regime regime, List<String> warnings, List<Point> points) {

    /**
     * Where the trials sit against arXiv 2405.08707's regime, in which memorising a data set takes N of the order
     * of D²: how many reach N ≥ D², the largest N / D² among them, and how many the aggregator flagged overfitting
     * (of which memorising: training loss near zero with N ≥ D).
     */
    public record Regime(int atLeastDSquared, double largestRatio, int overfitting, int memorising) {
    }

    /** A 95% interval: the 2.5th and 97.5th percentiles over the bootstrap resamples. */
    public record Interval(double low, double high) {
    }

    /** Intervals of E, A, alpha, B and beta; those of a term the law lacks are null. */
    public record Intervals(Interval e, Interval a, Interval alpha, Interval b, Interval beta) {
    }

    /**
     * Relative errors |L̂ − L| / L on trials the fit did not see.
     *
     * @param crossValidated     mean over k-fold cross-validation (k = min(5, trials)): interpolation
     * @param crossValidatedMax  the largest of those
     * @param extrapolated       mean over the trials of the largest model size, fitted on the smaller ones: what
     *                           predicting a bigger run is; null when fewer than three model sizes were tried
     * @param extrapolatedSize   that largest model size, or null
     */
    public record HeldOut(double crossValidated, double crossValidatedMax, Double extrapolated,
                          Double extrapolatedSize) {
    }

    /**
     * A budget's recommended model size N and data size D with the loss predicted, each with its interval; {@code
     * budget} is the budget as given and how it became {@code flops}.
     */
    public record Recommendation(double flops, double parameters, Interval parametersInterval, double tokens,
                                 Interval tokensInterval, double loss, Interval lossInterval, ComputeBudget budget) {
    }

    /**
     * One trial: its sizes, its loss (best validation loss, what the law is fitted to), its final training loss (null
     * without stored steps; the gap to the validation loss is what memorising looks like) and the law's prediction;
     * {@code parametersPerTokenSquared} is N / D², which arXiv 2405.08707 finds separates memorising models (about
     * 1 and above) from those that still generalise.
     */
    public record Point(String trialId, double parameters, double tokens, double loss, Double trainLoss,
                        double predicted, double parametersPerTokenSquared, String overfitting) {
    }
}
