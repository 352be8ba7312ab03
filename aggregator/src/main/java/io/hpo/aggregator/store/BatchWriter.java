package io.hpo.aggregator.store;

import io.hpo.events.EventCodec;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleType;
import io.hpo.events.StepMetric;
import io.hpo.events.TrialAccounting;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
 * arrival order across topics and partitions end in the same state. A trial's attempt only goes up; progress and
 * the best loss are its latest attempt's, and rows of earlier attempts stay stored. A trial's overfitting verdict is
 * recomputed from what is stored whenever its steps, evaluations or accounting arrive, so it too ends the same
 * whatever the order.
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
        Set<TrialKey> curveChanged = new TreeSet<>();
        steps.forEach(s -> curveChanged.add(new TrialKey(s.searchId(), s.trialId())));
        for (LifecycleEvent e : events) {
            apply(e);
            if (e.type() == LifecycleType.TRIAL_EVALUATED || e.type() == LifecycleType.TRIAL_STARTED) {
                evaluated.add(new TrialKey(e.searchId(), e.trialId()));
            }
            if (e.trialId() != null && e.type() != LifecycleType.TRIAL_CREATED) {
                curveChanged.add(new TrialKey(e.searchId(), e.trialId()));
            }
        }
        recordStepProgress(steps);
        for (TrialKey t : evaluated) {
            refreshBest(t);
        }
        for (TrialKey t : curveChanged) {
            refreshOverfitting(t);
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
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO step_metrics (search_id, trial_id, attempt, step,"
                + " worker, tokens_seen, learning_rate, loss, wall_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT DO NOTHING")) {
            for (StepMetric s : steps) {
                ps.setString(1, s.searchId());
                ps.setString(2, s.trialId());
                ps.setInt(3, s.attempt());
                ps.setLong(4, s.step());
                ps.setInt(5, s.worker());
                ps.setLong(6, s.tokensSeen());
                ps.setDouble(7, s.learningRate());
                ps.setDouble(8, s.loss());
                ps.setObject(9, Sql.timestamp(s.wallTimeMs()));
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
                advance(new TrialKey(e.searchId(), e.trialId()), e.attemptOrFirst(), null, null);
            }
            case TRIAL_EVALUATED -> {
                update("INSERT INTO evaluations (search_id, trial_id, attempt, step, val_loss, tokens_seen, time)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", e.searchId(), e.trialId(),
                        e.attemptOrFirst(), e.step(), e.validationLoss(), e.tokensSeen(), Sql.timestamp(e.timeMs()));
                advance(new TrialKey(e.searchId(), e.trialId()), e.attemptOrFirst(), e.step(), e.tokensSeen());
            }
            case TRIAL_COMPLETED, TRIAL_DIVERGED, TRIAL_FAILED, TRIAL_PRUNED -> {
                update("UPDATE trials SET status = ?, reason = ?, ended_at = ?, pruned_rung = ? WHERE search_id = ?"
                        + " AND trial_id = ? AND status IN (?, ?)", TrialStatus.of(e.type()).name(), e.reason(),
                        Sql.timestamp(e.timeMs()), e.rung(), e.searchId(), e.trialId(),
                        TrialStatus.CREATED.name(), TrialStatus.RUNNING.name());
                advance(new TrialKey(e.searchId(), e.trialId()), e.attemptOrFirst(), e.step(), e.tokensSeen());
                recordAccounting(e);
            }
        }
    }

    /** The first terminal event with accounting sets it, as the first terminal event sets the status. */
    private void recordAccounting(LifecycleEvent e) throws SQLException {
        TrialAccounting a = e.accounting();
        if (a == null) {
            return;
        }
        update("UPDATE trials SET parameters = ?, training_tokens = ?, executor_seconds = ?, accounted_tokens = ?,"
                + " flops = ?, energy_kwh = ?, co2_kg = ?, cost = ? WHERE search_id = ? AND trial_id = ?"
                + " AND parameters IS NULL", a.parameters(), a.trainingTokens(), a.executorSeconds(), a.tokens(),
                a.flops(), a.energyKwh(), a.co2Kg(), a.cost(), e.searchId(), e.trialId());
    }

    /**
     * Applies {@link OverfittingRule} to the latest attempt's latest evaluation and the mean finite training loss
     * of the steps since the evaluation before it (PostgreSQL orders NaN above Infinity, so one bound drops both).
     */
    private void refreshOverfitting(TrialKey t) throws SQLException {
        String verdict = null;
        try (PreparedStatement ps = c.prepareStatement("WITH tr AS (SELECT search_id, trial_id, attempt, parameters,"
                + " training_tokens FROM trials WHERE search_id = ? AND trial_id = ?),"
                + " latest AS (SELECT e.step, e.val_loss FROM evaluations e"
                + " JOIN tr USING (search_id, trial_id, attempt)"
                + " ORDER BY e.step DESC LIMIT 1),"
                + " previous AS (SELECT COALESCE(max(e.step), 0) AS step FROM evaluations e"
                + " JOIN tr USING (search_id, trial_id, attempt) WHERE e.step < (SELECT step FROM latest))"
                + " SELECT latest.step, latest.val_loss, tr.parameters, tr.training_tokens,"
                + " (SELECT avg(m.loss) FROM step_metrics m JOIN tr t2 USING (search_id, trial_id, attempt)"
                + " WHERE m.step > previous.step AND m.step <= latest.step AND m.loss > ? AND m.loss < ?) AS train_loss"
                + " FROM tr, latest, previous")) {
            ps.setString(1, t.searchId());
            ps.setString(2, t.trialId());
            ps.setDouble(3, Double.NEGATIVE_INFINITY);
            ps.setDouble(4, Double.POSITIVE_INFINITY);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    verdict = OverfittingRule.verdict(rs.getLong("step"), rs.getDouble("val_loss"),
                            Sql.nullableDouble(rs, "train_loss"), Sql.nullableLong(rs, "parameters"),
                            Sql.nullableLong(rs, "training_tokens")).orElse(null);
                }
            }
        }
        update("UPDATE trials SET overfitting = ? WHERE search_id = ? AND trial_id = ?"
                + " AND overfitting IS DISTINCT FROM ?", verdict, t.searchId(), t.trialId(), verdict);
    }

    /** Steps of a trial mean it runs; each batch moves the trial's progress to its furthest step. */
    private void recordStepProgress(List<StepMetric> steps) throws SQLException {
        Map<AttemptKey, long[]> furthest = new TreeMap<>();
        for (StepMetric s : steps) {
            long[] f = furthest.computeIfAbsent(new AttemptKey(new TrialKey(s.searchId(), s.trialId()), s.attempt()),
                    k -> new long[2]);
            f[0] = Math.max(f[0], s.step());
            f[1] = Math.max(f[1], s.tokensSeen());
        }
        for (Map.Entry<AttemptKey, long[]> f : furthest.entrySet()) {
            advance(f.getKey().trial(), f.getKey().attempt(), f.getValue()[0], f.getValue()[1]);
        }
    }

    private record AttemptKey(TrialKey trial, int attempt) implements Comparable<AttemptKey> {
        @Override
        public int compareTo(AttemptKey o) {
            int c = trial.compareTo(o.trial);
            return c != 0 ? c : Integer.compare(attempt, o.attempt);
        }
    }

    /**
     * Marks a CREATED trial RUNNING and raises its furthest step and tokens (null leaves them). A later attempt
     * starts progress afresh; reports of an earlier attempt than the trial's leave it as it is.
     */
    private void advance(TrialKey t, int attempt, Long step, Long tokens) throws SQLException {
        // every right-hand side sees the row as it was, so attempt in the CASEs is the stored one
        update("UPDATE trials SET status = CASE WHEN status = ? THEN ? ELSE status END,"
                + " final_step = CASE WHEN ? > attempt THEN ? WHEN ? = attempt THEN GREATEST(final_step, ?)"
                + " ELSE final_step END,"
                + " tokens_seen = CASE WHEN ? > attempt THEN ? WHEN ? = attempt THEN GREATEST(tokens_seen, ?)"
                + " ELSE tokens_seen END,"
                + " attempt = GREATEST(attempt, ?)"
                + " WHERE search_id = ? AND trial_id = ?", TrialStatus.CREATED.name(), TrialStatus.RUNNING.name(),
                attempt, step, attempt, step, attempt, tokens, attempt, tokens, attempt, t.searchId(), t.trialId());
    }

    /** Recomputed from the latest attempt's stored evaluations, so it does not depend on their arrival order. */
    private void refreshBest(TrialKey t) throws SQLException {
        update("UPDATE trials t SET (best_val_loss, best_val_step, tokens_at_best) ="
                + " (SELECT val_loss, step, tokens_seen FROM evaluations e WHERE e.search_id = t.search_id"
                + " AND e.trial_id = t.trial_id AND e.attempt = t.attempt AND val_loss > ? AND val_loss < ?"
                + " ORDER BY val_loss, tokens_seen, step LIMIT 1)"
                + " WHERE t.search_id = ? AND t.trial_id = ?",
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
