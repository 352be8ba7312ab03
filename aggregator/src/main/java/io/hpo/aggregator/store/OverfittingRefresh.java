package io.hpo.aggregator.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Recomputes the {@link OverfittingRule} verdicts of a batch's trials from what is stored, in one query and one
 * batched update. The verdict reads the latest attempt's latest evaluation and the mean finite training loss of
 * the steps since the evaluation before it (PostgreSQL orders NaN above Infinity, so one bound drops both). Steps
 * after a trial's latest evaluation cannot change it, so a trial that only received such steps costs an index
 * probe, not a scan of its curve: that keeps ingest of long curves cheap while any arrival order still ends in the
 * same verdict.
 */
final class OverfittingRefresh {
    private final Map<TrialKey, Long> since = new TreeMap<>();

    /** The trial received steps from {@code step} on. */
    void steps(TrialKey trial, long step) {
        since.merge(trial, step, Math::min);
    }

    /** The trial received something that may change its verdict whatever its steps (evaluation, attempt, size). */
    void any(TrialKey trial) {
        since.put(trial, Long.MIN_VALUE);
    }

    void write(Connection c) throws SQLException {
        if (since.isEmpty()) {
            return;
        }
        Map<TrialKey, String> changed = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("WITH tr AS (SELECT t.search_id, t.trial_id, t.trial_key,"
                + " t.attempt, t.parameters, t.training_tokens, t.overfitting, l.step, l.val_loss FROM trials t"
                + " JOIN unnest(?::text[], ?::text[], ?::bigint[]) AS v(search_id, trial_id, since)"
                + " ON t.search_id = v.search_id AND t.trial_id = v.trial_id"
                + " LEFT JOIN LATERAL (SELECT e.step, e.val_loss FROM evaluations e WHERE e.search_id = t.search_id"
                + " AND e.trial_id = t.trial_id AND e.attempt = t.attempt ORDER BY e.step DESC LIMIT 1) l ON true"
                + " WHERE l.step IS NULL OR v.since <= l.step)"
                + " SELECT tr.*, (SELECT avg(m.loss) FROM step_metrics m WHERE m.trial_key = tr.trial_key"
                + " AND m.attempt = tr.attempt AND m.step <= tr.step"
                + " AND m.step > (SELECT COALESCE(max(e.step), 0) FROM evaluations e WHERE e.search_id = tr.search_id"
                + " AND e.trial_id = tr.trial_id AND e.attempt = tr.attempt AND e.step < tr.step)"
                + " AND m.loss > ? AND m.loss < ?) AS train_loss FROM tr")) {
            Sql.bindArrays(c, ps, 1, "text", TrialKey.searchIds(since.keySet()), "text",
                    TrialKey.trialIds(since.keySet()), "int8", since.values().toArray(Long[]::new));
            ps.setDouble(4, Double.NEGATIVE_INFINITY);
            ps.setDouble(5, Double.POSITIVE_INFINITY);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Long step = Sql.nullableLong(rs, "step");
                    String verdict = step == null ? null : OverfittingRule.verdict(step, rs.getDouble("val_loss"),
                            Sql.nullableDouble(rs, "train_loss"), Sql.nullableLong(rs, "parameters"),
                            Sql.nullableLong(rs, "training_tokens")).orElse(null);
                    if (!Objects.equals(verdict, rs.getString("overfitting"))) {
                        changed.put(new TrialKey(rs.getString("search_id"), rs.getString("trial_id")), verdict);
                    }
                }
            }
        }
        since.clear();
        if (changed.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE trials SET overfitting = ? WHERE search_id = ? AND trial_id = ?")) {
            for (Map.Entry<TrialKey, String> e : changed.entrySet()) {
                ps.setString(1, e.getValue());
                ps.setString(2, e.getKey().searchId());
                ps.setString(3, e.getKey().trialId());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
