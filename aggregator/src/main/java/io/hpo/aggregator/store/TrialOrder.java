package io.hpo.aggregator.store;

import java.util.Map;

/**
 * How a page of a search's trials is sorted: by rank (the default), by a trial column, or by a hyperparameter (any
 * other key, read from the stored config). Missing values come last in both directions; ties keep rank order.
 */
public record TrialOrder(String key, boolean descending) {
    public static final TrialOrder RANK = new TrialOrder("rank", false);

    // the API's field names (StoredTrial's) and the columns they sort by
    private static final Map<String, String> COLUMNS = Map.ofEntries(
            Map.entry("rank", "rank"), Map.entry("trialId", "trial_id COLLATE \"C\""), Map.entry("status", "status"),
            Map.entry("bestValLoss", "best_val_loss"), Map.entry("bestStep", "best_val_step"),
            Map.entry("tokensAtBest", "tokens_at_best"), Map.entry("finalStep", "final_step"),
            Map.entry("tokensSeen", "tokens_seen"), Map.entry("parameters", "parameters"),
            Map.entry("executorSeconds", "executor_seconds"), Map.entry("energyKwh", "energy_kwh"),
            Map.entry("createdAt", "created_at"), Map.entry("endedAt", "ended_at"));

    /** Whether the key names a hyperparameter rather than a column; its name is then bound, never spliced. */
    boolean byHyperparameter() {
        return !COLUMNS.containsKey(key);
    }

    /** The ORDER BY clause; a hyperparameter order has one placeholder, for its name. */
    String sql() {
        String expression = byHyperparameter() ? "config -> ?" : COLUMNS.get(key);
        return expression + (descending ? " DESC" : " ASC") + " NULLS LAST, rank";
    }
}
