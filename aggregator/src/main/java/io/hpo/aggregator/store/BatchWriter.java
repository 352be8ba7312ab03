package io.hpo.aggregator.store;

import io.hpo.events.EventCodec;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleType;
import io.hpo.events.StepMetric;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes one batch of events inside the caller's transaction. Every write is idempotent and commutes with the
 * others: rows are created by whichever event comes first, inserts skip rows already there, statuses only move
 * forward (CREATED, RUNNING, terminal), first values win and progress takes the maximum. So redelivery and any
 * arrival order across topics and partitions end in the same state.
 */
final class BatchWriter {
    private final Connection c;

    BatchWriter(Connection c) {
        this.c = c;
    }

    void write(List<StepMetric> steps, List<LifecycleEvent> events) throws SQLException {
        for (LifecycleEvent e : events) {
            EventValidation.problem(e).ifPresent(p -> {
                throw new IllegalArgumentException(p);
            });
        }
        Set<TrialKey> trials = new TreeSet<>();
        Set<String> searches = new TreeSet<>();
        steps.forEach(s -> trials.add(new TrialKey(s.searchId(), s.trialId())));
        events.stream().filter(e -> e.trialId() != null).forEach(e -> trials.add(new TrialKey(e.searchId(), e.trialId())));
        trials.forEach(t -> searches.add(t.searchId()));
        events.forEach(e -> searches.add(e.searchId()));

        createMissingRows(searches, trials);
        insertSteps(steps);
        insertEvents(events);
        Set<TrialKey> evaluated = new TreeSet<>();
        for (LifecycleEvent e : events) {
            apply(e);
            if (e.type() == LifecycleType.TRIAL_EVALUATED) {
                evaluated.add(new TrialKey(e.searchId(), e.trialId()));
            }
        }
        recordStepProgress(steps);
        for (TrialKey t : evaluated) {
            refreshBest(t);
        }
    }

