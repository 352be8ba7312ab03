package io.hpo.aggregator.store;

import io.hpo.events.CorruptEventException;
import io.hpo.events.EventCodec;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.TrialExploitation;
import io.hpo.events.StepMetric;
import io.hpo.events.TrialStatus;
import io.hpo.space.cost.Spend;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The results database: writes batches of events, answers the questions of the API and CLI.
 * Ranking of a search's trials: lowest best validation loss first, ties broken by fewer tokens at that point, then
 * by trial id (code-point order); trials without a finite evaluation come last.
 */
public final class ResultsStore {
    // from this many trials on, curves are read on two connections at once
    private static final int PARALLEL_LINES = 20;
    private static final String SEARCH_ORDER = "s.started_at DESC NULLS LAST, s.search_id COLLATE \"C\"";
    private static final String RANKING =
            "best_val_loss ASC NULLS LAST, tokens_at_best ASC NULLS LAST, trial_id COLLATE \"C\"";
    private static final String TRIAL_COLUMNS = "trial_id, status, config::text AS config, best_val_loss,"
            + " best_val_step, tokens_at_best, final_step, tokens_seen, reason, created_at, started_at, ended_at,"
            + " pruned_rung, attempt, parameters, training_tokens, executor_seconds, accounted_tokens, flops,"
            + " energy_kwh, co2_kg, cost, overfitting";

    private final Database db;

    public ResultsStore(Database db) {
        this.db = db;
    }

    /**
     * Stores a batch in one transaction. Safe to repeat: a batch applied twice, or split and reordered, leaves the
     * same state. Lifecycle events must pass {@link EventValidation}.
     */
    public void applyBatch(List<StepMetric> steps, List<LifecycleEvent> events) throws SQLException {
        if (steps.isEmpty() && events.isEmpty()) {
            return;
        }
        db.inTransaction(c -> {
            new BatchWriter(c).write(steps, events);
            return null;
        });
    }

