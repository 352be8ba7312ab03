package io.hpo.aggregator.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@link TrainingLine}s of several trials of one search in two queries, downsampling in SQL so that a
 * 10,000-step curve leaves the database as a few hundred rows. Rows are each trial's latest attempt's.
 */
final class TrainingLines {
    // per step the mean finite loss over workers; per trial, when it has more steps in range than points, equal
    // step buckets keeping each bucket's lowest and highest mean (arrays compare loss first, then step)
    private static final String TRAIN = "WITH t AS (SELECT trial_id, attempt FROM trials"
            + " WHERE search_id = ? AND trial_id = ANY (?)),"
            + " per_step AS (SELECT m.trial_id, m.step, avg(m.loss) AS loss FROM step_metrics m"
            + " JOIN t ON t.trial_id = m.trial_id AND t.attempt = m.attempt"
            + " WHERE m.search_id = ? AND m.step BETWEEN ? AND ? AND m.loss > '-Infinity' AND m.loss < 'Infinity'"
            + " GROUP BY m.trial_id, m.step),"
            + " span AS (SELECT trial_id, min(step) AS lo, max(step) AS hi, count(*) AS n FROM per_step"
            + " GROUP BY trial_id)"
            + " SELECT p.trial_id, span.n > ? AS downsampled,"
            + " min(ARRAY[p.loss, p.step]) AS low, max(ARRAY[p.loss, p.step]) AS high"
            + " FROM per_step p JOIN span USING (trial_id)"
            + " GROUP BY p.trial_id, span.n, CASE WHEN span.n > ? THEN (p.step - span.lo) * ? / (span.hi - span.lo + 1)"
            + " ELSE p.step END"
            + " ORDER BY p.trial_id, min(p.step)";
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
        Map<String, Builder> lines = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT trial_id FROM trials WHERE search_id = ?"
                + " AND trial_id = ANY (?)")) {
            ps.setString(1, searchId);
            ps.setArray(2, ids);
            List<String> known = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    known.add(rs.getString(1));
                }
            }
            trialIds.stream().filter(known::contains).distinct().forEach(id -> lines.put(id, new Builder()));
        }
        int buckets = Math.max(1, points / 2);
        try (PreparedStatement ps = c.prepareStatement(TRAIN)) {
            ps.setString(1, searchId);
            ps.setArray(2, ids);
            ps.setString(3, searchId);
            ps.setLong(4, from);
            ps.setLong(5, to);
            ps.setInt(6, points);
            ps.setInt(7, points);
            ps.setInt(8, buckets);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Builder line = lines.get(rs.getString("trial_id"));
                    line.downsampled = rs.getBoolean("downsampled");
                    line.extremes(point(rs.getArray("low")), point(rs.getArray("high")));
                }
            }
        }
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
