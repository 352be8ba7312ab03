package io.hpo.driver.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Fills a results store (migrated by a running aggregator) with large searches straight through SQL
 * ({@code generate_series}), not through Kafka ingest: a million step rows take seconds this way. Rows look like
 * stored ones: completed trials with configs, accounting, decreasing noisy step losses on one worker and an
 * evaluation every tenth of the steps; every tenth trial diverged without an evaluation.
 */
public final class ScaleDatasets {
    // trial ids sort in number order; losses spread over [2, 3) so the ranking is not the id order
    private static final String TRIAL_ID = "'trial-' || lpad(i::text, 5, '0')";
    private static final String INSERT_TRIALS = "INSERT INTO trials (search_id, trial_id, status, config, created_at,"
            + " started_at, ended_at, best_val_loss, best_val_step, tokens_at_best, final_step, tokens_seen, reason,"
            + " attempt, parameters, training_tokens, executor_seconds, accounted_tokens, flops, energy_kwh, co2_kg,"
            + " cost)"
            + " SELECT s.search_id, " + TRIAL_ID + ", CASE WHEN i % 10 = 0 THEN 'DIVERGED' ELSE 'COMPLETED' END,"
            + " jsonb_build_object('learning_rate', 1e-4 * (1 + i % 97), 'batch_size', 8 << (i % 3),"
            + " 'width', 32 * (1 + i % 4), 'dropout', (i % 5) / 10.0),"
            + " now(), now(), now(), CASE WHEN i % 10 = 0 THEN NULL ELSE 2 + ((i * 7919) % 1000) / 1000.0 END,"
            + " ?::bigint, ? * 1024, ?, ? * 1024, CASE WHEN i % 10 = 0 THEN 'loss is NaN' END, 1,"
            + " 100000 + (i % 50) * 1000, 10000000, 10 + i % 100, ? * 1024,"
            + " 6.0 * (100000 + (i % 50) * 1000) * ? * 1024,"
            + " (10 + i % 100) * 100 / 3.6e6, (10 + i % 100) * 100 / 3.6e6 * 0.475, (10 + i % 100) / 36000.0"
            + " FROM searches s, generate_series(1, ?) i WHERE s.search_id = ?";
    /** The space the configs above are drawn from, so that what reads the spec (importance) finds them searched. */
    private static final String SPEC_YAML = String.join("\n",
            "name: scale",
            "space:",
            "  learning_rate: {log_uniform: [1.0e-4, 1.0e-2]}",
            "  batch_size: {choice: [8, 16, 32]}",
            "  width: {choice: [32, 64, 96, 128]}",
            "  dropout: {uniform: [0.0, 0.4]}",
            "");
    private static final String INSERT_STEPS = "INSERT INTO step_metrics (trial_key, attempt, step, worker,"
            + " tokens_seen, learning_rate, loss, wall_time)"
            + " SELECT t.trial_key, 1, st, 0, st * 1024, 1e-3,"
            + " 2 + 3 * exp(-st / (? / 5.0)) + 0.05 * sin(st * 0.37 + i) + (i % 100) * 0.002, now()"
            + " FROM generate_series(1, ?) i JOIN trials t ON t.search_id = ? AND t.trial_id = " + TRIAL_ID + ","
            + " generate_series(1, ?) st";
    private static final String INSERT_EVALUATIONS = "INSERT INTO evaluations (search_id, trial_id, attempt, step,"
            + " val_loss, tokens_seen, time)"
            + " SELECT ?, " + TRIAL_ID + ", 1, e * ? / 10, 2.1 + 3 * exp(-e / 2.0) + (i % 100) * 0.002,"
            + " e * ? / 10 * 1024,"
            + " now() FROM generate_series(1, ?) i, generate_series(1, 10) e WHERE i % 10 <> 0";

    private ScaleDatasets() {
    }

    /** A finished search of {@code trials} trials, each with {@code steps} steps (at least 10). */
    public static void search(String jdbcUrl, String user, String password, String searchId, int trials, int steps)
            throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            c.setAutoCommit(false);
            update(c, "INSERT INTO searches (search_id, name, spec_yaml, status, outcome, started_at, finished_at)"
                    + " VALUES (?, ?, ?, 'FINISHED', 'COMPLETED', now(), now())", searchId,
                    "scale " + trials + "x" + steps, SPEC_YAML);
            update(c, INSERT_TRIALS, steps, steps, steps, steps, steps, steps, trials, searchId);
            update(c, INSERT_STEPS, steps, trials, searchId, steps);
            update(c, INSERT_EVALUATIONS, searchId, steps, steps, trials);
            c.commit();
            settle(c);
        }
    }

    /** {@code count} finished searches of three trials each, started a minute apart, for the searches list. */
    public static void manySearches(String jdbcUrl, String user, String password, int count) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            c.setAutoCommit(false);
            update(c, "INSERT INTO searches (search_id, name, status, outcome, started_at, finished_at)"
                    + " SELECT 'list-' || lpad(n::text, 5, '0'), 'search ' || n, 'FINISHED', 'COMPLETED',"
                    + " now() - n * interval '1 minute', now() FROM generate_series(1, ?) n", count);
            update(c, "INSERT INTO trials (search_id, trial_id, status, best_val_loss, tokens_at_best)"
                    + " SELECT 'list-' || lpad(n::text, 5, '0'), 't' || k, 'COMPLETED', 2 + k / 10.0 + n / 1e5, 1024"
                    + " FROM generate_series(1, ?) n, generate_series(1, 3) k", count);
            c.commit();
            settle(c);
        }
    }

    /**
     * What autovacuum does a little later to bulk-loaded tables: statistics for the planner and the visibility
     * map that lets curve queries read the index alone. Measuring before it would measure the wrong plans.
     */
    private static void settle(Connection c) throws SQLException {
        c.setAutoCommit(true);
        update(c, "VACUUM ANALYZE searches, trials, step_metrics, evaluations");
    }

    private static void update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }
}