    /** True when the database answers. */
    public boolean ping() {
        try {
            return db.read(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT 1"); ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            });
        } catch (SQLException e) {
            return false;
        }
    }

    /** All searches, newest first. */
    public List<SearchSummary> searches() throws SQLException {
        return db.read(c -> loadSearches(c, null, Integer.MAX_VALUE, 0));
    }

    /** A page of the searches, newest first, with how many there are. */
    public Page<SearchSummary> searches(int limit, int offset) throws SQLException {
        return db.read(c -> new Page<>(loadSearches(c, null, limit, offset),
                count(c, "SELECT count(*) FROM searches"), limit, offset));
    }

    public Optional<SearchSummary> search(String searchId) throws SQLException {
        return db.read(c -> loadSearches(c, searchId, 1, 0)).stream().findFirst();
    }

    private static List<SearchSummary> loadSearches(Connection c, String onlyId, int limit, int offset)
            throws SQLException {
        List<SearchSummary> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT s.search_id, s.name, s.status, s.outcome, s.started_at,"
                + " s.finished_at, " + (onlyId == null ? "NULL" : "s.spec_yaml") + " AS spec_yaml,"
                + " best.trial_id AS best_trial_id, best.best_val_loss"
                + " FROM searches s LEFT JOIN LATERAL (SELECT trial_id, best_val_loss FROM trials b"
                + " WHERE b.search_id = s.search_id AND b.best_val_loss IS NOT NULL ORDER BY " + RANKING
                + " LIMIT 1) best ON true" + (onlyId == null ? "" : " WHERE s.search_id = ?")
                + " ORDER BY " + SEARCH_ORDER + " LIMIT ? OFFSET ?")) {
            int i = 1;
            if (onlyId != null) {
                ps.setString(i++, onlyId);
            }
            ps.setInt(i++, limit);
            ps.setInt(i, offset);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new SearchSummary(rs.getString("search_id"), rs.getString("name"), rs.getString("status"),
                            rs.getString("outcome"), Sql.instant(rs, "started_at"), Sql.instant(rs, "finished_at"),
                            0, emptyCounts(), Sql.nullableDouble(rs, "best_val_loss"), rs.getString("best_trial_id"),
                            rs.getString("spec_yaml")));
                }
            }
        }
        return withTrialCounts(c, out);
    }

    /** The searches with their trials counted by status, for just these searches. */
    private static List<SearchSummary> withTrialCounts(Connection c, List<SearchSummary> searches)
            throws SQLException {
        Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT search_id, status, count(*) AS n FROM trials"
                + " WHERE search_id = ANY (?) GROUP BY search_id, status")) {
            ps.setArray(1, c.createArrayOf("text", searches.stream().map(SearchSummary::searchId).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.computeIfAbsent(rs.getString("search_id"), k -> emptyCounts())
                            .put(rs.getString("status"), rs.getInt("n"));
                }
            }
        }
        return searches.stream().map(s -> {
            Map<String, Integer> byStatus = counts.getOrDefault(s.searchId(), emptyCounts());
            return new SearchSummary(s.searchId(), s.name(), s.status(), s.outcome(), s.startedAt(), s.finishedAt(),
                    byStatus.values().stream().mapToInt(Integer::intValue).sum(), byStatus, s.bestValLoss(),
                    s.bestTrialId(), s.specYaml());
        }).toList();
    }

    private static Map<String, Integer> emptyCounts() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (TrialStatus s : TrialStatus.values()) {
            m.put(s.name(), 0);
        }
        return m;
    }

    /** The search's trials in ranking order; empty for an unknown search. */
    public List<StoredTrial> rankedTrials(String searchId) throws SQLException {
        return trials(searchId, TrialOrder.RANK, Integer.MAX_VALUE, 0).items();
    }

    /**
     * A page of the search's trials in {@code order}, each with its rank, and how many the search has. Ranks and
     * the page are found on narrow rows first; only the page's trials are read whole.
     */
    public Page<StoredTrial> trials(String searchId, TrialOrder order, int limit, int offset) throws SQLException {
        return trials(searchId, order, TrialFilter.NONE, limit, offset);
    }

    /**
     * As {@link #trials(String, TrialOrder, int, int)}, of the trials {@code filter} keeps: the page and the total
     * count only those, while each keeps its rank among all the search's trials.
     */
    public Page<StoredTrial> trials(String searchId, TrialOrder order, TrialFilter filter, int limit, int offset)
            throws SQLException {
        return db.read(c -> {
            List<StoredTrial> out;
            try (PreparedStatement ps = c.prepareStatement("WITH ranked AS (SELECT trial_id, row_number() OVER"
                    + " (ORDER BY " + RANKING + ") AS rank FROM trials WHERE search_id = ?),"
                    + " page AS (SELECT trial_id, rank FROM ranked JOIN trials USING (trial_id)"
                    + " WHERE search_id = ?" + filter.sql() + " ORDER BY " + order.sql() + " LIMIT ? OFFSET ?)"
                    + " SELECT " + TRIAL_COLUMNS + ", rank FROM page JOIN trials USING (trial_id)"
                    + " WHERE search_id = ? ORDER BY " + order.sql())) {
                int i = 1;
                ps.setString(i++, searchId);
                ps.setString(i++, searchId);
                i = filter.bind(c, ps, i);
                if (order.byHyperparameter()) {
                    ps.setString(i++, order.key());
                }
                ps.setInt(i++, limit);
                ps.setInt(i++, offset);
                ps.setString(i++, searchId);
                if (order.byHyperparameter()) {
                    ps.setString(i, order.key());
                }
                out = trials(ps);
            }
            long total;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM trials WHERE search_id = ?"
                    + filter.sql())) {
                ps.setString(1, searchId);
                filter.bind(c, ps, 2);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            return new Page<>(out, total, limit, offset);
        });
    }

    /**
     * Every trial of the search in ranking order with what the dashboard's parallel coordinates draw: status, best
     * validation loss and hyperparameters, read in one query (empty for an unknown search).
     */
    public List<TrialPoint> points(String searchId) throws SQLException {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT trial_id, status, best_val_loss,"
                    + " config::text AS config FROM trials WHERE search_id = ? ORDER BY " + RANKING)) {
                ps.setString(1, searchId);
                List<TrialPoint> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new TrialPoint(rs.getString("trial_id"), rs.getString("status"),
                                Sql.nullableDouble(rs, "best_val_loss"), Sql.config(rs.getString("config"))));
                    }
                }
                return out;
            }
        });
    }

    /**
     * The trials with a finite best validation loss and recorded accounting, in ranking order, without their
     * configs (what the Pareto front places: thousands of trials, so nothing more is read).
     */
    public List<StoredTrial> placedTrials(String searchId) throws SQLException {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + TRIAL_COLUMNS.replace("config::text", "NULL")
                    + ", row_number() OVER (ORDER BY " + RANKING + ") AS rank FROM trials WHERE search_id = ?"
                    + " AND best_val_loss IS NOT NULL AND executor_seconds IS NOT NULL ORDER BY rank")) {
                ps.setString(1, searchId);
                return trials(ps);
            }
        });
    }

    /**
     * Each completed trial's final training loss, by trial id: the mean finite loss over all workers of the last
     * {@code steps} steps its latest attempt stored. A trial without such steps is left out. Each trial's steps are
     * read from the end of its index range, so a long curve costs no more than a short one.
     */
    public Map<String, Double> finalTrainLosses(String searchId, int steps) throws SQLException {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT t.trial_id, (SELECT avg(m.loss) FROM step_metrics m"
                    + " WHERE m.trial_key = t.trial_key AND m.attempt = t.attempt AND m.loss > ? AND m.loss < ?"
                    + " AND m.step > (SELECT max(l.step) FROM step_metrics l WHERE l.trial_key = t.trial_key"
                    + " AND l.attempt = t.attempt) - ?) AS train_loss FROM trials t"
                    + " WHERE t.search_id = ? AND t.status = 'COMPLETED'")) {
                // PostgreSQL orders NaN above Infinity, so these bounds drop both
                ps.setDouble(1, Double.NEGATIVE_INFINITY);
                ps.setDouble(2, Double.POSITIVE_INFINITY);
                ps.setLong(3, steps);
                ps.setString(4, searchId);
                Map<String, Double> losses = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Double loss = Sql.nullableDouble(rs, "train_loss");
                        if (loss != null) {
                            losses.put(rs.getString("trial_id"), loss);
                        }
                    }
                }
                return losses;
            }
        });
    }

    /**
     * A value that changes whenever a trial of the search ends or an ended trial's row is written (a late step of it
     * too: every stored step updates its trial's progress): their count and the sum of their rows' {@code xmin}, the
     * transaction that last wrote each row. One read of the search's trial rows, none of their steps.
     */
    public String endedTrialsVersion(String searchId) throws SQLException {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*), coalesce(sum(xmin::text::bigint), 0)"
                    + " FROM trials WHERE search_id = ? AND status IN ('COMPLETED', 'PRUNED', 'DIVERGED')")) {
                ps.setString(1, searchId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) + "/" + rs.getLong(2);
                }
            }
        });
    }

    /**
     * The trials that ended (completed, pruned or diverged) with a finite best validation loss, in ranking order,
     * with their configs: what hyperparameter importance compares, in one query however many there are.
     */
    public List<StoredTrial> finishedTrials(String searchId) throws SQLException {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + TRIAL_COLUMNS + ", row_number() OVER"
                    + " (ORDER BY " + RANKING + ") AS rank FROM trials WHERE search_id = ?"
                    + " AND status IN ('COMPLETED', 'PRUNED', 'DIVERGED') AND best_val_loss IS NOT NULL"
                    + " ORDER BY rank")) {
                ps.setString(1, searchId);
                return trials(ps);
            }
        });
    }

    /**
     * One trial with its rank, read by key: its rank is a count of the trials ranked before it, which the ranking
     * index answers alone, so no other trial is read.
     */
    public Optional<StoredTrial> trial(String searchId, String trialId) throws SQLException {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + TRIAL_COLUMNS + ", 1 + (SELECT count(*)"
                    + " FROM trials b WHERE b.search_id = t.search_id AND " + rankKey("b") + " < " + rankKey("t")
                    + ") AS rank FROM trials t WHERE search_id = ? AND trial_id = ?")) {
                ps.setString(1, searchId);
                ps.setString(2, trialId);
                return trials(ps).stream().findFirst();
            }
        });
    }

    // RANKING as a row value: comparing rows orders them as RANKING does, nulls last
    private static String rankKey(String alias) {
        return String.format("(%1$s.best_val_loss IS NULL, COALESCE(%1$s.best_val_loss, 0),"
                + " %1$s.tokens_at_best IS NULL, COALESCE(%1$s.tokens_at_best, 0),"
                + " %1$s.trial_id COLLATE \"C\")", alias);
    }

    /** The first-ranked trial, if any trial of the search has a finite evaluation. */
    public Optional<StoredTrial> best(String searchId) throws SQLException {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + TRIAL_COLUMNS + ", 1 AS rank FROM trials"
                    + " WHERE search_id = ? AND best_val_loss IS NOT NULL ORDER BY " + RANKING + " LIMIT 1")) {
                ps.setString(1, searchId);
                return trials(ps).stream().findFirst();
            }
        });
    }

    /**
     * Where the trial's latest attempt saved its model, read from its TRIAL_COMPLETED event as stored (the event is
     * the record of it; no column needed); empty when it did not complete or saved nothing.
     */
    public Optional<String> checkpoint(String searchId, String trialId) throws SQLException {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT payload->>'checkpoint' FROM lifecycle_events"
                    + " WHERE search_id = ? AND trial_id = ? AND type = 'TRIAL_COMPLETED'"
                    + " AND COALESCE((payload->>'attempt')::int, 1) = " + LATEST_ATTEMPT)) {
                bindTrialTwice(ps, searchId, trialId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    /** The search's exploits (population-based training's lineage) by step, then trial; empty for other searches. */
    public List<LineageLink> lineage(String searchId) throws SQLException {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT payload FROM lifecycle_events WHERE search_id = ?"
                    + " AND type = 'TRIAL_EXPLOITED' ORDER BY (payload->>'step')::bigint, trial_id")) {
                ps.setString(1, searchId);
                List<LineageLink> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(link(rs.getString(1)));
                    }
                }
                return out;
            }
        });
    }

    private static LineageLink link(String payload) throws SQLException {
        try {
            LifecycleEvent e = EventCodec.decodeLifecycle(payload.getBytes(StandardCharsets.UTF_8));
            TrialExploitation x = e.exploitation();
            return new LineageLink(e.trialId(), x.donor(), x.step(), x.previousConfig(), e.config(),
                    x.changes() == null ? Map.of() : x.changes());
        } catch (CorruptEventException e) {
            // only validated events are stored: one that no longer decodes is a broken store, not bad input
            throw new SQLException("a stored TRIAL_EXPLOITED event does not decode: " + e.getMessage(), e);
        }
    }

    private static List<StoredTrial> trials(PreparedStatement ps) throws SQLException {
        List<StoredTrial> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new StoredTrial(rs.getInt("rank"), rs.getString("trial_id"), rs.getString("status"),
                        Sql.config(rs.getString("config")), Sql.nullableDouble(rs, "best_val_loss"),
                        Sql.nullableLong(rs, "best_val_step"), Sql.nullableLong(rs, "tokens_at_best"),
                        Sql.nullableLong(rs, "final_step"), Sql.nullableLong(rs, "tokens_seen"),
                        rs.getString("reason"), Sql.instant(rs, "created_at"), Sql.instant(rs, "started_at"),
                        Sql.instant(rs, "ended_at"), Sql.nullableInteger(rs, "pruned_rung"),
                        rs.getInt("attempt"), Sql.nullableLong(rs, "parameters"),
                        Sql.nullableLong(rs, "training_tokens"), spend(rs), rs.getString("overfitting")));
            }
        }
        return out;
    }

    private static Spend spend(ResultSet rs) throws SQLException {
        Double executorSeconds = Sql.nullableDouble(rs, "executor_seconds");
        return executorSeconds == null ? null : new Spend(executorSeconds, rs.getLong("accounted_tokens"),
                rs.getDouble("flops"), rs.getDouble("energy_kwh"), rs.getDouble("co2_kg"), rs.getDouble("cost"));
    }

    /** A trial's step losses and evaluations; empty for an unknown trial. */
    public Optional<Curve> curve(String searchId, String trialId) throws SQLException {
        return db.read(c -> {
            if (count(c, "SELECT count(*) FROM trials WHERE search_id = ? AND trial_id = ?", searchId, trialId) == 0) {
                return Optional.empty();
            }
            List<Curve.Step> steps = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT step, worker, loss, learning_rate, tokens_seen,"
                    + " wall_time FROM step_metrics WHERE trial_key = " + TRIAL_KEY + " AND attempt = " + LATEST_ATTEMPT
                    + " ORDER BY step, worker")) {
                bindTrialTwice(ps, searchId, trialId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        steps.add(new Curve.Step(rs.getLong("step"), rs.getInt("worker"), rs.getDouble("loss"),
                                rs.getDouble("learning_rate"), rs.getLong("tokens_seen"), Sql.instant(rs, "wall_time")));
                    }
                }
            }
            List<Curve.Evaluation> evaluations = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT step, val_loss, tokens_seen, time FROM evaluations"
                    + " WHERE search_id = ? AND trial_id = ? AND attempt = " + LATEST_ATTEMPT + " ORDER BY step")) {
                bindTrialTwice(ps, searchId, trialId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        evaluations.add(new Curve.Evaluation(rs.getLong("step"), rs.getDouble("val_loss"),
                                rs.getLong("tokens_seen"), Sql.instant(rs, "time")));
                    }
                }
            }
            return Optional.of(new Curve(steps, evaluations));
        });
    }

    /**
     * The training and validation lines of these trials of the search (unknown ids left out, the others in the
     * order given), in steps {@code from..to}, the training line downsampled to about {@code points} points where
     * it has more steps. Many trials are read as two halves on two connections at once: each trial's steps are one
     * index range that one database backend reads on one core, and a page of long curves is a million rows.
     */
    public List<TrainingLine> trainingLines(String searchId, List<String> trialIds, long from, long to, int points)
            throws SQLException {
        if (trialIds.size() < PARALLEL_LINES) {
            return db.read(c -> TrainingLines.read(c, searchId, trialIds, from, to, points));
        }
        List<String> firstHalf = trialIds.subList(0, trialIds.size() / 2);
        // the first half on the common pool: one blocking task per request, which at worst waits its turn
        CompletableFuture<List<TrainingLine>> first = CompletableFuture.supplyAsync(() -> {
            try {
                return db.read(c -> TrainingLines.read(c, searchId, firstHalf, from, to, points));
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        });
        List<TrainingLine> second = db.read(c -> TrainingLines.read(c, searchId,
                trialIds.subList(firstHalf.size(), trialIds.size()), from, to, points));
        List<TrainingLine> all;
        try {
            all = new ArrayList<>(first.join());
        } catch (CompletionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw e;
        }
        all.addAll(second);
        return all;
    }

    // the rows of a trial's curve: its latest attempt's (placeholders: search id, trial id)
    private static final String LATEST_ATTEMPT =
            "(SELECT t.attempt FROM trials t WHERE t.search_id = ? AND t.trial_id = ?)";
    private static final String TRIAL_KEY =
            "(SELECT t.trial_key FROM trials t WHERE t.search_id = ? AND t.trial_id = ?)";

    /** How many rows the search has in each table; steps and evaluations of earlier attempts are counted apart. */
    public StoreCounts counts(String searchId) throws SQLException {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT"
                    + " (SELECT count(*) FROM trials WHERE search_id = ?) AS trials,"
                    + " (SELECT count(*) FROM step_metrics m JOIN trials t USING (trial_key, attempt)"
                    + " WHERE t.search_id = ?) AS steps,"
                    + " (SELECT count(*) FROM evaluations e JOIN trials t USING (search_id, trial_id, attempt)"
                    + " WHERE e.search_id = ?) AS evaluations,"
                    + " (SELECT count(*) FROM lifecycle_events WHERE search_id = ?) AS events,"
                    + " (SELECT count(*) FROM step_metrics m JOIN trials t USING (trial_key) WHERE t.search_id = ?)"
                    + " AS all_steps")) {
                for (int i = 1; i <= 5; i++) {
                    ps.setString(i, searchId);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new StoreCounts(rs.getLong("trials"), rs.getLong("steps"), rs.getLong("evaluations"),
                            rs.getLong("events"), rs.getLong("all_steps") - rs.getLong("steps"));
                }
            }
        });
    }

    /** Steps stored for the search, over all trials and workers. */
    public long countSteps(String searchId) throws SQLException {
        return counts(searchId).steps();
    }

    private static void bindTrialTwice(PreparedStatement ps, String searchId, String trialId) throws SQLException {
        ps.setString(1, searchId);
        ps.setString(2, trialId);
        ps.setString(3, searchId);
        ps.setString(4, trialId);
    }

    private static long count(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
