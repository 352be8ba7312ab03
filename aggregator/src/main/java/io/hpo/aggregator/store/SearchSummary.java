package io.hpo.aggregator.store;

import java.time.Instant;
import java.util.Map;

/**
 * One search as stored.
 *
 * @param status      RUNNING until SEARCH_FINISHED arrives, then FINISHED
 * @param outcome     the driver's final status from SEARCH_FINISHED, null before
 * @param trialCounts number of trials per trial status, every status present
 * @param bestValLoss the lowest validation loss of any trial, null when none is evaluated
 * @param bestTrialId the trial ranked first, null when none is evaluated
 * @param specYaml    the spec as submitted; only filled by single-search queries
 */
public record SearchSummary(String searchId, String name, String status, String outcome, Instant startedAt,
                            Instant finishedAt, int trials, Map<String, Integer> trialCounts, Double bestValLoss,
                            String bestTrialId, String specYaml) {
    public static final String RUNNING = "RUNNING";
    public static final String FINISHED = "FINISHED";

    public boolean finished() {
        return FINISHED.equals(status);
    }
}
