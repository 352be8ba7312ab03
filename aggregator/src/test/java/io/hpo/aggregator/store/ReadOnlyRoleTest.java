package io.hpo.aggregator.store;

import io.hpo.aggregator.support.Events;
import io.hpo.aggregator.support.TestServices;
import io.hpo.deploy.LocalPostgres;
import io.hpo.deploy.RequiredTool;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The role hpo_readonly (migration V8) and Grafana's user in it, created by the compose stack's init script
 * (deploy/compose/postgres/readonly-user.sql, run with psql as the postgres image runs it), on a real PostgreSQL.
 */
class ReadOnlyRoleTest {
    private static final List<String> RESULTS_TABLES = List.of("searches", "trials", "step_metrics", "evaluations",
            "lifecycle_events");
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    @Test
    void grafanasUserReadsEveryResultsTableAndChangesNothing() throws Exception {
        LocalPostgres pg = TestServices.postgres();
        String database = "ro_" + UUID.randomUUID().toString().replace("-", "");
        String password = "grafana-" + UUID.randomUUID();
        try (Connection admin = superuser(pg, "postgres"); Statement st = admin.createStatement()) {
            st.execute("CREATE DATABASE " + database + " OWNER " + pg.user());
        }
        initScript(pg, database, password);
        try (Connection admin = superuser(pg, database); Statement st = admin.createStatement()) {
            st.execute("CREATE SCHEMA results AUTHORIZATION " + pg.user());
        }
        String url = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + database + "?currentSchema=results";
        try (Database owner = new Database(url, pg.user(), pg.password())) {
            Migrations.migrate(owner);
            new ResultsStore(owner).applyBatch(List.of(), List.of(Events.started("s1")));
        }

        try (Connection c = DriverManager.getConnection(url, "hpo_grafana", password); Statement st = c.createStatement()) {
            for (String table : RESULTS_TABLES) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
                    assertTrue(rs.next(), table);
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT search_id FROM searches")) {
                assertTrue(rs.next());
                assertEquals("s1", rs.getString(1));
            }
            for (String sql : List.of("SELECT * FROM schema_migrations",
                    "INSERT INTO searches (search_id, status) VALUES ('s2', 'RUNNING')",
                    "UPDATE searches SET status = 'FAILED'", "DELETE FROM trials", "DELETE FROM step_metrics",
                    "TRUNCATE evaluations", "ALTER TABLE lifecycle_events ADD COLUMN x int", "DROP TABLE trials",
                    "CREATE TABLE results.x (i int)", "CREATE TABLE public.x (i int)")) {
                SQLException e = assertThrows(SQLException.class, () -> st.execute(sql), sql);
                assertEquals(INSUFFICIENT_PRIVILEGE, e.getSQLState(), sql + ": " + e.getMessage());
            }
        }
    }

    /**
     * On a server of its own, where the role does not exist yet: the local stack's user (no CREATEROLE) migrates all
     * the same without it; a user who may create roles (the postgres image's owner is a superuser) creates it.
     */
    @Test
    void theMigrationCreatesTheRoleWhereItsUserMayAndGoesOnWhereItMayNot() throws Exception {
        try (LocalPostgres pg = LocalPostgres.start(TestServices.scratch("readonly-role"), 0)) {
            try (Database db = new Database(pg.jdbcUrl(), pg.user(), pg.password())) {
                assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), Migrations.migrate(db));
            }
            try (Connection admin = superuser(pg, "hpo"); Statement st = admin.createStatement()) {
                assertFalse(exists(st, "SELECT FROM pg_roles WHERE rolname = 'hpo_readonly'"));
                st.execute("CREATE SCHEMA by_superuser");
            }
            try (Database db = new Database(pg.jdbcUrl() + "?currentSchema=by_superuser", "postgres", "")) {
                assertEquals(8, Migrations.migrate(db).size());
            }
            try (Connection admin = superuser(pg, "hpo"); Statement st = admin.createStatement()) {
                assertTrue(exists(st, "SELECT FROM pg_roles WHERE rolname = 'hpo_readonly' AND NOT rolcanlogin"));
                for (String table : RESULTS_TABLES) {
                    assertTrue(exists(st, "SELECT WHERE has_table_privilege('hpo_readonly', 'by_superuser." + table
                            + "', 'SELECT')"), table);
                    assertFalse(exists(st, "SELECT WHERE has_table_privilege('hpo_readonly', 'by_superuser." + table
                            + "', 'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')"), table);
                }
                assertFalse(exists(st, "SELECT WHERE has_table_privilege('hpo_readonly',"
                        + " 'by_superuser.schema_migrations', 'SELECT')"));
            }
        }
    }

    private static Connection superuser(LocalPostgres pg, String database) throws SQLException {
        // the embedded server's superuser, trusted on loopback
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + database, "postgres", "");
    }

    private static boolean exists(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next();
        }
    }

    /** psql runs the script as the postgres image does: as the superuser, stopping at the first error. */
    private static void initScript(LocalPostgres pg, String database, String password) throws Exception {
        Optional<Path> psql = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(d -> Path.of(d, "psql")).filter(Files::isExecutable).findFirst();
        RequiredTool.require(psql.isPresent(), "psql", "postgresql-client");
        Path script = repositoryRoot().resolve("deploy/compose/postgres/readonly-user.sql");
        ProcessBuilder pb = new ProcessBuilder(psql.get().toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-h", "127.0.0.1", "-p", String.valueOf(pg.port()), "-U", "postgres", "-d", database,
                "-f", script.toString()).redirectErrorStream(true);
        pb.environment().put("HPO_GRAFANA_DB_PASSWORD", password);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "psql timed out");
        assertEquals(0, p.exitValue(), out);
    }

    private static Path repositoryRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve("docker-compose.yml"))) {
                return d;
            }
        }
        throw new IllegalStateException("repository root not found from " + Path.of("").toAbsolutePath());
    }
}
