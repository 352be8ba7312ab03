package io.hpo.driver;

import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.StoredTrial;
import io.hpo.driver.history.RecordedSearch;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cancelling through the aggregator's API reaches the running driver over the control topic: a cancelled trial
 * stops before its next round and ends FAILED with the request as its reason while the search goes on; a
 * cancelled search starts no new trial, stops its running one and ends CANCELLED.
 */
class SearchCancellationTest {
    private static final String SPEC = """
            name: cancel
            seed: 4
            data: {source: demo, demo_sentences: 400}
            budget: {max_trials: 4, max_concurrent_trials: 1, max_steps_per_trial: 200, max_wall_time: 10m}
            training: {workers: 1, averaging_frequency: 2, eval_every: 100, eval_batches: 1}
            """ + TinyModel.space("{log_uniform: [1.0e-3, 1.0e-2]}");

    @Test
    void cancelRequestsThroughTheApiStopATrialAndThenTheSearch(@TempDir Path dir) throws Exception {
        SearchSpec spec = SpecLoader.parse(SPEC, "cancel.yaml");
        String searchId = "cancel-search";
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (ResultsStack stack = ResultsStack.start(dir);
             JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]")
                     .setAppName("cancel").set("spark.ui.enabled", "false"));
             DriverMetrics metrics = new DriverMetrics()) {
            CompletableFuture<SearchOutcome> search = CompletableFuture.supplyAsync(() -> {
                try {
                    return new SearchRunner(sc, stack.bus(), new PrintStream(console, true, StandardCharsets.UTF_8),
                            metrics, 0).run(spec, searchId, RecordedSearch.none(searchId));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            ResultsStore store = stack.store();
            String api = stack.aggregator().url() + "/api/searches/" + searchId;
            stack.awaitSteps(searchId, "trial-000");
            assertEquals(202, post(api + "/trials/trial-000/cancel"));
            stack.awaitSteps(searchId, "trial-001");
            assertEquals(202, post(api + "/cancel"));

            SearchOutcome outcome = search.get(3, TimeUnit.MINUTES);
            assertEquals(SearchStatus.CANCELLED, outcome.status());
            stack.awaitStored(searchId, 0);
            List<StoredTrial> trials = store.rankedTrials(searchId);
            assertEquals(List.of("trial-000", "trial-001"), trials.stream().map(StoredTrial::trialId).sorted().toList(),
                    "no trial starts after the search was cancelled");
            for (StoredTrial t : trials) {
                assertEquals("FAILED", t.status(), t.trialId());
                assertTrue(t.reason().startsWith("cancelled by api 127.0.0.1"), t.reason());
                assertTrue(t.finalStep() < 200, t.trialId() + " stopped early: " + t.finalStep());
            }
            assertEquals("CANCELLED", store.search(searchId).orElseThrow().outcome());
            assertEquals(409, post(api + "/cancel"), "a finished search cannot be cancelled");
        }
    }

    private static int post(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + ResultsStack.API_TOKEN)
                        .POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }
}
