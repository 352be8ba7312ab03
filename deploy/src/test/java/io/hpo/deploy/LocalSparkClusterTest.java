package io.hpo.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The standalone cluster's processes start, register, and stop; driver's StandaloneClusterIT runs a search on it. */
class LocalSparkClusterTest {

    @Test
    void masterAndTwoWorkersRegisterAndStop(@TempDir Path dir) {
        LocalSparkCluster cluster = LocalSparkCluster.start(dir, LocalSparkCluster.Settings.small());
        try (cluster) {
            assertTrue(cluster.isAlive());
            assertEquals(2, cluster.aliveWorkers());
            assertTrue(cluster.masterUrl().startsWith("spark://127.0.0.1:"), cluster.masterUrl());
            assertEquals(2, cluster.workerWebUiPorts().stream().distinct().count());
        }
        assertFalse(cluster.isAlive());
        assertEquals(0, cluster.aliveWorkers());
        assertTrue(Files.exists(dir.resolve("master.log")));
    }

    /**
     * RPC authentication as the compose stack sets it up (spark.authenticate, the secret in the daemons'
     * environment): the cluster's own worker registers, a worker started with a wrong secret is refused.
     */
    @Test
    void withAnRpcSecretOnlyAWorkerThatKnowsItRegisters(@TempDir Path dir) throws Exception {
        LocalSparkCluster.Settings settings = new LocalSparkCluster.Settings(0, 0, 1, 1, "1g", 0, null, null)
                .withAuthSecret("s3cret-" + System.nanoTime());
        try (LocalSparkCluster cluster = LocalSparkCluster.start(dir, settings)) {
            assertEquals(1, cluster.aliveWorkers());
            Path log = dir.resolve("intruder.log");
            Process intruder = LocalSparkCluster.spark(LocalSparkCluster.sparkHome(), log,
                    List.of("-Dspark.authenticate=true"), Map.of(LocalSparkCluster.AUTH_SECRET_ENV, "wrong"),
                    "org.apache.spark.deploy.worker.Worker", "--host", Ports.LOOPBACK, "--cores", "1", "--memory", "1g",
                    "--webui-port", String.valueOf(Ports.freeOr(0)), "--work-dir",
                    Files.createDirectories(dir.resolve("intruder")).toString(), cluster.masterUrl());
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!Files.readString(log).contains("SaslException") && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                assertTrue(Files.readString(log).contains("Mismatched response"), Files.readString(log));
                assertEquals(1, cluster.aliveWorkers());
            } finally {
                ChildProcesses.stop(intruder);
            }
        }
    }
}
