package io.hpo.aggregator.store;

import io.hpo.events.EventCodec;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleType;
import io.hpo.events.StepMetric;
import io.hpo.events.TrialAccounting;
import io.hpo.events.TrialEnding;
import io.hpo.events.TrialEvaluation;
import io.hpo.events.TrialStatus;
import io.hpo.space.cost.Spend;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes one batch of events inside the caller's transaction. Every write is idempotent and commutes with the
 * others: rows are created by whichever event comes first, inserts skip rows already there, statuses only move
 * forward (CREATED, RUNNING, terminal), first values win and progress takes the maximum. So redelivery and any
 * arrival order across topics and partitions end in the same state. A trial's attempt only goes up; progress and
 * the best loss are its latest attempt's, and rows of earlier attempts stay stored. A trial's overfitting verdict is
 * recomputed from what is stored whenever its steps, evaluations or accounting arrive, so it too ends the same
 * whatever the order. A batch costs a fixed number of round trips, whatever its size and number of trials: rows go
 * in as column arrays, per-trial state is coalesced ({@link TrialProgress}, {@link OverfittingRefresh}) and the
 * events' statements are pipelined ({@link QueuedUpdates}).
 */
final class BatchWriter {
    private final Connection c;
    private final QueuedUpdates updates = new QueuedUpdates();
    private final TrialProgress progress = new TrialProgress();
    private final Set<TrialKey> bestChanged = new TreeSet<>();
    private final OverfittingRefresh overfitting = new OverfittingRefresh();

    BatchWriter(Connection c) {
        this.c = c;
    }

    /**
     * Rows first (the other writes refer to them), then the bulk inserts, then the trial rows locked and updated:
     * the events' updates, progress, and last what is recomputed from all of it: a trial's best loss (it reads the
     * attempt progress set) and its verdict. The bulk inserts come before the locks so that a writer holds trial rows
     * for the updates only: a trial's lifecycle events and steps may go to different consumers (the lifecycle topic
     * has fewer partitions), and a consumer sharing trials with another waited behind the whole insert of a large
     * batch (a third of a second a batch).
     */
    void write(List<StepMetric> steps, List<LifecycleEvent> events) throws SQLException {
        for (LifecycleEvent e : events) {
            EventValidation.problem(e).ifPresent(p -> {
                throw new IllegalArgumentException(p);
            });
        }
        List<StepRun> runs = StepRun.of(steps);
        Set<TrialKey> trials = new TreeSet<>();
        Set<String> searches = new TreeSet<>();
        runs.forEach(r -> trials.add(r.trial()));
        events.stream().filter(e -> e.trialId() != null).forEach(e -> trials.add(new TrialKey(e.searchId(), e.trialId())));
        trials.forEach(t -> searches.add(t.searchId()));
        events.forEach(e -> searches.add(e.searchId()));

        createMissingRows(searches, trials);
        insertSteps(steps, runs, trials);
        insertEvents(events);
        lockInKeyOrder(trials);
        for (StepRun r : runs) {
            progress.report(r.trial(), r.attempt(), r.lastStep(), r.tokens());
            overfitting.steps(r.trial(), r.firstStep());
        }
        for (LifecycleEvent e : events) {
            apply(e);
            if (e.trialId() != null && e.type() != LifecycleType.TRIAL_CREATED) {
                overfitting.any(new TrialKey(e.searchId(), e.trialId()));
            }
        }
        updates.execute(c);
        progress.write(c);
        refreshBest();
        overfitting.write(c);
    }

