package io.hpo.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/gpu/discover-gpus.sh prints Spark's resource JSON. nvidia-smi is a stand-in placed first on PATH in a temp
 * folder, printing what the real one prints for {@code --query-gpu=index --format=csv,noheader}.
 */
class GpuDiscoveryScriptTest {
    private static final Path SCRIPT = HelmChartsTest.repositoryRoot().resolve("deploy/gpu/discover-gpus.sh");

    private static String discover(Path bin, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString()).redirectErrorStream(true);
        pb.environment().remove("CUDA_VISIBLE_DEVICES");
        // only the stand-in and the basic tools: a real nvidia-smi on the machine must not answer
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static Path nvidiaSmi(Path dir, String output) throws IOException {
        Path smi = dir.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\n[ \"$*\" = \"--query-gpu=index --format=csv,noheader\" ] || exit 9\n"
                + "printf '" + output + "'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    @Test
    void listsEveryGpuThatNvidiaSmiReports(@TempDir Path dir) throws Exception {
        assertEquals("{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\",\"2\",\"3\"]}\n",
                discover(nvidiaSmi(dir, "0\\n1\\n2\\n3\\n"), Map.of()));
    }

    @Test
    void oneGpu(@TempDir Path dir) throws Exception {
        assertEquals("{\"name\":\"gpu\",\"addresses\":[\"0\"]}\n", discover(nvidiaSmi(dir, "0\\n"), Map.of()));
    }

    @Test
    void noNvidiaSmiOrNoGpuMeansAnEmptyList(@TempDir Path dir) throws Exception {
        assertEquals("{\"name\":\"gpu\",\"addresses\":[]}\n", discover(dir, Map.of()));
        assertEquals("{\"name\":\"gpu\",\"addresses\":[]}\n", discover(nvidiaSmi(dir, ""), Map.of()));
    }

    @Test
    void linesThatAreNoIndexAreIgnored(@TempDir Path dir) throws Exception {
        assertEquals("{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}\n",
                discover(nvidiaSmi(dir, " 0\\r\\nNo devices were found\\n1 \\n"), Map.of()));
    }

    /** CUDA numbers the devices a process may see 0..n-1, whatever their host indices. */
    @Test
    void cudaVisibleDevicesRenumbersFromZero(@TempDir Path dir) throws Exception {
        assertEquals("{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}\n",
                discover(nvidiaSmi(dir, "0\\n1\\n2\\n3\\n"), Map.of("CUDA_VISIBLE_DEVICES", "2,3")));
    }
}
