package io.hpo.worker.gpu;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;

/**
 * Which ND4J backends a jar carries and which one a JVM runs on. ND4J 1.0.0-M2.1 ({@code Nd4jBackend.load}) lists
 * the backends registered as {@code META-INF/services/org.nd4j.linalg.factory.Nd4jBackend}, tries them by priority
 * (CUDA 100, CPU 0 unless the environment variables {@code BACKEND_PRIORITY_GPU} / {@code BACKEND_PRIORITY_CPU} say
 * otherwise) and takes the first that is available: CUDA is unavailable where no device or CUDA runtime is found,
 * and ND4J then goes on to the CPU backend.
 */
public final class Nd4jBackends {
    static final String SERVICES = "META-INF/services/org.nd4j.linalg.factory.Nd4jBackend";
    public static final String CUDA = "org.nd4j.linalg.jcublas.JCublasBackend";

    private Nd4jBackends() {
    }

    /** Whether {@code loader} sees ND4J's CUDA backend (the {@code -Pgpu} build), read without loading it. */
    public static boolean cudaPackaged(ClassLoader loader) {
        try {
            Enumeration<URL> lists = loader.getResources(SERVICES);
            while (lists.hasMoreElements()) {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(lists.nextElement().openStream(),
                        StandardCharsets.UTF_8))) {
                    if (in.lines().map(String::trim).anyMatch(CUDA::equals)) {
                        return true;
                    }
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SERVICES, e);
        }
    }

    /**
     * Refuses to train on GPU {@code gpu} when ND4J runs on another backend than CUDA: the task holds a GPU that it
     * would leave idle while training many times slower on the CPU.
     */
    static void requireCuda(String activeBackend, int gpu, String where) {
        if (!CUDA.equals(activeBackend)) {
            throw new IllegalStateException("Spark assigned GPU " + gpu + " to this trial worker (" + where
                    + "), but ND4J runs on " + activeBackend + ", not its CUDA backend: the application jar has no "
                    + "CUDA backend (build it with -Pgpu), or CUDA did not load on this executor (no NVIDIA driver or "
                    + "CUDA 11.6 runtime; the executor log says why after \"Skipped [JCublasBackend]\"), or "
                    + "BACKEND_PRIORITY_CPU is set above BACKEND_PRIORITY_GPU");
        }
    }
}
