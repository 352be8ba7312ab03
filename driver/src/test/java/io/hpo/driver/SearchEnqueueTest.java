package io.hpo.driver;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.aggregator.store.StoredTrial;
import io.hpo.driver.history.LifecycleLog;
import io.hpo.driver.history.RecordedSearch;
import io.hpo.driver.history.RecordedTrial;
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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Enqueued configurations on the real stack: a search whose spec enqueues two configurations (one partial) runs them
 * first, in order, with exactly the given values; one enqueued through the aggregator's API while the second runs is
 * launched next; the sampler fills the rest of max_trials, which holds. Each enqueued trial's TRIAL_CREATED names its
 * request, which is how a resumed driver knows it was launched.
 */
class SearchEnqueueTest {
    private static final String SPEC = """
            name: enqueue
            seed: 5
            data: {source: demo, demo_sentences: 400}
            budget: {max_trials: 4, max_concurrent_trials: 1, max_steps_per_trial: 80, max_wall_time: 10m}
            training: {workers: 1, averaging_frequency: 4, eval_every: 40, eval_batches: 1}
            space:
              learning_rate: {log_uniform: [1.0e-3, 1.0e-2]}
              warmup_steps: {int: [0, 10]}
              batch_size: 8
              layers: 1
              width: 16
              heads: 2
              mlp_multiplier: 2
              seq_length: 16
            enqueue:
              - {learning_rate: 0.005, warmup_steps: 3}
              - {warmup_steps: 7}
            """;

    @Test
    void enqueuedConfigurationsRunFirstWithTheirValues(@TempDir Path dir) throws Exception {
        SearchSpec spec = SpecLoader.parse(SPEC, "enqueue.yaml");
        String searchId = "enqueue-search";
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (ResultsStack stack = ResultsStack.start(dir);
             JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]")
                     .setAppName("enqueue").set("spark.ui.enabled", "false"));
             DriverMetrics metrics = new DriverMetrics()) {
            CompletableFuture<SearchOutcome> search = CompletableFuture.supplyAsync(() -> {
                try {
                    return new SearchRunner(sc, stack.bus(), new PrintStream(console, true, StandardCharsets.UTF_8),
                            metrics, 0).run(spec, searchId, RecordedSearch.none(searchId));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            stack.awaitSteps(searchId, "trial-001");
            HttpResponse<String> enqueued = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(stack.aggregator().url() + "/api/searches/" + searchId + "/enqueue"))
                    .header("Authorization", "Bearer " + ResultsStack.API_TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"learning_rate\": 0.002, \"warmup_steps\": 1}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, enqueued.statusCode(), enqueued.body());

            SearchOutcome outcome = search.get(5, TimeUnit.MINUTES);
            assertEquals(SearchStatus.COMPLETED, outcome.status(), console.toString());
            stack.awaitStored(searchId, 0);
            List<StoredTrial> trials = stack.store().rankedTrials(searchId).stream()
                    .sorted((a, b) -> a.trialId().compareTo(b.trialId())).toList();
            assertEquals(List.of("trial-000", "trial-001", "trial-002", "trial-003"),
                    trials.stream().map(StoredTrial::trialId).toList(), "max_trials holds");
            assertValues(trials.get(0), 0.005, 3);
            assertEquals(7, number(trials.get(1), "warmup_steps").intValue());
            double drawn = number(trials.get(1), "learning_rate").doubleValue();
            assertTrue(drawn >= 1e-3 && drawn <= 1e-2, "the value left out is drawn from the space: " + drawn);
            assertValues(trials.get(2), 0.002, 1);
            trials.forEach(t -> assertEquals("COMPLETED", t.status(), t.trialId() + ": " + t.reason()));

            List<String> requests = LifecycleLog.read(stack.bus(), searchId, System.err).trials().stream()
                    .map(RecordedTrial::enqueuedBy).toList();
            assertEquals(List.of("spec-1", "spec-2"), requests.subList(0, 2));
            assertEquals(new ObjectMapper().readTree(enqueued.body()).get("eventId").asText(), requests.get(2));
            assertNull(requests.get(3), "the last trial is the sampler's");
        }
    }

    private static void assertValues(StoredTrial t, double learningRate, int warmupSteps) {
        assertEquals(learningRate, number(t, "learning_rate").doubleValue(), 0.0, t.trialId() + " " + t.config());
        assertEquals(warmupSteps, number(t, "warmup_steps").intValue(), t.trialId() + " " + t.config());
    }

    private static Number number(StoredTrial t, String name) {
        Map<String, Object> config = t.config();
        return (Number) config.get(name);
    }
}
