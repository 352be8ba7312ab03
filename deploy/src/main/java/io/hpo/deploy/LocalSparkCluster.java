package io.hpo.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A real Spark standalone cluster on 127.0.0.1: one master and N workers, each its own JVM, run from Spark's
 * Maven jars instead of a Spark distribution. {@code sparkHome} must hold those jars in {@code jars/}
 * (deploy/spark-runtime/target/spark after {@code mvn package}); workers launch executors from there.
 * Logs and the workers' scratch folders go to the given folder.
 */
public final class LocalSparkCluster implements AutoCloseable {
    /** Overrides where Spark's jars are looked for: a folder with a {@code jars/} subfolder. */
    public static final String SPARK_HOME_PROPERTY = "hpo.spark.home";
    /** Relative to the repository root, where `mvn package` puts Spark's jars. */
    public static final String DEFAULT_SPARK_HOME = "deploy/spark-runtime/target/spark";

    /**
     * Where Spark's daemons find the RPC secret (Spark's SecurityManager.ENV_AUTH_SECRET); a worker hands it to its
     * executors the same way. The compose file gives its master and workers their secret so.
     */
    static final String AUTH_SECRET_ENV = "_SPARK_AUTH_SECRET";

    private static final Pattern ALIVE_WORKERS = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");

    private final Process master;
    private final List<Process> workers;
    private final int masterPort;
    private final int masterWebUiPort;
    private final List<Integer> workerWebUiPorts;
    private final Path dir;

    private LocalSparkCluster(Process master, List<Process> workers, int masterPort, int masterWebUiPort,
                              List<Integer> workerWebUiPorts, Path dir) {
        this.master = master;
        this.workers = workers;
        this.masterPort = masterPort;
        this.masterWebUiPort = masterWebUiPort;
        this.workerWebUiPorts = workerWebUiPorts;
        this.dir = dir;
    }

    /**
     * What to start: ports (0 = any free one), and each worker's share of the machine. With {@code gpusPerWorker}
     * above 0, worker i offers Spark the machine's GPUs i × gpusPerWorker onwards, found by
     * {@code gpuDiscoveryScript} (deploy/gpu/discover-gpus.sh): the worker and the executors it starts see only
     * those (CUDA_VISIBLE_DEVICES), so no two workers hand out the same GPU. With an {@code authSecret}, RPC is
     * authenticated ({@code spark.authenticate}) with that secret, as in the compose stack; null: no authentication.
     */
    public record Settings(int masterPort, int masterWebUiPort, int workers, int coresPerWorker, String memoryPerWorker,
                           int gpusPerWorker, Path gpuDiscoveryScript, String authSecret) {
        public Settings {
            if (workers < 1 || coresPerWorker < 1) {
                throw new IllegalArgumentException("need at least one worker with at least one core");
            }
            if (gpusPerWorker < 0 || (gpusPerWorker > 0 && gpuDiscoveryScript == null)) {
                throw new IllegalArgumentException("GPUs per worker must be 0, or more with a discovery script");
            }
        }

        /** Defaults for one small machine: 2 workers of 1 core and 2g each, no GPUs, free ports. */
        public static Settings small() {
            return new Settings(0, 0, 2, 1, "2g", 0, null, null);
        }

        public Settings withGpus(int perWorker, Path discoveryScript) {
            return new Settings(masterPort, masterWebUiPort, workers, coresPerWorker, memoryPerWorker, perWorker,
                    discoveryScript, authSecret);
        }

        public Settings withAuthSecret(String secret) {
            return new Settings(masterPort, masterWebUiPort, workers, coresPerWorker, memoryPerWorker, gpusPerWorker,
                    gpuDiscoveryScript, secret);
        }

        /** The system properties and environment of every daemon for RPC authentication; none without a secret. */
        List<String> authProperties() {
            return authSecret == null ? List.of() : List.of("-Dspark.authenticate=true");
        }

        Map<String, String> authEnvironment() {
            return authSecret == null ? Map.of() : Map.of(AUTH_SECRET_ENV, authSecret);
        }

        /** The GPU settings of worker {@code i}: its JVM's system properties and its environment. */
        List<String> workerGpuProperties() {
            return gpusPerWorker == 0 ? List.of() : List.of("-Dspark.worker.resource.gpu.amount=" + gpusPerWorker,
                    "-Dspark.worker.resource.gpu.discoveryScript=" + gpuDiscoveryScript.toAbsolutePath());
        }

        Map<String, String> workerGpuEnvironment(int i) {
            if (gpusPerWorker == 0) {
                return Map.of();
            }
            return Map.of("CUDA_VISIBLE_DEVICES", IntStream.range(i * gpusPerWorker, (i + 1) * gpusPerWorker)
                    .mapToObj(String::valueOf).collect(Collectors.joining(",")));
        }
    }

