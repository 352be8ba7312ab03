package io.hpo.aggregator.support;

import io.hpo.aggregator.config.AggregatorConfig;
import io.hpo.aggregator.store.Database;
import io.hpo.aggregator.store.Migrations;
import io.hpo.deploy.LocalKafkaBroker;
import io.hpo.deploy.LocalPostgres;
import io.hpo.events.BusConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * One real PostgreSQL and one real Kafka broker for all test classes of the JVM (each costs seconds to start),
 * in fresh folders under target/, stopped and removed when the JVM exits. Tests isolate themselves with their own
 * schema and their own topic names.
 */
public final class TestServices {
    private static final Path ROOT = Path.of("target", "test-services", UUID.randomUUID().toString());
    private static LocalPostgres postgres;
    private static LocalKafkaBroker kafka;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestServices::stopAll, "test-services-stop"));
    }

    private TestServices() {
    }

    public static synchronized LocalPostgres postgres() {
        if (postgres == null) {
            postgres = LocalPostgres.start(ROOT.resolve("postgres").toAbsolutePath(), 0);
        }
        return postgres;
    }

    public static synchronized LocalKafkaBroker kafka() {
        if (kafka == null) {
            kafka = LocalKafkaBroker.start(ROOT.resolve("kafka").toAbsolutePath(), 0);
        }
        return kafka;
    }

    /**
     * Settings of a whole aggregator service on {@code bus}, with its own fresh schema and any free HTTP port;
     * mutable, so a test can add its own.
     */
    public static Map<String, String> serviceSettings(BusConfig bus) {
        Map<String, String> settings = new HashMap<>(bus.asMap());
        settings.put(AggregatorConfig.JDBC_URL, freshSchemaUrl());
        settings.put(AggregatorConfig.USER, postgres().user());
        settings.put(AggregatorConfig.PASSWORD, postgres().password());
        settings.put(AggregatorConfig.HTTP_PORT, "0");
        return settings;
    }

    /** A folder of its own for a test's server, removed with the shared services' when the JVM exits. */
    public static Path scratch(String name) {
        return ROOT.resolve(name + "-" + UUID.randomUUID()).toAbsolutePath();
    }

    /** JDBC URL of a new, empty schema of the shared database: the test's own namespace. */
    public static String freshSchemaUrl() {
        LocalPostgres pg = postgres();
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
             Statement st = c.createStatement()) {
            // an identifier, not a value: it cannot be a bind parameter; it is generated above
            st.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return pg.jdbcUrl() + "?currentSchema=" + schema;
    }

    /** A database handle on a new, empty schema. */
    public static Database freshDatabase() {
        return new Database(freshSchemaUrl(), postgres().user(), postgres().password());
    }

    /** A database handle on a new schema with every migration applied. */
    public static Database migratedDatabase() throws SQLException {
        Database db = freshDatabase();
        Migrations.migrate(db);
        return db;
    }

    /** Bus settings with topics of their own, created with two partitions each so ordering across them is exercised. */
    public static BusConfig freshBus() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        BusConfig bus = BusConfig.from(Map.of(BusConfig.STEPS_TOPIC, "steps-" + suffix,
                BusConfig.LIFECYCLE_TOPIC, "lifecycle-" + suffix)).withBootstrapServers(kafka().bootstrapServers());
        try (Admin admin = Admin.create(bus.kafkaClientProperties())) {
            admin.createTopics(List.of(new NewTopic(bus.stepsTopic(), 2, (short) 1),
                    new NewTopic(bus.lifecycleTopic(), 2, (short) 1))).all().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return bus;
    }

    private static synchronized void stopAll() {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        deleteTree(ROOT);
    }

    /** Best effort: a stopping PostgreSQL may still remove its own files while we walk the tree. */
    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("could not remove " + root + ": " + e);
        }
    }
}
