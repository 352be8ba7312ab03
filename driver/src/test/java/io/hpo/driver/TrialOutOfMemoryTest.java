package io.hpo.driver;

import io.hpo.deploy.LocalKafkaBroker;
import io.hpo.deploy.LocalSparkCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A trial that genuinely runs out of memory: the real driver in its own JVM with a 512 MB heap, which also bounds
 * ND4J's off-heap memory (JavaCPP refuses allocations once the process outgrows its physical-bytes limit, derived
 * from the heap limit), and a configuration of 200 million parameters (800 MB of floats, three times that with
 * Adam's state). That trial ends FAILED with a reason saying so; the search goes on to the next, small trial.
 */
class TrialOutOfMemoryTest {

    @Test
    void aTrialThatRunsOutOfMemoryFailsWithAClearReasonAndTheSearchGoesOn(@TempDir Path dir) throws Exception {
        // grid order: width 2048 first, then 32
        Path spec = Files.writeString(dir.resolve("oom.yaml"), """
                name: oom
                data: {source: demo, demo_sentences: 200}
                strategy: {type: grid}
                budget: {max_trials: 2, max_steps_per_trial: 2, max_wall_time: 5m}
                training: {workers: 1, averaging_frequency: 2, eval_every: 2, eval_batches: 1}
                space:
                  width: {choice: [2048, 32]}
                  layers: 4
                  heads: 4
                  mlp_multiplier: 4
                  batch_size: 4
                  seq_length: 16
                  warmup_steps: 0
                """);
        Path log = dir.resolve("driver.out");
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"), 0)) {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
            command.addAll(LocalSparkCluster.sparkJvmFlags());
            command.addAll(List.of(
                    "-Dspark.master=local[1]", "-Dspark.ui.enabled=false",
                    "-Dspark.hpo.kafka.bootstrap.servers=" + broker.bootstrapServers(),
                    "-cp", System.getProperty("java.class.path"), SearchDriverMain.class.getName(), spec.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Process driver = builder.start();
            boolean ended = driver.waitFor(150, TimeUnit.SECONDS);
            if (!ended) {
                driver.destroyForcibly();
            }
            String output = Files.readString(log);
            assertTrue(ended, "the driver hung:\n" + output);
            assertEquals(0, driver.exitValue(), output);
            // local mode: the allocation that fails is the driver's (building the model, shipping its parameters)
            assertTrue(output.contains("trial-000 FAILED (out of memory on the driver while training trial trial-000"),
                    output);
            assertTrue(output.contains("java.lang.OutOfMemoryError: "), output);
            assertTrue(output.contains("while training trial trial-000 (width 2048, layers 4, heads 4, batch_size 4, "
                    + "seq_length 16)"), output);
            assertTrue(output.contains("lower batch_size, seq_length or width"), output);
            assertTrue(output.contains("trial-001 COMPLETED"), output);
        }
    }
}
