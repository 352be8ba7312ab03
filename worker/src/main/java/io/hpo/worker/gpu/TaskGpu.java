package io.hpo.worker.gpu;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Puts a Spark task's thread on the GPU that Spark assigned the task ({@code spark.task.resource.gpu.amount}), so
 * that the trial worker's model, built next on this thread, lives and trains there. ND4J's CUDA backend keeps the
 * current device per thread and starts every thread on device 0, so without this all workers of a multi-GPU
 * executor would share its first GPU. Tasks without a GPU (CPU executors) are left as they are.
 *
 * <p>Applied to an averaging round's partitions, it runs in the training task before dl4j-spark's worker builds the
 * model; that holds only while dl4j-spark computes the partitions in that task rather than reading them from a cache,
 * which is why the trial's training master stores no RDD ({@code AveragedRounds}). A one-worker trial's task calls
 * {@link #bind} itself.
 */
public final class TaskGpu<T> implements FlatMapFunction<Iterator<T>, T> {
    private static final long serialVersionUID = 1L;
    /** Spark's name for the resource, as in spark.task.resource.gpu.amount and the discovery script's output. */
    public static final String RESOURCE = "gpu";

    @Override
    public Iterator<T> call(Iterator<T> partition) {
        bind(TaskContext.get());
        return partition;
    }

    /** Puts the thread of {@code task} (null outside a task: left as it is) on the GPU Spark assigned it, if any. */
    public static void bind(TaskContext task) {
        if (task != null) {
            assignedGpu(task.resourcesJMap()).ifPresent(gpu -> bind(gpu, task));
        }
    }

    /** The CUDA device ordinal Spark assigned the task, if any. */
    static OptionalInt assignedGpu(Map<String, ResourceInformation> resources) {
        ResourceInformation gpus = resources.get(RESOURCE);
        if (gpus == null || gpus.addresses().length == 0) {
            return OptionalInt.empty();
        }
        if (gpus.addresses().length > 1) {
            throw new IllegalStateException("Spark assigned this trial worker " + gpus.addresses().length
                    + " GPUs " + Arrays.toString(gpus.addresses()) + "; a worker trains on one GPU "
                    + "(spark.task.resource.gpu.amount=1)");
        }
        String address = gpus.addresses()[0].trim();
        if (address.matches("[0-9]{1,4}")) {
            return OptionalInt.of(Integer.parseInt(address));
        }
        throw new IllegalStateException("Spark assigned GPU address '" + address + "', which is not a CUDA device "
                + "ordinal (0, 1, ...): the GPU discovery script must print device indices, as "
                + "deploy/gpu/discover-gpus.sh does");
    }

    private static void bind(int gpu, TaskContext task) {
        String where = "executor " + SparkEnv.get().executorId() + ", stage " + task.stageId() + " partition "
                + task.partitionId();
        Nd4jBackends.requireCuda(Nd4j.getBackend().getClass().getName(), gpu, where);
        Nd4j.getAffinityManager().unsafeSetDevice(gpu);
    }
}
