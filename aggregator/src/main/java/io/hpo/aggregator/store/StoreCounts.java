package io.hpo.aggregator.store;

/** Row counts of one search, for checks and monitoring. */
public record StoreCounts(long trials, long steps, long evaluations, long lifecycleEvents) {
}
