package io.hpo.aggregator.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * Connections to the results database: a few idle ones are kept for reuse; one that failed with a connection
 * error is dropped, so the next call reconnects. Thread-safe.
 */
public final class Database implements AutoCloseable {
    private static final int MAX_IDLE = 4;
    /**
     * An idle connection returned more recently than this is handed out unchecked: a validation is a round trip
     * that would double a cheap query's time (HikariCP's alive-bypass window); one that died meanwhile fails its
     * call with a connection error and is dropped.
     */
    static final long UNCHECKED_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /** A connection waiting in the pool, and when it was returned. */
    private record Idle(Connection connection, long returnedNanos) {
    }

    /** Work done with a connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final String url;
    private final Properties props = new Properties();
    private final ConcurrentLinkedDeque<Idle> idle = new ConcurrentLinkedDeque<>();

    public Database(String jdbcUrl, String user, String password) {
        this.url = jdbcUrl;
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("reWriteBatchedInserts", "true");
        props.setProperty("connectTimeout", "10");
        props.setProperty("socketTimeout", "120");
        props.setProperty("ApplicationName", "hpo-aggregator");
    }

    /** The JDBC URL without the credentials it may carry, for messages. */
    public String url() {
        return JdbcUrls.redacted(url);
    }

    /** An error message of this database's with the credentials of its URL removed, should it quote the URL. */
    public String withoutCredentials(String message) {
        return JdbcUrls.redactedIn(message, url);
    }

    /** Runs read-only work in autocommit mode. */
    public <T> T read(Work<T> work) throws SQLException {
        Connection c = borrow();
        try {
            T result = work.run(c);
            release(c);
            return result;
        } catch (SQLException | RuntimeException e) {
            discardOrRelease(c, e);
            throw e;
        }
    }

    /** Runs work in one transaction: committed if it returns, rolled back if it throws. */
    public <T> T inTransaction(Work<T> work) throws SQLException {
        Connection c = borrow();
        try {
            c.setAutoCommit(false);
            T result = work.run(c);
            c.commit();
            c.setAutoCommit(true);
            release(c);
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
                c.setAutoCommit(true);
            } catch (SQLException rollbackFailed) {
                e.addSuppressed(rollbackFailed);
                close(c);
                throw e;
            }
            discardOrRelease(c, e);
            throw e;
        }
    }

    /** True for failures worth retrying unchanged: lost connection, server shutting down, deadlock, overload. */
    public static boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return true;
        }
        return state.startsWith("08") || state.startsWith("53") || state.startsWith("57P") || state.startsWith("40")
                || state.equals("55P03");
    }

    /** True for failures caused by the data itself (bad value, violated constraint): retrying cannot help. */
    public static boolean isDataError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    private Connection borrow() throws SQLException {
        Idle i;
        while ((i = idle.pollFirst()) != null) {
            // an idle connection may have died with a database restart: check one that waited a while
            if (System.nanoTime() - i.returnedNanos() < UNCHECKED_NANOS || i.connection().isValid(2)) {
                return i.connection();
            }
            close(i.connection());
        }
        return DriverManager.getConnection(url, props);
    }

    private void release(Connection c) {
        if (idle.size() < MAX_IDLE) {
            idle.addFirst(new Idle(c, System.nanoTime()));
        } else {
            close(c);
        }
    }

    private void discardOrRelease(Connection c, Exception e) {
        if (e instanceof SQLException sql && isTransient(sql)) {
            close(c);
        } else {
            release(c);
        }
    }

    private static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // the connection is being thrown away because it is broken
        }
    }

    @Override
    public void close() {
        Idle i;
        while ((i = idle.pollFirst()) != null) {
            close(i.connection());
        }
    }
}
