package io.hpo.worker.bench;

import java.util.ArrayList;
import java.util.List;

/** How one search's best validation loss fell as its compute (training steps summed over trials) grew. */
final class SearchCurve {

    private record Point(long steps, double best) {
    }

    private final List<Point> points = new ArrayList<>();
    private double best = Double.POSITIVE_INFINITY;
    private int trials;
    private int pruned;

    void evaluated(long totalSteps, double loss) {
        if (loss < best) {
            best = loss;
            points.add(new Point(totalSteps, best));
        }
    }

    void trialEnded(boolean wasPruned) {
        trials++;
        pruned += wasPruned ? 1 : 0;
    }

    double best() {
        return best;
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
