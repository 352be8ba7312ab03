package io.hpo.aggregator.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Applies the classpath scripts {@code db/migration/V<n>__<name>.sql} that the database has not seen yet, in
 * version order, in one transaction, and records each in {@code schema_migrations} with its checksum. A script
 * that changed after it was applied is an error: released migrations are immutable.
 */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    static final String LOCATION = "db/migration";
    private static final Pattern NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");
    // any constant shared by all aggregator instances: serialises concurrent start-ups
    private static final long ADVISORY_LOCK = 0x6870_6f5f_6d69_67L;

    /** One migration script. */
    record Script(int version, String name, String sql) {
        String checksum() {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(sql.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private Migrations() {
    }

    /** Brings the schema up to date; returns the versions applied now (empty when it already was). */
    public static List<Integer> migrate(Database db) throws SQLException {
        List<Script> scripts = load();
        return db.inTransaction(c -> apply(c, scripts));
    }

    /** Applies those of {@code scripts} not applied yet (tests apply a prefix to build an older store). */
    static List<Integer> apply(Connection c, List<Script> scripts) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, ADVISORY_LOCK);
            lock.execute();
        }
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL,"
                    + " checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
        }
        Map<Integer, String> applied = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT version, checksum FROM schema_migrations");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                applied.put(rs.getInt(1), rs.getString(2));
            }
        }
        List<Integer> done = new ArrayList<>();
        for (Script s : scripts) {
            String known = applied.get(s.version());
            if (known != null) {
                if (!known.equals(s.checksum())) {
                    throw new IllegalStateException("migration V" + s.version() + "__" + s.name()
                            + " changed after it was applied; add a new migration instead");
                }
                continue;
            }
            try (Statement st = c.createStatement()) {
                st.execute(s.sql());
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)")) {
                ps.setInt(1, s.version());
                ps.setString(2, s.name());
                ps.setString(3, s.checksum());
                ps.executeUpdate();
            }
            LOG.info("applied migration V{}__{}", s.version(), s.name());
            done.add(s.version());
        }
        return done;
    }

    /** The scripts on the classpath, ordered by version; versions must run 1, 2, 3... without gaps. */
    static List<Script> load() {
        List<Script> scripts = new ArrayList<>();
        for (String file : listScripts()) {
            Matcher m = NAME.matcher(file);
            if (!m.matches()) {
                throw new IllegalStateException("not a migration script name: " + LOCATION + "/" + file);
            }
            scripts.add(new Script(Integer.parseInt(m.group(1)), m.group(2), read(LOCATION + "/" + file)));
        }
        scripts.sort((a, b) -> Integer.compare(a.version(), b.version()));
        for (int i = 0; i < scripts.size(); i++) {
            if (scripts.get(i).version() != i + 1) {
                throw new IllegalStateException("migration versions must be 1.." + scripts.size() + " without gaps, got "
                        + scripts.stream().map(Script::version).toList());
            }
        }
        return scripts;
    }

    /** File names under {@link #LOCATION}, from a directory (IDE, tests) or a jar (shaded application). */
    private static List<String> listScripts() {
        URL url = Migrations.class.getClassLoader().getResource(LOCATION);
        if (url == null) {
            throw new IllegalStateException("no " + LOCATION + " on the classpath");
        }
        try {
            if ("jar".equals(url.getProtocol())) {
                JarURLConnection conn = (JarURLConnection) url.openConnection();
                conn.setUseCaches(false);
                try (JarFile jar = conn.getJarFile()) {
                    String prefix = LOCATION + "/";
                    return jar.stream().map(e -> e.getName())
                            .filter(n -> n.startsWith(prefix) && n.length() > prefix.length() && !n.endsWith("/"))
                            .map(n -> n.substring(prefix.length())).toList();
                }
            }
            try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
                return files.map(p -> p.getFileName().toString()).toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + url + ": " + e.getMessage(), e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot list " + url, e);
        }
    }

    private static String read(String resource) {
        try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