    /** Starts the master, then the workers, and returns once every worker has registered with the master. */
    public static LocalSparkCluster start(Path dir, Settings settings) {
        Path sparkHome = sparkHome();
        int port = Ports.freeOr(settings.masterPort());
        int webUi = Ports.freeOr(settings.masterWebUiPort(), port);
        List<Process> started = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            Process master = spark(sparkHome, dir.resolve("master.log"), settings.authProperties(), settings.authEnvironment(),
                    "org.apache.spark.deploy.master.Master", "--host", Ports.LOOPBACK, "--port", String.valueOf(port),
                    "--webui-port", String.valueOf(webUi));
            started.add(master);
            Ports.awaitOpen(port, Duration.ofSeconds(60), master::isAlive, "Spark master (log: " + dir.resolve("master.log") + ")");
            List<Process> workers = new ArrayList<>();
            List<Integer> workerUis = new ArrayList<>();
            for (int i = 0; i < settings.workers(); i++) {
                Path workDir = Files.createDirectories(dir.resolve("worker-" + i));
                int workerUi = Ports.freeOr(0, IntStream.concat(IntStream.of(port, webUi),
                        workerUis.stream().mapToInt(Integer::intValue)).toArray());
                List<String> properties = new ArrayList<>(settings.workerGpuProperties());
                properties.addAll(settings.authProperties());
                Map<String, String> environment = new HashMap<>(settings.workerGpuEnvironment(i));
                environment.putAll(settings.authEnvironment());
                Process w = spark(sparkHome, dir.resolve("worker-" + i + ".log"), properties, environment,
                        "org.apache.spark.deploy.worker.Worker", "--host",
                        Ports.LOOPBACK, "--cores", String.valueOf(settings.coresPerWorker()),
                        "--memory", settings.memoryPerWorker(), "--webui-port", String.valueOf(workerUi),
                        "--work-dir", workDir.toString(), "spark://" + Ports.LOOPBACK + ":" + port);
                started.add(w);
                workers.add(w);
                workerUis.add(workerUi);
            }
            LocalSparkCluster cluster = new LocalSparkCluster(master, workers, port, webUi, List.copyOf(workerUis), dir);
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "spark-cluster-stop"));
            cluster.awaitWorkers(settings.workers(), Duration.ofSeconds(90));
            return cluster;
        } catch (IOException | RuntimeException e) {
            started.forEach(ChildProcesses::stop);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("could not start the Spark cluster in " + dir + ": " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    /** Spark's jars folder parent: the system property, else the default folder in the working directory or a parent. */
    public static Path sparkHome() {
        String home = System.getProperty(SPARK_HOME_PROPERTY);
        if (home != null) {
            return Path.of(home).toAbsolutePath();
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve(DEFAULT_SPARK_HOME);
            if (Files.isDirectory(candidate.resolve("jars"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("Spark jars not found: build with `mvn package` (they go to "
                + DEFAULT_SPARK_HOME + "/jars) or set -D" + SPARK_HOME_PROPERTY);
    }

    /** The Java 17 module flags Spark's JVMs need (org.apache.spark.launcher.JavaModuleOptions), from the build. */
    public static List<String> sparkJvmFlags() {
        try (InputStream in = LocalSparkCluster.class.getResourceAsStream("spark-jvm.flags")) {
            if (in == null) {
                throw new IllegalStateException("spark-jvm.flags missing from the hpo-deploy classes");
            }
            return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split("\\s+")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The environment every Spark JVM on this machine needs: SPARK_HOME for the workers to launch executors,
     * the Scala version (there is no distribution layout to guess it from), loopback-only networking, and one
     * OpenMP thread per ND4J op, since each executor core already runs one training worker.
     */
    public static Map<String, String> sparkEnvironment(Path sparkHome) {
        return Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.12",
                "SPARK_LOCAL_IP", Ports.LOOPBACK, "OMP_NUM_THREADS", "1");
    }

    /** One Spark JVM; package-private for tests that start a daemon of their own beside a cluster. */
    static Process spark(Path sparkHome, Path log, List<String> properties, Map<String, String> environment,
                                 String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms128m", "-Xmx512m"));
        cmd.addAll(sparkJvmFlags());
        cmd.addAll(properties);
        cmd.addAll(List.of("-cp", sparkHome.resolve("jars") + "/*", mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(sparkEnvironment(sparkHome));
        pb.environment().putAll(environment);
        return pb.start();
    }

    private void awaitWorkers(int expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int alive = 0;
        while (System.nanoTime() < deadline) {
            if (!master.isAlive()) {
                throw new IllegalStateException("Spark master exited; see " + dir.resolve("master.log"));
            }
            for (int i = 0; i < workers.size(); i++) {
                if (!workers.get(i).isAlive()) {
                    throw new IllegalStateException("Spark worker " + i + " exited; see " + dir.resolve("worker-" + i + ".log"));
                }
            }
            alive = aliveWorkers();
            if (alive >= expected) {
                return;
            }
            sleep(200);
        }
        throw new IllegalStateException(alive + " of " + expected + " Spark workers registered within "
                + timeout.toSeconds() + " s; see the logs in " + dir);
    }

    /** Workers the master counts as alive, from its JSON status page; 0 while it is not answering. */
    public int aliveWorkers() {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(masterWebUiUrl() + "/json/")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = ALIVE_WORKERS.matcher(r.body());
            return r.statusCode() == 200 && m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the Spark master for its workers", e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public String masterUrl() {
        return "spark://" + Ports.LOOPBACK + ":" + masterPort;
    }

    public String masterWebUiUrl() {
        return "http://" + Ports.LOOPBACK + ":" + masterWebUiPort;
    }

    /** Each worker's web UI port, in start order; executors' log URLs name the port of the worker that runs them. */
    public List<Integer> workerWebUiPorts() {
        return workerWebUiPorts;
    }

    public Path dir() {
        return dir;
    }

    public boolean isAlive() {
        return master.isAlive() && workers.stream().allMatch(Process::isAlive);
    }

    /** Stops the workers (which kill their executors), then the master. */
    @Override
    public void close() {
        workers.forEach(ChildProcesses::stop);
        ChildProcesses.stop(master);
    }
}
