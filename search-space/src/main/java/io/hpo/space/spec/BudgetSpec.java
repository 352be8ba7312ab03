package io.hpo.space.spec;

import io.hpo.space.cost.Spend;
import io.hpo.space.cost.SpendMeasure;

import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Limits of one search.
 *
 * @param maxTrials           trials to run in all
 * @param maxConcurrentTrials trials running at once; the loader caps it at maxTrials
 * @param maxStepsPerTrial    training steps (optimizer updates) per trial
 * @param maxWallTime         wall-clock limit of the whole search
 * @param spendLimits         the spend at which the search launches no more trials, per measure; a measure left
 *                            out is unlimited
 */
public record BudgetSpec(int maxTrials, int maxConcurrentTrials, int maxStepsPerTrial, Duration maxWallTime,
                         Map<SpendMeasure, Double> spendLimits) implements Serializable {

    public BudgetSpec {
        Objects.requireNonNull(maxWallTime, "maxWallTime");
        Objects.requireNonNull(spendLimits, "spendLimits");
        if (maxTrials < 1 || maxConcurrentTrials < 1 || maxStepsPerTrial < 1) {
            throw new IllegalArgumentException("trials, concurrency and steps must be >= 1: " + maxTrials + ", "
                    + maxConcurrentTrials + ", " + maxStepsPerTrial);
        }
        if (maxWallTime.isNegative() || maxWallTime.isZero()) {
            throw new IllegalArgumentException("maxWallTime must be positive, got " + maxWallTime);
        }
        spendLimits.forEach((measure, limit) -> {
            if (!(limit > 0) || limit.isInfinite()) {
                throw new IllegalArgumentException(measure.budgetKey() + " must be a positive number, got " + limit);
            }
        });
        Map<SpendMeasure, Double> copy = new EnumMap<>(SpendMeasure.class);
        copy.putAll(spendLimits);
        spendLimits = Collections.unmodifiableMap(copy);
    }

    /** A budget without spend limits. */
    public BudgetSpec(int maxTrials, int maxConcurrentTrials, int maxStepsPerTrial, Duration maxWallTime) {
        this(maxTrials, maxConcurrentTrials, maxStepsPerTrial, maxWallTime, Map.of());
    }

    /** Which limit {@code spent} has reached, as a message naming it ("max_tokens 50000 tokens reached: ..."), if any. */
    public Optional<String> spendExhausted(Spend spent) {
        return spendLimits.entrySet().stream().filter(e -> spent.get(e.getKey()) >= e.getValue()).findFirst()
                .map(e -> e.getKey().budgetKey() + " " + e.getKey().format(e.getValue()) + " reached: "
                        + e.getKey().format(spent.get(e.getKey())) + " spent");
    }
}
