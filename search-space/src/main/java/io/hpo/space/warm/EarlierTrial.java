package io.hpo.space.warm;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A trial of an earlier search as its results store holds it, before a warm start maps it into a new space.
 *
 * @param trialId     its id in the earlier search
 * @param config      its hyperparameters by snake_case name as stored (numbers of any type, enum values as text);
 *                    empty when its configuration never arrived
 * @param ended       whether it reached a terminal status (completed, pruned, diverged or failed)
 * @param loss        its best validation loss; NaN without a finite one
 * @param steps       the furthest step it reached
 * @param evaluations its finite validation losses by step; empty where they were not read
 */
public record EarlierTrial(String trialId, Map<String, Object> config, boolean ended, double loss, long steps,
                           NavigableMap<Long, Double> evaluations) {

    public EarlierTrial {
        Objects.requireNonNull(trialId, "trialId");
        config = Map.copyOf(config);
        evaluations = Collections.unmodifiableNavigableMap(new TreeMap<>(evaluations));
    }
}
