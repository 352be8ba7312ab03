package io.hpo.worker.bench;

import io.hpo.space.sampler.FinishedTrial;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * How one search's best validation loss fell as its compute (training steps summed over trials) grew, and the test
 * loss of its choice: the model at the evaluation with the best validation loss so far, the one a search with
 * {@code save: best} keeps. Only that choice is scored on the test windows, so the test split never steers anything.
 */
final class SearchCurve {

    private record Point(long steps, double best) {
    }

    private final List<Point> points = new ArrayList<>();
    private final List<FinishedTrial> history = new ArrayList<>();
    private double best = Double.POSITIVE_INFINITY;
    private double testOfBest = Double.NaN;
    private int trials;
    private int pruned;

    /** A validation {@code loss} after {@code totalSteps}; {@code testLoss} is asked only when it is a new best. */
    void evaluated(long totalSteps, double loss, DoubleSupplier testLoss) {
        if (loss < best) {
            best = loss;
            testOfBest = testLoss.getAsDouble();
            points.add(new Point(totalSteps, best));
        }
    }

    /** {@code trial} ended; it is what the sampler sees of it from now on. */
    void trialEnded(FinishedTrial trial, boolean wasPruned) {
        history.add(trial);
        trials++;
        pruned += wasPruned ? 1 : 0;
    }

    double best() {
        return best;
    }

    /** The test loss of the search's choice (its best by validation); NaN before any finite evaluation. */
    double testOfBest() {
        return testOfBest;
    }

    /** The finished trials as the sampler saw them, in the order they ended. */
    List<FinishedTrial> history() {
        return List.copyOf(history);
    }

    int trials() {
        return trials;
    }

    int pruned() {
        return pruned;
    }

    /** Compute spent when the best loss first reached {@code target} or below; -1 if it never did. */
    long stepsToReach(double target) {
        for (Point p : points) {
            if (p.best() <= target) {
                return p.steps();
            }
        }
        return -1;
    }
}
