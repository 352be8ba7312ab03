package io.hpo.aggregator.store;

/**
 * Row counts of one search, for checks and monitoring.
 *
 * @param steps             step metrics of each trial's latest attempt
 * @param evaluations       evaluations of each trial's latest attempt
 * @param supersededSteps   step metrics kept from earlier attempts of retried or resumed trials
 */
public record StoreCounts(long trials, long steps, long evaluations, long lifecycleEvents, long supersededSteps) {
}
