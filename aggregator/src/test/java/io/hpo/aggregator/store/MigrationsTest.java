package io.hpo.aggregator.store;

import io.hpo.aggregator.support.TestServices;
import org.junit.jupiter.api.Test;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationsTest {

    @Test
    void appliesEachScriptOnceAndRecordsIt() throws Exception {
        try (Database db = TestServices.freshDatabase()) {
            assertEquals(List.of(1, 2, 3, 4, 5, 6), Migrations.migrate(db));
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
            assertEquals(6, recorded);
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
