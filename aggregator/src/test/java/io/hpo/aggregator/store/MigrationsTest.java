package io.hpo.aggregator.store;

import io.hpo.aggregator.support.TestServices;
import org.junit.jupiter.api.Test;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationsTest {

    @Test
    void appliesEachScriptOnceAndRecordsIt() throws Exception {
        try (Database db = TestServices.freshDatabase()) {
            assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), Migrations.migrate(db));
            assertEquals(List.of(), Migrations.migrate(db), "a restart applies nothing");
            assertEquals(List.of(), Migrations.migrate(db));
            assertEquals(List.of("evaluations", "lifecycle_events", "schema_migrations", "searches", "step_metrics",
                    "trials"), tables(db));
            int recorded = db.read(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM schema_migrations");
                     ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertEquals(8, recorded);
        }
    }

    @Test
    void refusesAScriptChangedAfterItWasApplied() throws Exception {
        try (Database db = TestServices.freshDatabase()) {
            Migrations.migrate(db);
            db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE schema_migrations SET checksum = ? WHERE version = ?")) {
                    ps.setString(1, "edited");
                    ps.setInt(2, 1);
                    return ps.executeUpdate();
                }
            });
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Migrations.migrate(db));
            assertTrue(e.getMessage().contains("V1__results_schema"), e.getMessage());
        }
    }

    @Test
    void stepsStoredBeforeTheTrialKeyAreCarriedOver() throws Exception {
        try (Database db = TestServices.freshDatabase()) {
            List<Migrations.Script> scripts = Migrations.load();
            db.inTransaction(c -> Migrations.apply(c, scripts.subList(0, 6)));
            db.inTransaction(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("INSERT INTO searches (search_id, status) VALUES ('old', 'RUNNING')");
                    st.execute("INSERT INTO trials (search_id, trial_id, status, attempt) VALUES"
                            + " ('old', 't1', 'RUNNING', 2), ('old', 't2', 'RUNNING', 1)");
                    st.execute("INSERT INTO step_metrics (search_id, trial_id, attempt, step, worker, tokens_seen,"
                            + " learning_rate, loss, wall_time) SELECT 'old', 't' || (1 + i % 2), 1 + i / 10 % 2,"
                            + " i, 0, i * 10, 1e-3, 4.0 - i * 0.01, now() FROM generate_series(1, 40) i");
                }
                return null;
            });
            assertEquals(List.of(7, 8), Migrations.migrate(db));
            ResultsStore store = new ResultsStore(db);
            // t1 (even i) is at attempt 2: its steps 10-18 and 30-38; t2 (odd i) at attempt 1: 1-9 and 21-29
            assertEquals(new StoreCounts(2, 20, 0, 0, 20), store.counts("old"));
            assertEquals(List.of(10L, 12L, 14L, 16L, 18L, 30L, 32L, 34L, 36L, 38L),
                    store.curve("old", "t1").orElseThrow().steps().stream().map(Curve.Step::step).toList());
            assertEquals(4.0 - 0.10, store.curve("old", "t1").orElseThrow().steps().get(0).loss(), 1e-12);
        }
    }

    @Test
    void scriptsAreNumberedWithoutGaps() {
        List<Migrations.Script> scripts = Migrations.load();
        for (int i = 0; i < scripts.size(); i++) {
            assertEquals(i + 1, scripts.get(i).version());
        }
    }

    private static List<String> tables(Database db) throws Exception {
        return db.read(c -> {
            List<String> names = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = current_schema() ORDER BY table_name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        });
    }
}
