package io.hpo.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The aggregator ({@value #MAIN_CLASS} {@code serve}) as a JVM of its own, on a classpath that holds it, so that
 * it can be killed and restarted like a production process. Settings go in as {@code -D} properties, secrets
 * through the environment (never on the command line, where {@code ps} shows them); output goes to a log file.
 */
public final class LocalAggregator implements AutoCloseable {
    public static final String MAIN_CLASS = "io.hpo.aggregator.AggregatorMain";
    private static final String HTTP_PORT = "hpo.aggregator.http.port";
    /** For tests: a small heap and a compiler that is quick to warm up, for aggregators that live seconds. */
    public static final List<String> TEST_JVM = List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    /** As {@code ./hpo up} starts it (the JVM's default collector and compilers): what benchmarks measure. */
    public static final List<String> SERVICE_JVM = List.of("-Xmx1g");

    private final Process process;
    private final int port;
    private final Path log;

    private LocalAggregator(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** {@link #start(String, List, Map, Map, Path)} with {@link #TEST_JVM}. */
    public static LocalAggregator start(String classpath, Map<String, String> settings, Map<String, String> env,
                                        Path log) {
        return start(classpath, TEST_JVM, settings, env, log);
    }

    /**
     * Starts {@code serve} in a JVM with {@code jvmFlags} and waits until its HTTP API listens. The port is {@code
     * settings}' HTTP port, or a free one; the log is appended to, so restarts of one aggregator share it.
     */
    public static LocalAggregator start(String classpath, List<String> jvmFlags, Map<String, String> settings,
                                        Map<String, String> env, Path log) {
        Map<String, String> props = new TreeMap<>(settings);
        int port = Ports.freeOr(Integer.parseInt(props.getOrDefault(HTTP_PORT, "0")));
        props.put(HTTP_PORT, Integer.toString(port));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmFlags);
        props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of("-cp", classpath, MAIN_CLASS, "serve"));
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            Process p = pb.start();
            LocalAggregator aggregator = new LocalAggregator(p, port, log);
            Runtime.getRuntime().addShutdownHook(new Thread(aggregator::close, "aggregator-stop"));
            Ports.awaitOpen(port, Duration.ofSeconds(90), p::isAlive, "aggregator (log: " + log + ")");
            return aggregator;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the aggregator: " + e.getMessage(), e);
        }
    }

    public String url() {
        return "http://" + Ports.LOOPBACK + ":" + port;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for it to end by itself; its exit status. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the aggregator still runs after " + timeout.toSeconds() + " s");
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or committed, as when a machine dies. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** Stops it cleanly (SIGTERM runs the aggregator's own shutdown), forcibly after 30 s. */
    @Override
    public void close() {
        ChildProcesses.stop(process);
    }
}
