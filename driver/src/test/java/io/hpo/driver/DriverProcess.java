package io.hpo.driver;

import io.hpo.deploy.LocalSparkCluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged driver as its own process: SparkSubmit in client mode from Spark's Maven jars with the shaded jar,
 * exactly as `./hpo submit` runs it, its output in a log file. A process of its own so tests can kill it.
 */
final class DriverProcess {
    private final Process process;
    private final Path log;

    private DriverProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * @param master    a Spark master URL (local[2], spark://...)
     * @param sparkConf extra {@code --conf} values, {@code key=value}
     * @param args      the driver's own arguments
     */
    static DriverProcess start(String master, String bootstrapServers, List<String> sparkConf, Path log,
                               String... args) throws IOException {
        String flags = String.join(" ", LocalSparkCluster.sparkJvmFlags());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g"));
        cmd.addAll(LocalSparkCluster.sparkJvmFlags());
        cmd.addAll(List.of("-cp", LocalSparkCluster.sparkHome().resolve("jars") + "/*",
                "org.apache.spark.deploy.SparkSubmit", "--master", master, "--deploy-mode", "client",
                "--conf", "spark.driver.host=127.0.0.1",
                "--conf", "spark.ui.enabled=false",
                "--conf", "spark.hpo.kafka.bootstrap.servers=" + bootstrapServers,
                "--conf", "spark.executorEnv.OMP_NUM_THREADS=1",
                "--conf", "spark.driver.extraJavaOptions=" + flags,
                "--conf", "spark.executor.extraJavaOptions=" + flags));
        for (String conf : sparkConf) {
            cmd.addAll(List.of("--conf", conf));
        }
        cmd.addAll(List.of("--class", "io.hpo.driver.SearchDriverMain", System.getProperty("hpo.driver.jar")));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(LocalSparkCluster.sparkEnvironment(LocalSparkCluster.sparkHome()));
        pb.environment().put("OMP_NUM_THREADS", "1");
        return new DriverProcess(pb.start(), log);
    }

    /** Waits for the driver to exit; its exit code. */
    int await(int minutes) throws InterruptedException {
        if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the driver did not finish within " + minutes + " minutes:\n" + tail());
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGSTOP: the driver, and under local[n] its executors, stop publishing until {@link #resume()}. */
    void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("kill " + signal + " " + process.pid() + " exited with " + exit);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
