package io.hpo.driver;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Spark settings the driver adds for GPU trial workers, and the requests it refuses before Spark starts. */
class GpuSchedulingTest {
    private static SparkConf conf(String... keyValues) {
        SparkConf conf = new SparkConf(false);
        for (int i = 0; i < keyValues.length; i += 2) {
            conf.set(keyValues[i], keyValues[i + 1]);
        }
        return conf;
    }

    private static Map<String, String> settings(SparkConf conf) {
        Map<String, String> all = new TreeMap<>();
        Arrays.stream(conf.getAll()).forEach(kv -> all.put(kv._1(), kv._2()));
        return all;
    }

    private static String refusal(SparkConf conf, boolean cudaPackaged) {
        return assertThrows(IllegalArgumentException.class, () -> GpuScheduling.apply(conf, 1, cudaPackaged))
                .getMessage();
    }

    @Test
    void cpuWorkersLeaveSparkAsItIs() {
        SparkConf conf = conf("spark.master", "local[2]");
        GpuScheduling.apply(conf, 0, false);
        assertEquals(Map.of("spark.master", "local[2]"), settings(conf));
    }

    @Test
    void onStandaloneEachTaskTakesOneGpuAndExecutorsAsManyCoresAsGpus() {
        SparkConf conf = conf("spark.master", "spark://master:7077");
        GpuScheduling.apply(conf, 1, true);
        assertEquals(Map.of(
                "spark.master", "spark://master:7077",
                "spark.task.resource.gpu.amount", "1",
                "spark.executor.resource.gpu.amount", "1",
                "spark.executor.cores", "1",
                "spark.executorEnv.CUDA_DEVICE_ORDER", "PCI_BUS_ID"), settings(conf));
    }

    @Test
    void onKubernetesTheDiscoveryScriptIsKeptAndNvidiaIsTheVendor() {
        SparkConf conf = conf("spark.master", "k8s://https://kubernetes.default.svc",
                "spark.executor.resource.gpu.discoveryScript", "/opt/hpo/discover-gpus.sh",
                "spark.executor.resource.gpu.amount", "4", "spark.executor.cores", "8");
        GpuScheduling.apply(conf, 1, true);
        assertEquals(Map.of(
                "spark.master", "k8s://https://kubernetes.default.svc",
                "spark.task.resource.gpu.amount", "1",
                "spark.executor.resource.gpu.amount", "4",
                "spark.executor.resource.gpu.discoveryScript", "/opt/hpo/discover-gpus.sh",
                "spark.executor.resource.gpu.vendor", "nvidia.com",
                "spark.executor.cores", "8",
                "spark.executorEnv.CUDA_DEVICE_ORDER", "PCI_BUS_ID"), settings(conf));
    }

    @Test
    void aJarWithoutTheCudaBackendIsRefused() {
        assertEquals("hpo.worker.gpus=1 asks for GPU executors, but this driver jar has no CUDA backend "
                + "(nd4j-cuda-11.6): build it with `mvn -Pgpu package`",
                refusal(conf("spark.master", "spark://m:7077"), false));
    }

    @Test
    void localModeIsRefusedForItSchedulesNoGpus() {
        assertEquals("hpo.worker.gpus=1 needs a cluster master (spark://, k8s://, yarn) that schedules GPUs; the "
                + "master is local[2], and Spark's local mode assigns no GPUs to tasks",
                refusal(conf("spark.master", "local[2]"), true));
        assertEquals("hpo.worker.gpus=1 needs a cluster master (spark://, k8s://, yarn) that schedules GPUs; no "
                + "master is set, and Spark's local mode assigns no GPUs to tasks", refusal(conf(), true));
    }

    @Test
    void kubernetesWithoutADiscoveryScriptIsRefused() {
        assertEquals("hpo.worker.gpus=1 on k8s://https://k needs spark.executor.resource.gpu.discoveryScript: the "
                + "path, on the executors, of a script printing their GPUs (the driver image has "
                + "/opt/hpo/discover-gpus.sh)", refusal(conf("spark.master", "k8s://https://k"), true));
    }

    @Test
    void sharedOrMultipleGpusPerTaskAreRefused() {
        for (String amount : new String[] {"0.5", "2"}) {
            assertEquals("hpo.worker.gpus=1 gives each trial worker one GPU, but spark.task.resource.gpu.amount is "
                    + amount + ": leave it unset", refusal(conf("spark.master", "spark://m:7077",
                    "spark.task.resource.gpu.amount", amount), true));
        }
        assertEquals("spark.executor.resource.gpu.amount must be a whole number of GPUs from 1, got '0'",
                refusal(conf("spark.master", "spark://m:7077", "spark.executor.resource.gpu.amount", "0"), true));
    }

    @Test
    void workerGpusIsZeroOrOne() {
        assertEquals(0, DriverSettings.workerGpus(conf()));
        assertEquals(1, DriverSettings.workerGpus(conf("spark.hpo.worker.gpus", " 1")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DriverSettings.workerGpus(conf("spark.hpo.worker.gpus", "2")));
        assertEquals("hpo.worker.gpus must be 0 (train on CPUs) or 1 (one GPU per trial worker), got '2': a worker "
                + "trains one model, which uses one GPU", e.getMessage());
    }
}