    private void createMissingRows(Set<String> searches, Set<TrialKey> trials) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO searches (search_id, status)"
                + " SELECT s, ? FROM unnest(?::text[]) AS s ON CONFLICT DO NOTHING")) {
            ps.setString(1, SearchSummary.RUNNING);
            ps.setArray(2, Sql.array(c, "text", searches.toArray(new String[0])));
            ps.executeUpdate();
        }
        if (trials.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO trials (search_id, trial_id, status)"
                + " SELECT s, t, ? FROM unnest(?::text[], ?::text[]) AS v(s, t) ON CONFLICT DO NOTHING")) {
            ps.setString(1, TrialStatus.CREATED.name());
            Sql.bindArrays(c, ps, 2, "text", TrialKey.searchIds(trials), "text", TrialKey.trialIds(trials));
            ps.executeUpdate();
        }
    }

    /**
     * Takes the batch's trial rows in key order before updating them, so that writers sharing trials (several
     * consumers, several aggregators) wait for each other instead of deadlocking: an UPDATE joined to a list locks
     * rows in whatever order its plan visits them.
     */
    private void lockInKeyOrder(Set<TrialKey> trials) throws SQLException {
        if (trials.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM trials t"
                + " JOIN unnest(?::text[], ?::text[]) AS v(s, t) ON t.search_id = v.s AND t.trial_id = v.t"
                + " ORDER BY t.search_id, t.trial_id FOR UPDATE OF t")) {
            Sql.bindArrays(c, ps, 1, "text", TrialKey.searchIds(trials), "text", TrialKey.trialIds(trials));
            ps.executeQuery().close();
        }
    }

    /**
     * One statement for the whole batch: its columns travel as arrays, so thousands of rows cost one round trip.
     * Steps are keyed by their trial's number (V7), looked up first for the batch's trials: ids as text for every
     * step cost more to write out and parse than the numbers, and a join of the steps to the trials in the insert
     * itself ran, once PostgreSQL's plan for the statement was generic (it assumes ten rows per array), as a nested
     * loop over the steps once per trial.
     */
    private void insertSteps(List<StepMetric> steps, List<StepRun> runs, Set<TrialKey> trials)
            throws SQLException {
        if (steps.isEmpty()) {
            return;
        }
        Map<TrialKey, Long> keys = trialKeys(trials);
        int n = steps.size();
        long[] trialNumbers = new long[n];
        int[] attempts = new int[n];
        long[] stepNumbers = new long[n];
        int[] workers = new int[n];
        long[] tokens = new long[n];
        double[] rates = new double[n];
        double[] losses = new double[n];
        long[] wallTimes = new long[n];
        // in key order: two writers given the same steps (a redelivery during a rebalance) wait for each other's
        // rows in the same order instead of deadlocking, and the key's index grows in runs
        List<StepRun> ordered = runs.stream().sorted(StepRun.KEY_ORDER).toList();
        int i = 0;
        for (StepRun r : ordered) {
            long key = keys.get(r.trial());
            for (int k = r.from(); k < r.to(); k++, i++) {
                StepMetric s = steps.get(k);
                trialNumbers[i] = key;
                attempts[i] = s.attempt();
                stepNumbers[i] = s.step();
                workers[i] = s.worker();
                tokens[i] = s.tokensSeen();
                rates[i] = s.learningRate();
                losses[i] = s.loss();
                wallTimes[i] = s.wallTimeMs();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO step_metrics (trial_key, attempt, step, worker,"
                + " tokens_seen, learning_rate, loss, wall_time) SELECT k, a, st, w, tk, lr, l,"
                + " timestamptz 'epoch' + ms * interval '1 millisecond' FROM unnest(?::bigint[], ?::int[], ?::bigint[],"
                + " ?::int[], ?::bigint[], ?::float8[], ?::float8[], ?::bigint[]) AS v(k, a, st, w, tk, lr, l, ms)"
                + " ON CONFLICT DO NOTHING")) {
            Sql.bindArrays(c, ps, 1, "int8", trialNumbers, "int4", attempts, "int8", stepNumbers, "int4", workers,
                    "int8", tokens, "float8", rates, "float8", losses, "int8", wallTimes);
            ps.executeUpdate();
        }
    }

    /** The trial numbers of the batch's trials, whose rows exist ({@link #createMissingRows}). */
    private Map<TrialKey, Long> trialKeys(Set<TrialKey> trials) throws SQLException {
        Map<TrialKey, Long> keys = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT t.search_id, t.trial_id, t.trial_key FROM trials t"
                + " JOIN unnest(?::text[], ?::text[]) AS v(s, t) ON t.search_id = v.s AND t.trial_id = v.t")) {
            Sql.bindArrays(c, ps, 1, "text", TrialKey.searchIds(trials), "text", TrialKey.trialIds(trials));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.put(new TrialKey(rs.getString(1), rs.getString(2)), rs.getLong(3));
                }
            }
        }
        if (keys.size() != trials.size()) {
            throw new IllegalStateException("trial rows missing for steps: " + trials.size() + " trials, "
                    + keys.size() + " rows");
        }
        return keys;
    }

    /** In key order, as the steps: writers given the same events wait for each other instead of deadlocking. */
    private void insertEvents(List<LifecycleEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO lifecycle_events (event_id, search_id, trial_id,"
                + " type, time, payload) VALUES (?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT DO NOTHING")) {
            for (LifecycleEvent e : events.stream().sorted(Comparator.comparing(LifecycleEvent::eventId)).toList()) {
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

    private void apply(LifecycleEvent e) {
        TrialKey trial = e.trialId() == null ? null : new TrialKey(e.searchId(), e.trialId());
        switch (e.type()) {
            case SEARCH_STARTED -> updates.add("UPDATE searches SET name = COALESCE(name, ?),"
                    + " spec_yaml = COALESCE(spec_yaml, ?), started_at = COALESCE(started_at, ?) WHERE search_id = ?",
                    e.submission().searchName(), e.submission().specYaml(), Sql.timestamp(e.timeMs()), e.searchId());
            case SEARCH_FINISHED -> updates.add("UPDATE searches SET status = ?, outcome = COALESCE(outcome, ?),"
                    + " finished_at = COALESCE(finished_at, ?) WHERE search_id = ?",
                    SearchSummary.FINISHED, e.reason(), Sql.timestamp(e.timeMs()), e.searchId());
            case TRIAL_CREATED -> updates.add("UPDATE trials SET config = COALESCE(config, ?::jsonb),"
                    + " created_at = COALESCE(created_at, ?) WHERE search_id = ? AND trial_id = ?",
                    Sql.json(e.config()), Sql.timestamp(e.timeMs()), e.searchId(), e.trialId());
            case TRIAL_STARTED -> {
                updates.add("UPDATE trials SET started_at = COALESCE(started_at, ?) WHERE search_id = ?"
                        + " AND trial_id = ?", Sql.timestamp(e.timeMs()), e.searchId(), e.trialId());
                progress.report(trial, e.attemptOrFirst(), null, null);
                bestChanged.add(trial);
            }
            case TRIAL_EVALUATED -> {
                TrialEvaluation ev = e.evaluation();
                updates.add("INSERT INTO evaluations (search_id, trial_id, attempt, step, val_loss, tokens_seen, time)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", e.searchId(), e.trialId(),
                        e.attemptOrFirst(), ev.step(), ev.validationLoss(), ev.tokensSeen(), Sql.timestamp(e.timeMs()));
                progress.report(trial, e.attemptOrFirst(), ev.step(), ev.tokensSeen());
                bestChanged.add(trial);
            }
            // the lineage of population-based training is kept in lifecycle_events; the trial keeps its created config
            case TRIAL_EXPLOITED -> {
            }
            case TRIAL_COMPLETED, TRIAL_DIVERGED, TRIAL_FAILED, TRIAL_PRUNED -> {
                TrialEnding end = e.ending();
                updates.add("UPDATE trials SET status = ?, reason = ?, ended_at = ?, pruned_rung = ?"
                        + " WHERE search_id = ? AND trial_id = ? AND status IN (?, ?)",
                        TrialStatus.endedBy(e.type()).name(), end.reason(), Sql.timestamp(e.timeMs()), end.rung(),
                        e.searchId(), e.trialId(), TrialStatus.CREATED.name(), TrialStatus.RUNNING.name());
                progress.report(trial, e.attemptOrFirst(), end.step(), end.tokensSeen());
                recordAccounting(e);
            }
        }
    }

    /** The first terminal event with accounting sets it, as the first terminal event sets the status. */
    private void recordAccounting(LifecycleEvent e) {
        TrialAccounting a = e.ending().accounting();
        if (a == null) {
            return;
        }
        Spend s = a.spend();
        updates.add("UPDATE trials SET parameters = ?, training_tokens = ?, executor_seconds = ?, accounted_tokens = ?,"
                + " flops = ?, energy_kwh = ?, co2_kg = ?, cost = ? WHERE search_id = ? AND trial_id = ?"
                + " AND parameters IS NULL", a.parameters(), a.trainingTokens(), s.executorSeconds(), s.tokens(),
                s.flops(), s.energyKwh(), s.co2Kg(), s.cost(), e.searchId(), e.trialId());
    }

    /** Recomputed from the latest attempt's stored evaluations, so it does not depend on their arrival order. */
    private void refreshBest() throws SQLException {
        QueuedUpdates refreshes = new QueuedUpdates();
        for (TrialKey t : bestChanged) {
            refreshes.add("UPDATE trials t SET (best_val_loss, best_val_step, tokens_at_best) ="
                    + " (SELECT val_loss, step, tokens_seen FROM evaluations e WHERE e.search_id = t.search_id"
                    + " AND e.trial_id = t.trial_id AND e.attempt = t.attempt AND val_loss > ? AND val_loss < ?"
                    + " ORDER BY val_loss, tokens_seen, step LIMIT 1)"
                    + " WHERE t.search_id = ? AND t.trial_id = ?",
                    Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, t.searchId(), t.trialId());
        }
        refreshes.execute(c);
    }
}