    private void createMissingRows(Set<String> searches, Set<TrialKey> trials) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO searches (search_id, status) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            for (String s : searches) {
                ps.setString(1, s);
                ps.setString(2, SearchSummary.RUNNING);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO trials (search_id, trial_id, status) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (TrialKey t : trials) {
                ps.setString(1, t.searchId());
                ps.setString(2, t.trialId());
                ps.setString(3, TrialStatus.CREATED.name());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void insertSteps(List<StepMetric> steps) throws SQLException {
        if (steps.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO step_metrics (search_id, trial_id, step, worker,"
                + " tokens_seen, learning_rate, loss, wall_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (StepMetric s : steps) {
                ps.setString(1, s.searchId());
                ps.setString(2, s.trialId());
                ps.setLong(3, s.step());
                ps.setInt(4, s.worker());
                ps.setLong(5, s.tokensSeen());
                ps.setDouble(6, s.learningRate());
                ps.setDouble(7, s.loss());
                ps.setObject(8, Sql.timestamp(s.wallTimeMs()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void insertEvents(List<LifecycleEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO lifecycle_events (event_id, search_id, trial_id,"
                + " type, time, payload) VALUES (?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT DO NOTHING")) {
            for (LifecycleEvent e : events) {
                ps.setString(1, e.eventId());
                ps.setString(2, e.searchId());
                ps.setString(3, e.trialId());
                ps.setString(4, e.type().name());
                ps.setObject(5, Sql.timestamp(e.timeMs()));
                ps.setString(6, new String(EventCodec.encode(e), StandardCharsets.UTF_8));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void apply(LifecycleEvent e) throws SQLException {
        switch (e.type()) {
            case SEARCH_STARTED -> update("UPDATE searches SET name = COALESCE(name, ?), spec_yaml = COALESCE(spec_yaml, ?),"
                    + " started_at = COALESCE(started_at, ?) WHERE search_id = ?",
                    e.searchName(), e.specYaml(), Sql.timestamp(e.timeMs()), e.searchId());
            case SEARCH_FINISHED -> update("UPDATE searches SET status = ?, outcome = COALESCE(outcome, ?),"
                    + " finished_at = COALESCE(finished_at, ?) WHERE search_id = ?",
                    SearchSummary.FINISHED, e.reason(), Sql.timestamp(e.timeMs()), e.searchId());
            case TRIAL_CREATED -> update("UPDATE trials SET config = COALESCE(config, ?::jsonb),"
                    + " created_at = COALESCE(created_at, ?) WHERE search_id = ? AND trial_id = ?",
                    Sql.json(e.config()), Sql.timestamp(e.timeMs()), e.searchId(), e.trialId());
            case TRIAL_STARTED -> {
                update("UPDATE trials SET started_at = COALESCE(started_at, ?) WHERE search_id = ? AND trial_id = ?",
                        Sql.timestamp(e.timeMs()), e.searchId(), e.trialId());
                advance(new TrialKey(e.searchId(), e.trialId()), null, null);
            }
            case TRIAL_EVALUATED -> {
                update("INSERT INTO evaluations (search_id, trial_id, step, val_loss, tokens_seen, time)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", e.searchId(), e.trialId(), e.step(),
                        e.validationLoss(), e.tokensSeen(), Sql.timestamp(e.timeMs()));
                advance(new TrialKey(e.searchId(), e.trialId()), e.step(), e.tokensSeen());
            }
            case TRIAL_COMPLETED, TRIAL_DIVERGED, TRIAL_FAILED, TRIAL_PRUNED -> {
                update("UPDATE trials SET status = ?, reason = ?, ended_at = ?, pruned_rung = ? WHERE search_id = ?"
                        + " AND trial_id = ? AND status IN (?, ?)", TrialStatus.of(e.type()).name(), e.reason(),
                        Sql.timestamp(e.timeMs()), e.rung(), e.searchId(), e.trialId(),
                        TrialStatus.CREATED.name(), TrialStatus.RUNNING.name());
                advance(new TrialKey(e.searchId(), e.trialId()), e.step(), e.tokensSeen());
            }
        }
    }

    /** Steps of a trial mean it runs; each batch moves the trial's progress to its furthest step. */
    private void recordStepProgress(List<StepMetric> steps) throws SQLException {
        Map<TrialKey, long[]> furthest = new TreeMap<>();
        for (StepMetric s : steps) {
            long[] f = furthest.computeIfAbsent(new TrialKey(s.searchId(), s.trialId()), k -> new long[2]);
            f[0] = Math.max(f[0], s.step());
            f[1] = Math.max(f[1], s.tokensSeen());
        }
        for (Map.Entry<TrialKey, long[]> f : furthest.entrySet()) {
            advance(f.getKey(), f.getValue()[0], f.getValue()[1]);
        }
    }

    /** Marks a CREATED trial RUNNING and raises its furthest step and tokens (null leaves them). */
    private void advance(TrialKey t, Long step, Long tokens) throws SQLException {
        update("UPDATE trials SET status = CASE WHEN status = ? THEN ? ELSE status END,"
                + " final_step = GREATEST(final_step, ?), tokens_seen = GREATEST(tokens_seen, ?)"
                + " WHERE search_id = ? AND trial_id = ?", TrialStatus.CREATED.name(), TrialStatus.RUNNING.name(),
                step, tokens, t.searchId(), t.trialId());
    }

    /** Recomputed from all stored evaluations, so the result does not depend on their arrival order. */
    private void refreshBest(TrialKey t) throws SQLException {
        update("UPDATE trials t SET best_val_loss = b.val_loss, best_val_step = b.step, tokens_at_best = b.tokens_seen"
                + " FROM (SELECT val_loss, step, tokens_seen FROM evaluations WHERE search_id = ? AND trial_id = ?"
                + " AND val_loss > ? AND val_loss < ? ORDER BY val_loss, tokens_seen, step LIMIT 1) b"
                + " WHERE t.search_id = ? AND t.trial_id = ?", t.searchId(), t.trialId(),
                Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, t.searchId(), t.trialId());
    }

    private void update(String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                Object p = params[i];
                if (p == null) {
                    ps.setNull(i + 1, Types.OTHER);
                } else {
                    ps.setObject(i + 1, p);
                }
            }
            ps.executeUpdate();
        }
    }
}
