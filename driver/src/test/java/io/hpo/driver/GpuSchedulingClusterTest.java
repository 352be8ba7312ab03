package io.hpo.driver;

import io.hpo.deploy.LocalSparkCluster;
import io.hpo.worker.gpu.TaskGpu;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spark GPU scheduling as the driver asks for it, on a real standalone cluster of two workers (separate JVMs) that
 * offer one GPU each through deploy/gpu/discover-gpus.sh. This machine has no GPU, so each worker is told which
 * device is its own the way a GPU host's would be (CUDA_VISIBLE_DEVICES): what is real here is everything up to
 * ND4J, namely that Spark accepts the settings, runs the script, and hands each task one address that the worker
 * code reads; ND4J then refuses, with the task's GPU named, to train on its CPU backend.
 */
class GpuSchedulingClusterTest {

    @Test
    void eachTaskGetsOneGpuOfItsWorkerAndTheWorkerCodeReadsIt(@TempDir Path dir) throws Exception {
        Path script = repositoryRoot().resolve("deploy/gpu/discover-gpus.sh");
        try (LocalSparkCluster cluster = LocalSparkCluster.start(dir.resolve("spark"),
                LocalSparkCluster.Settings.small().withGpus(1, script))) {
            SparkConf conf = new SparkConf(false).setMaster(cluster.masterUrl()).setAppName("gpu-scheduling")
                    .set("spark.driver.host", "127.0.0.1")
                    .set("spark.executor.memory", "1g")
                    .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                    .set("spark.executor.extraJavaOptions", String.join(" ", LocalSparkCluster.sparkJvmFlags()))
                    .set("spark.scheduler.minRegisteredResourcesRatio", "1.0")
                    .set("spark.locality.wait", "0s")
                    .set("spark.task.maxFailures", "1");
            GpuScheduling.apply(conf, 1, true);
            try (JavaSparkContext sc = new JavaSparkContext(conf)) {
                List<String> placements = sc.parallelize(List.of(0, 1, 2, 3), 4).map(i -> {
                    ResourceInformation gpu = TaskContext.get().resourcesJMap().get(TaskGpu.RESOURCE);
                    return SparkEnv.get().executorId() + " sees " + System.getenv("CUDA_VISIBLE_DEVICES")
                            + " and " + System.getenv("CUDA_DEVICE_ORDER") + ", task gpu "
                            + Arrays.toString(gpu.addresses());
                }).collect();
                assertEquals(4, placements.size());
                for (String p : placements) {
                    assertTrue(p.matches("\\d+ sees [01] and PCI_BUS_ID, task gpu \\[0]"), p);
                }
                System.out.println("GPU task placements: " + placements);

                SparkException e = assertThrows(SparkException.class, () -> sc.parallelize(List.of(0), 1)
                        .mapPartitions(new TaskGpu<>()).count());
                assertTrue(e.getMessage().contains("Spark assigned GPU 0 to this trial worker (executor "), e.getMessage());
                assertTrue(e.getMessage().contains("but ND4J runs on org.nd4j.linalg.cpu.nativecpu.CpuBackend, not its "
                        + "CUDA backend"), e.getMessage());
            }
        }
    }

    private static Path repositoryRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("deploy/gpu/discover-gpus.sh"))) {
                return d;
            }
        }
        throw new IllegalStateException("repository root not found from " + Path.of("").toAbsolutePath());
    }
}
