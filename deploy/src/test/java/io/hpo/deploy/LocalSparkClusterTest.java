package io.hpo.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

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
}
