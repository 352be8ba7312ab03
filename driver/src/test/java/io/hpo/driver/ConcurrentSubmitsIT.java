package io.hpo.driver;

import io.hpo.aggregator.store.StoreCounts;
import io.hpo.aggregator.store.StoredTrial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three searches submitted at once, each its own driver process as `./hpo submit` starts it, on one stack (one
 * Kafka broker, one PostgreSQL, one aggregator with its two consumers): each ends with exactly its own trials,
 * steps, evaluations and lifecycle events, and no trial of one search carries another's configuration (each search
 * samples its learning rate from its own range).
 */
class ConcurrentSubmitsIT {
    private static final int SEARCHES = 3;
    private static final int TRIALS = 2;
    private static final int STEPS = 8;

    @Test
    void threeSubmittedSearchesOnOneStackEndWithExactlyTheirOwnRecords(@TempDir Path dir) throws Exception {
        try (ResultsStack stack = ResultsStack.start(dir)) {
            List<DriverProcess> drivers = new ArrayList<>();
            for (int i = 0; i < SEARCHES; i++) {
                Path spec = Files.writeString(dir.resolve("concurrent-" + i + ".yaml"), spec(i));
                drivers.add(DriverProcess.start("local[1]", stack.bootstrapServers(), List.of(),
                        dir.resolve("driver-" + i + ".log"), spec.toString(), "--search-id", "concurrent-" + i));
            }
            for (DriverProcess driver : drivers) {
                assertEquals(0, driver.await(8), driver::tail);
            }
            for (int i = 0; i < SEARCHES; i++) {
                String id = "concurrent-" + i;
                stack.awaitStored(id, (long) TRIALS * STEPS);
                // 1 SEARCH_STARTED + per trial CREATED, STARTED, 2 evaluations, COMPLETED + 1 SEARCH_FINISHED
                assertEquals(new StoreCounts(TRIALS, (long) TRIALS * STEPS, TRIALS * 2L, 2 + TRIALS * 5L, 0),
                        stack.store().counts(id), id);
                double low = lowestRate(i);
                for (StoredTrial t : stack.store().rankedTrials(id)) {
                    double rate = ((Number) t.config().get("learning_rate")).doubleValue();
                    assertTrue(rate >= low && rate <= low * 2, id + "'s " + t.trialId() + " has learning rate "
                            + rate + ", outside its search's range");
                    assertEquals("COMPLETED", t.status(), id + "/" + t.trialId());
                }
            }
        }
    }

    /** Search i samples its learning rate from [low, 2 low], disjoint from the others' ranges. */
    private static double lowestRate(int i) {
        return 1e-3 * Math.pow(4, i);
    }

    private static String spec(int i) {
        return """
                name: concurrent-%d
                seed: %d
                data:
                  source: demo
                  demo_sentences: 300
                budget:
                  max_trials: %d
                  max_concurrent_trials: 1
                  max_steps_per_trial: %d
                  max_wall_time: 20m
                training:
                  workers: 1
                  averaging_frequency: 4
                  eval_every: 4
                  eval_batches: 1
                space:
                  learning_rate: {log_uniform: [%s, %s]}
                  batch_size: 4
                  layers: 1
                  width: 16
                  heads: 2
                  seq_length: 16
                """.formatted(i, 11 + i, TRIALS, STEPS, lowestRate(i), lowestRate(i) * 2);
    }
}
