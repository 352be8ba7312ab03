package io.hpo.aggregator.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@link TrainingLine}s of several trials of one search in two queries, downsampling in SQL so that a
 * 10,000-step curve leaves the database as a few hundred rows. Rows are each trial's latest attempt's.
 */
final class TrainingLines {
    // Per trial (one index range each, read by an index-only scan: the key carries the loss): its first and last
    // step in range, then per step the mean finite loss over workers or, when the range spans more steps than
    // points, equal step buckets keeping each bucket's lowest and highest loss (arrays compare loss, then step).
    // A trial without steps in range still gives one row, with nulls.
    private static final String TRAIN = "SELECT t.trial_id, r.hi - r.lo + 1 > ? AS downsampled, b.first_step, b.mean,"
            + " b.low, b.high FROM trials t"
            + " CROSS JOIN LATERAL (SELECT min(step) AS lo, max(step) AS hi FROM step_metrics m"
            + " WHERE m.trial_key = t.trial_key AND m.attempt = t.attempt"
            + " AND m.step BETWEEN ? AND ?) r"
            + " LEFT JOIN LATERAL (SELECT min(m.step) AS first_step, avg(m.loss) AS mean,"
            + " min(ARRAY[m.loss, m.step]) AS low, max(ARRAY[m.loss, m.step]) AS high FROM step_metrics m"
            + " WHERE m.trial_key = t.trial_key AND m.attempt = t.attempt"
            + " AND m.step BETWEEN r.lo AND r.hi AND m.loss > '-Infinity' AND m.loss < 'Infinity'"
            + " GROUP BY CASE WHEN r.hi - r.lo + 1 > ? THEN (m.step - r.lo) * ? / (r.hi - r.lo + 1) ELSE m.step END) b"
            + " ON true"
            + " WHERE t.search_id = ? AND t.trial_id = ANY (?) ORDER BY t.trial_id, b.first_step";
    private static final String VALIDATION = "SELECT e.trial_id, e.step, e.val_loss FROM evaluations e"
            + " JOIN trials t ON t.search_id = e.search_id AND t.trial_id = e.trial_id AND t.attempt = e.attempt"
            + " WHERE e.search_id = ? AND e.trial_id = ANY (?) AND e.step BETWEEN ? AND ?"
            + " AND e.val_loss > '-Infinity' AND e.val_loss < 'Infinity' ORDER BY e.trial_id, e.step";

    private TrainingLines() {
    }

    /** The lines of the trials that exist, in {@code trialIds} order, with at most about {@code points} points each. */
    static List<TrainingLine> read(Connection c, String searchId, List<String> trialIds, long from, long to,
                                   int points) throws SQLException {
        Array ids = c.createArrayOf("text", trialIds.toArray());
        Map<String, Builder> found = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(TRAIN)) {
            ps.setInt(1, points);
            ps.setLong(2, from);
            ps.setLong(3, to);
            ps.setInt(4, points);
            ps.setInt(5, Math.max(1, points / 2));
            ps.setString(6, searchId);
            ps.setArray(7, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Builder line = found.computeIfAbsent(rs.getString("trial_id"), id -> new Builder());
                    long first = rs.getLong("first_step");
                    if (rs.wasNull()) {
                        continue;
                    }
                    line.downsampled = rs.getBoolean("downsampled");
                    if (line.downsampled) {
                        line.extremes(point(rs.getArray("low")), point(rs.getArray("high")));
                    } else {
                        line.train.add(new TrainingLine.Point(first, rs.getDouble("mean")));
                    }
                }
            }
        }
        Map<String, Builder> lines = new LinkedHashMap<>();
        trialIds.stream().filter(found::containsKey).forEach(id -> lines.put(id, found.get(id)));
        try (PreparedStatement ps = c.prepareStatement(VALIDATION)) {
            ps.setString(1, searchId);
            ps.setArray(2, ids);
            ps.setLong(3, from);
            ps.setLong(4, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lines.get(rs.getString("trial_id")).validation
                            .add(new TrainingLine.Point(rs.getLong("step"), rs.getDouble("val_loss")));
                }
            }
        }
        List<TrainingLine> out = new ArrayList<>();
        lines.forEach((id, b) -> out.add(new TrainingLine(id, b.downsampled, b.train, b.validation)));
        return out;
    }

    private static TrainingLine.Point point(Array lossAndStep) throws SQLException {
        Double[] v = (Double[]) lossAndStep.getArray();
        return new TrainingLine.Point(v[1].longValue(), v[0]);
    }

    private static final class Builder {
        boolean downsampled;
        final List<TrainingLine.Point> train = new ArrayList<>();
        final List<TrainingLine.Point> validation = new ArrayList<>();

        /** A bucket's lowest and highest point, in step order; one point when they are the same step. */
        void extremes(TrainingLine.Point low, TrainingLine.Point high) {
            if (low.step() == high.step()) {
                train.add(low);
            } else if (low.step() < high.step()) {
                train.addAll(List.of(low, high));
            } else {
                train.addAll(List.of(high, low));
            }
        }
    }
}
