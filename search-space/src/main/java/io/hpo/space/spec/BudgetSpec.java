package io.hpo.space.spec;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits of one search.
 *
 * @param maxTrials           trials to run in all
 * @param maxConcurrentTrials trials running at once; the loader caps it at maxTrials
 * @param maxStepsPerTrial    training steps (optimizer updates) per trial
 * @param maxWallTime         wall-clock limit of the whole search
 */
public record BudgetSpec(int maxTrials, int maxConcurrentTrials, int maxStepsPerTrial, Duration maxWallTime)
        implements Serializable {

    public BudgetSpec {
        Objects.requireNonNull(maxWallTime, "maxWallTime");
        if (maxTrials < 1 || maxConcurrentTrials < 1 || maxStepsPerTrial < 1) {
            throw new IllegalArgumentException("trials, concurrency and steps must be >= 1: " + maxTrials + ", "
                    + maxConcurrentTrials + ", " + maxStepsPerTrial);
        }
        if (maxWallTime.isNegative() || maxWallTime.isZero()) {
            throw new IllegalArgumentException("maxWallTime must be positive, got " + maxWallTime);
        }
    }
}
