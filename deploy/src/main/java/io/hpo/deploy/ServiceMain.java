package io.hpo.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one local service in the foreground until the process is told to stop (SIGTERM), then stops it cleanly.
 * The launcher starts one of these per service in the background for `./hpo up` and `./hpo cluster up`.
 * <pre>ServiceMain kafka|postgres|spark DATA_DIR PORT</pre>
 * For {@code spark}, PORT is the master's; system properties shape the rest of the standalone cluster:
 * {@value #SPARK_WEBUI_PORT} (master web UI, default 8080), {@value #SPARK_WORKERS} (default 2),
 * {@value #SPARK_WORKER_CORES} (default 1), {@value #SPARK_WORKER_MEMORY} (default 2g), and
 * {@value #SPARK_WORKER_GPUS} (default 0) with {@value #SPARK_GPU_DISCOVERY_SCRIPT}.
 */
public final class ServiceMain {
    public static final String SPARK_WEBUI_PORT = "hpo.spark.webui.port";
    public static final String SPARK_WORKERS = "hpo.spark.workers";
    public static final String SPARK_WORKER_CORES = "hpo.spark.worker.cores";
    public static final String SPARK_WORKER_MEMORY = "hpo.spark.worker.memory";
    public static final String SPARK_WORKER_GPUS = "hpo.spark.worker.gpus";
    public static final String SPARK_GPU_DISCOVERY_SCRIPT = "hpo.spark.gpu.discovery.script";
    private static final List<String> SERVICES = List.of("kafka", "postgres", "spark");

    private ServiceMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3 || !SERVICES.contains(args[0])) {
            System.err.println("usage: ServiceMain kafka|postgres|spark DATA_DIR PORT");
            System.exit(2);
        }
        Path data = Path.of(args[1]);
        int port = Integer.parseInt(args[2]);
        AutoCloseable service;
        if (args[0].equals("kafka")) {
            LocalKafkaBroker broker = LocalKafkaBroker.start(data, port);
            System.out.println("Kafka broker listening on " + broker.bootstrapServers() + " (pid " + broker.pid()
                    + ", data " + data + ")");
            service = broker;
        } else if (args[0].equals("spark")) {
            LocalSparkCluster cluster = LocalSparkCluster.start(data, new LocalSparkCluster.Settings(port,
                    Integer.getInteger(SPARK_WEBUI_PORT, 8080), Integer.getInteger(SPARK_WORKERS, 2),
                    Integer.getInteger(SPARK_WORKER_CORES, 1), System.getProperty(SPARK_WORKER_MEMORY, "2g"),
                    Integer.getInteger(SPARK_WORKER_GPUS, 0),
                    Optional.ofNullable(System.getProperty(SPARK_GPU_DISCOVERY_SCRIPT)).map(Path::of).orElse(null),
                    // the launcher's cluster listens on loopback only: no RPC secret
                    null));
            System.out.println("Spark master " + cluster.masterUrl() + " with " + cluster.aliveWorkers()
                    + " workers, web UI " + cluster.masterWebUiUrl() + " (logs " + data + ")");
            service = cluster;
        } else {
            LocalPostgres pg = LocalPostgres.start(data, port);
            System.out.println("PostgreSQL listening on " + pg.jdbcUrl() + " (data " + data + ")");
            service = pg;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                System.err.println("stopping " + args[0] + ": " + e.getMessage());
            }
            stopped.countDown();
        }, "service-stop"));
        stopped.await();
    }
}
