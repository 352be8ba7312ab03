package io.hpo.driver;

import io.hpo.aggregator.store.StoredTrial;
import io.hpo.driver.history.RecordedSearch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.events.BusConfig;
import io.hpo.events.TrialStatus;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ASHA stopping a real trial: a grid of two learning rates, one trial at a time, rungs at steps 10 and 20. The
 * first trial (3e-3) passes both rungs and completes; the second (1e-7, barely moving from ln V) ranks last at
 * rung 0 and is pruned there, so its Spark job group runs its first task (its rounds up to that evaluation) and
 * no more. Its events reach the store and the ranking like any other trial's.
 */
class SearchPruningEndToEndTest {
    private static final String SPEC = """
            name: prune
            seed: 3
            data: {source: demo, demo_sentences: 400}
            strategy: {type: grid}
            pruner: {type: asha, min_steps: 10, reduction_factor: 2}
            budget: {max_trials: 2, max_concurrent_trials: 1, max_steps_per_trial: 30, max_wall_time: 20m}
            training: {workers: 1, averaging_frequency: 5, eval_every: 10, eval_batches: 2}
            space:
              learning_rate: {choice: [3.0e-3, 1.0e-7]}
              warmup_steps: 0
              schedule: constant
              batch_size: 8
              layers: 1
              width: 16
              heads: 2
              mlp_multiplier: 2
              seq_length: 24
            """;

    @Test
    void aPrunedTrialStopsAtItsRungAndReachesTheStoreAndTheRanking(@TempDir Path dir) throws Exception {
        SearchSpec spec = SpecLoader.parse(SPEC, "prune.yaml");
        String searchId = "prune-search";
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (ResultsStack stack = ResultsStack.start(dir)) {
            BusConfig bus = stack.bus();
            SearchOutcome outcome;
            int[] jobs = new int[2];
            String metrics;
            try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]")
                    .setAppName("prune").set("spark.ui.enabled", "false"));
                 DriverMetrics driverMetrics = new DriverMetrics()) {
                outcome = new SearchRunner(sc, bus, new PrintStream(console, true, StandardCharsets.UTF_8),
                        driverMetrics, 0).run(spec, searchId, RecordedSearch.none(searchId));
                metrics = driverMetrics.scrape();
                for (int i = 0; i < 2; i++) {
                    jobs[i] = sc.statusTracker().getJobIdsForGroup(searchId + "/" + outcome.trials().get(i).trialId())
                            .length;
                }
            }
            TrialSummary full = outcome.trials().get(0);
            TrialSummary pruned = outcome.trials().get(1);
            assertEquals(3.0e-3, full.hyperparameters().learningRate());
            assertEquals(TrialStatus.COMPLETED, full.result().outcome());
            assertEquals(30, full.result().steps());
            assertEquals(TrialStatus.PRUNED, pruned.result().outcome(), pruned.result().reason());
            assertTrue(metrics.contains("hpo_driver_trials_ended_total{outcome=\"PRUNED\"} 1.0"), metrics);
            assertEquals(10, pruned.result().steps());
            assertTrue(pruned.result().reason().startsWith("asha rung 0"), pruned.result().reason());
            // one job per evaluation (a one-worker trial's rounds up to it in one task): 3 for the full one, 1 for the
            // pruned one
            assertEquals(jobs[0], 3 * jobs[1], "jobs per trial " + jobs[0] + ", " + jobs[1]);

            ResultsStore store = stack.store();
            stack.awaitStored(searchId, 30 + 10);
            List<StoredTrial> ranked = store.rankedTrials(searchId);
            assertEquals(List.of(full.trialId(), pruned.trialId()), ranked.stream().map(StoredTrial::trialId).toList());
            StoredTrial stored = ranked.get(1);
            assertEquals("PRUNED", stored.status());
            assertEquals(0, stored.prunedRung());
            assertEquals(10L, stored.finalStep());
            assertEquals(pruned.result().bestValLoss(), stored.bestValLoss(), 1e-9);
            assertEquals(10, store.curve(searchId, pruned.trialId()).orElseThrow().steps().size());

            JsonNode trials = get(stack.aggregator().url() + "/api/searches/" + searchId + "/trials");
            assertEquals("PRUNED", trials.get(1).get("status").asText());
            assertEquals(0, trials.get(1).get("prunedRung").asInt());
        }
        String printed = console.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("1 pruned"), printed);
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body());
    }
}
