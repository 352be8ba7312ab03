package io.hpo.worker.gpu;

import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskGpuTest {
    private static Map<String, ResourceInformation> gpus(String... addresses) {
        return Map.of(TaskGpu.RESOURCE, new ResourceInformation(TaskGpu.RESOURCE, addresses));
    }

    @Test
    void aTaskWithoutGpusStaysWhereItIs() {
        assertEquals(OptionalInt.empty(), TaskGpu.assignedGpu(Map.of()));
        assertEquals(OptionalInt.empty(), TaskGpu.assignedGpu(gpus()));
        assertEquals(OptionalInt.empty(), TaskGpu.assignedGpu(
                Map.of("fpga", new ResourceInformation("fpga", new String[] {"0"}))));
    }

    @Test
    void theAssignedAddressIsTheCudaDevice() {
        assertEquals(OptionalInt.of(0), TaskGpu.assignedGpu(gpus("0")));
        assertEquals(OptionalInt.of(3), TaskGpu.assignedGpu(gpus(" 3 ")));
    }

    @Test
    void moreThanOneGpuPerWorkerIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TaskGpu.assignedGpu(gpus("0", "1")));
        assertEquals("Spark assigned this trial worker 2 GPUs [0, 1]; a worker trains on one GPU "
                + "(spark.task.resource.gpu.amount=1)", e.getMessage());
    }

    @Test
    void anAddressThatIsNoDeviceOrdinalIsRefused() {
        for (String address : new String[] {"GPU-5f3c1a2e-0d4b", "-1", "", "0x1"}) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> TaskGpu.assignedGpu(gpus(address)), address);
            assertTrue(e.getMessage().startsWith("Spark assigned GPU address '" + address.trim()
                    + "', which is not a CUDA device ordinal"), e.getMessage());
        }
    }

    @Test
    void aGpuTaskRefusesToTrainOnTheCpuBackend() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Nd4jBackends.requireCuda(
                "org.nd4j.linalg.cpu.nativecpu.CpuBackend", 1, "executor 2, stage 5 partition 0"));
        assertTrue(e.getMessage().startsWith("Spark assigned GPU 1 to this trial worker (executor 2, stage 5 "
                + "partition 0), but ND4J runs on org.nd4j.linalg.cpu.nativecpu.CpuBackend, not its CUDA backend"),
                e.getMessage());
        Nd4jBackends.requireCuda(Nd4jBackends.CUDA, 1, "executor 2");
    }
}
