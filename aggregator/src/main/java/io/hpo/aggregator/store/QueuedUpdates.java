package io.hpo.aggregator.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Statements queued by SQL text and sent as one JDBC batch per text, which PgJDBC pipelines: a batch's events cost
 * a round trip per kind of statement instead of one per event. Only for writes that commute with each other, since
 * statements of one text run together.
 */
final class QueuedUpdates {
    private final Map<String, List<Object[]>> queued = new LinkedHashMap<>();

    void add(String sql, Object... params) {
        queued.computeIfAbsent(sql, k -> new ArrayList<>()).add(params);
    }

    void execute(Connection c) throws SQLException {
        for (Map.Entry<String, List<Object[]>> e : queued.entrySet()) {
            try (PreparedStatement ps = c.prepareStatement(e.getKey())) {
                for (Object[] params : e.getValue()) {
                    for (int i = 0; i < params.length; i++) {
                        if (params[i] == null) {
                            ps.setNull(i + 1, Types.OTHER);
                        } else {
                            ps.setObject(i + 1, params[i]);
                        }
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        queued.clear();
    }
}
