package io.hpo.driver;

import org.apache.spark.SparkConf;

/**
 * Spark GPU scheduling for trial workers ({@value DriverSettings#WORKER_GPUS}=1): every task takes one GPU, so
 * each trial worker trains alone on its own GPU, and executors declare their GPUs. Refuses, before Spark starts, a
 * request that cannot work. Executors then hand each task's GPU to ND4J ({@code io.hpo.worker.gpu.TaskGpu}).
 */
final class GpuScheduling {
    static final String TASK_GPUS = "spark.task.resource.gpu.amount";
    static final String EXECUTOR_GPUS = "spark.executor.resource.gpu.amount";
    static final String DISCOVERY_SCRIPT = "spark.executor.resource.gpu.discoveryScript";
    static final String VENDOR = "spark.executor.resource.gpu.vendor";
    /** What Kubernetes calls NVIDIA GPUs in a pod's resource limits. */
    static final String VENDOR_DEFAULT = "nvidia.com";
    static final String EXECUTOR_CORES = "spark.executor.cores";
    /**
     * CUDA numbers devices fastest first unless told otherwise; PCI bus order makes its ordinals equal to
     * nvidia-smi's indices, which the discovery script reports and Spark assigns.
     */
    static final String DEVICE_ORDER = "spark.executorEnv.CUDA_DEVICE_ORDER";
    static final String DEVICE_ORDER_DEFAULT = "PCI_BUS_ID";

    private GpuScheduling() {
    }

    /**
     * Adds the Spark settings for {@code workerGpus} GPUs per trial worker to {@code conf}, or throws
     * {@link IllegalArgumentException} saying why they cannot work.
     *
     * @param cudaPackaged whether the application jar carries ND4J's CUDA backend
     */
    static void apply(SparkConf conf, int workerGpus, boolean cudaPackaged) {
        if (workerGpus == 0) {
            return;
        }
        String request = DriverSettings.WORKER_GPUS + "=" + workerGpus;
        if (!cudaPackaged) {
            throw new IllegalArgumentException(request + " asks for GPU executors, but this driver jar has no CUDA "
                    + "backend (nd4j-cuda-11.6): build it with `mvn -Pgpu package`");
        }
        String master = conf.get("spark.master", "").trim();
        if (master.isEmpty() || master.startsWith("local")) {
            throw new IllegalArgumentException(request + " needs a cluster master (spark://, k8s://, yarn) that "
                    + "schedules GPUs; " + (master.isEmpty() ? "no master is set" : "the master is " + master)
                    + ", and Spark's local mode assigns no GPUs to tasks");
        }
        String taskGpus = conf.get(TASK_GPUS, "1").trim();
        if (!taskGpus.equals("1")) {
            throw new IllegalArgumentException(request + " gives each trial worker one GPU, but " + TASK_GPUS
                    + " is " + taskGpus + ": leave it unset");
        }
        conf.set(TASK_GPUS, "1");
        String executorGpus = conf.get(EXECUTOR_GPUS, "1").trim();
        if (!executorGpus.matches("[1-9][0-9]{0,3}")) {
            throw new IllegalArgumentException(EXECUTOR_GPUS + " must be a whole number of GPUs from 1, got '"
                    + executorGpus + "'");
        }
        conf.set(EXECUTOR_GPUS, executorGpus);
        // an executor runs as many workers as it has GPUs; more cores would stay idle
        conf.setIfMissing(EXECUTOR_CORES, executorGpus);
        if (master.startsWith("k8s://") || master.startsWith("yarn")) {
            // there executors find their GPUs themselves; a standalone worker assigns them from its own script
            if (!conf.contains(DISCOVERY_SCRIPT)) {
                throw new IllegalArgumentException(request + " on " + master + " needs " + DISCOVERY_SCRIPT
                        + ": the path, on the executors, of a script printing their GPUs (the driver image has "
                        + "/opt/hpo/discover-gpus.sh)");
            }
        }
        if (master.startsWith("k8s://")) {
            conf.setIfMissing(VENDOR, VENDOR_DEFAULT);
        }
        conf.setIfMissing(DEVICE_ORDER, DEVICE_ORDER_DEFAULT);
    }
}
