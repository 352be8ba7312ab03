package io.hpo.worker.bench;

import io.hpo.space.sampler.FinishedTrial;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;

/**
 * How one search's best validation loss fell as its compute (training steps summed over trials) grew, and the test
 * loss of its choice: the model at the evaluation with the best validation loss so far, the one a search with
 * {@code save: best} keeps. Only that choice is scored on the test windows, so the test split never steers anything.
 */
final class SearchCurve {

    /** A new best validation loss after {@code steps}, and the test loss of the model that reached it. */
    private record Point(long steps, double best, double test) {
    }

    private final List<Point> points = new ArrayList<>();
    private final List<FinishedTrial> history = new ArrayList<>();
    private int trials;
    private int pruned;

    /** A validation {@code loss} after {@code totalSteps}; {@code testLoss} is asked only when it is a new best. */
    void evaluated(long totalSteps, double loss, DoubleSupplier testLoss) {
        if (loss < best()) {
            points.add(new Point(totalSteps, loss, testLoss.getAsDouble()));
        }
    }

    /** {@code trial} ended; it is what the sampler sees of it from now on. */
    void trialEnded(FinishedTrial trial, boolean wasPruned) {
        history.add(trial);
        trials++;
        pruned += wasPruned ? 1 : 0;
    }

    /** The best validation loss; infinite before any finite evaluation. */
    double best() {
        return points.isEmpty() ? Double.POSITIVE_INFINITY : points.get(points.size() - 1).best();
    }

    /** The test loss of the search's choice (its best by validation); NaN before any finite evaluation. */
    double testOfBest() {
        return points.isEmpty() ? Double.NaN : points.get(points.size() - 1).test();
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

    /** Compute spent when the best validation loss first reached {@code target} or below; -1 if it never did. */
    long stepsToReach(double target) {
        return firstSteps(p -> p.best() <= target);
    }

    /**
     * Compute spent when the test loss of the search's choice first reached {@code target} or below; -1 if it never
     * did. The choice follows validation loss, so its test loss can rise again afterwards: this is when it first got
     * there.
     */
    long stepsToReachTest(double target) {
        return firstSteps(p -> p.test() <= target);
    }

    /** The test loss of the search's choice once it had spent {@code steps}; NaN before its first evaluation. */
    double testAt(long steps) {
        double test = Double.NaN;
        for (Point p : points) {
            if (p.steps() > steps) {
                break;
            }
            test = p.test();
        }
        return test;
    }

    private long firstSteps(Predicate<Point> reached) {
        for (Point p : points) {
            if (reached.test(p)) {
                return p.steps();
            }
        }
        return -1;
    }
}
