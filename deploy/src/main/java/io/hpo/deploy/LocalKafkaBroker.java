package io.hpo.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker (KRaft: broker and controller in one process) on 127.0.0.1, run as a child JVM.
 * It must be its own JVM: Kafka 4 brokers need Scala 2.13 while Spark 3.5 needs 2.12. The broker's classpath
 * is the folder deploy/kafka-broker/target/lib, built by Maven; the system property {@value #CLASSPATH_PROPERTY}
 * overrides where it is looked for. Data persists in the given folder across restarts.
 */
public final class LocalKafkaBroker implements AutoCloseable {
    public static final String CLASSPATH_PROPERTY = "hpo.kafka.classpath";
    /** Relative to the repository root, where `mvn package` puts the broker's jars. */
    public static final String DEFAULT_CLASSPATH = "deploy/kafka-broker/target/lib/*";

    private final Process process;
    private final int port;
    private final Path dataDir;

    private LocalKafkaBroker(Process process, int port, Path dataDir) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
    }

    /** Formats the storage on first use, starts the broker on the port (0 = any free one) and waits until it listens. */
    public static LocalKafkaBroker start(Path dataDir, int port) {
        int brokerPort = Ports.freeOr(port);
        int controllerPort = Ports.freeOr(0, brokerPort);
        try {
            Files.createDirectories(dataDir);
            Path props = writeServerProperties(dataDir, brokerPort, controllerPort);
            Path log4j = writeLog4jConfig(dataDir);
            if (!Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
                format(props, log4j, dataDir);
            }
            Process p = javaProcess(log4j, "kafka.Kafka", props.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("broker.out").toFile()))
                    .start();
            LocalKafkaBroker broker = new LocalKafkaBroker(p, brokerPort, dataDir);
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-stop"));
            Ports.awaitOpen(brokerPort, Duration.ofSeconds(60), p::isAlive,
                    "Kafka broker (log: " + dataDir.resolve("broker.out") + ")");
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Kafka broker in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** The broker's classpath: the system property, else the default folder relative to the working directory or its parents. */
    static String classpath() {
        String cp = System.getProperty(CLASSPATH_PROPERTY);
        if (cp != null) {
            return cp;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path lib = dir.resolve("deploy/kafka-broker/target/lib");
            if (Files.isDirectory(lib)) {
                return lib + "/*";
            }
        }
        throw new IllegalStateException("Kafka broker jars not found: build with `mvn package` (they go to "
                + DEFAULT_CLASSPATH + ") or set -D" + CLASSPATH_PROPERTY);
    }

    private static ProcessBuilder javaProcess(Path log4j, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms256m", "-Xmx768m", "-XX:+UseG1GC",
                "-Dlog4j2.configurationFile=" + log4j.toUri(),
                "-cp", classpath(), mainClass));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    private static void format(Path props, Path log4j, Path dataDir) throws IOException {
        Process p = javaProcess(log4j, "kafka.tools.StorageTool", "format", "-t", randomClusterId(), "-c",
                props.toString(), "--ignore-formatted")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("format.out").toFile()))
                .start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                // the folder may be a test's temporary one, gone by the time anyone looks: say what it said
                throw new IllegalStateException("formatting Kafka storage in " + dataDir + " failed: "
                        + Files.readString(dataDir.resolve("format.out")).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting Kafka storage", e);
        }
    }

    /**
     * Kafka cluster ids are 16 random bytes, base64url without padding; never one starting with '-', which the
     * storage tool's argument parser takes for an option (Kafka's own {@code Uuid.randomUuid} skips those too).
     */
    private static String randomClusterId() {
        SecureRandom random = new SecureRandom();
        byte[] b = new byte[16];
        String id;
        do {
            random.nextBytes(b);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        } while (id.startsWith("-"));
        return id;
    }

    private static Path writeServerProperties(Path dataDir, int port, int controllerPort) throws IOException {
        String host = Ports.LOOPBACK;
        return writeLines(dataDir.resolve("server.properties"),
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + host + ":" + controllerPort,
                "listeners=PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort,
                "advertised.listeners=PLAINTEXT://" + host + ":" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dataDir.resolve("logs").toAbsolutePath(),
                "num.partitions=1",
                "auto.create.topics.enable=true",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "log.retention.hours=168");
    }

    private static Path writeLog4jConfig(Path dataDir) throws IOException {
        return writeLines(dataDir.resolve("log4j2.properties"),
                "status = error",
                "appender.file.type = File",
                "appender.file.name = file",
                "appender.file.fileName = " + dataDir.resolve("broker.log").toAbsolutePath(),
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = [%d] %p %m (%c)%n",
                "rootLogger.level = warn",
                "rootLogger.appenderRef.file.ref = file",
                "logger.server.name = kafka.server",
                "logger.server.level = info");
    }

    private static Path writeLines(Path file, String... lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    public String bootstrapServers() {
        return Ports.LOOPBACK + ":" + port;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Path dataDir() {
        return dataDir;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Blocks until the broker process exits (for a foreground service). */
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    /** Stops the broker cleanly (SIGTERM, controlled shutdown), forcibly after 30 s. */
    @Override
    public void close() {
        ChildProcesses.stop(process);
    }
}
