package io.hpo.worker.gpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Nd4jBackendsTest {
    private static final String CPU = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";

    private static ClassLoader withServices(Path dir, String services) throws IOException {
        Path file = dir.resolve(Nd4jBackends.SERVICES);
        Files.createDirectories(file.getParent());
        Files.writeString(file, services);
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
    }

    @Test
    void theCudaBackendIsFoundAmongTheRegisteredBackends(@TempDir Path a, @TempDir Path b) throws IOException {
        assertTrue(Nd4jBackends.cudaPackaged(withServices(a, "# ND4J backends\n" + Nd4jBackends.CUDA + "\n")));
        assertFalse(Nd4jBackends.cudaPackaged(withServices(b, CPU + "\n")));
        assertFalse(Nd4jBackends.cudaPackaged(new URLClassLoader(new URL[0], null)));
    }

    /**
     * This machine has no GPU: ND4J runs on the CPU backend whether the build carries only it (default) or the CUDA
     * backend beside it (-Pgpu), where ND4J tries CUDA first, finds no device or runtime, and falls back.
     */
    @Test
    void withoutAGpuNd4jRunsOnTheCpuBackendInEitherBuild() {
        boolean cuda = Nd4jBackends.cudaPackaged(Nd4jBackendsTest.class.getClassLoader());
        boolean gpuProfile = Boolean.parseBoolean(System.getProperty("hpo.test.gpu.profile", "false"));
        assertEquals(gpuProfile, cuda, "the CUDA backend is on the classpath exactly in the gpu profile");
        assertEquals(CPU, Nd4j.getBackend().getClass().getName());
        assertEquals(3.0, Nd4j.createFromArray(1.0, 2.0).sumNumber().doubleValue());
    }
}
