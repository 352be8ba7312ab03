package io.hpo.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.aggregator.AggregatorService;
import io.hpo.aggregator.config.AggregatorConfig;
import io.hpo.aggregator.results.BestTrial;
import io.hpo.aggregator.results.Results;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.SearchSummary;
import io.hpo.aggregator.store.TrialResult;
import io.hpo.deploy.LocalKafkaBroker;
import io.hpo.deploy.LocalPostgres;
import io.hpo.events.BusConfig;
import io.hpo.space.Hyperparameters;
import io.hpo.space.sampler.Samplers;
import io.hpo.space.sampler.SearchHistory;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real search end to end: Spark local[2] runs 3 trials (2 at a time, 2 averaging workers each) of the real
 * transformer; executors and driver publish to a real Kafka broker; the real aggregator writes a real
 * PostgreSQL; the test then checks the store against what the driver saw.
 */
class SearchEndToEndTest {
    private static final String SPEC = """
            name: e2e
            seed: 5
            data:
              source: demo
              demo_sentences: 600
            budget:
              max_trials: 3
              max_concurrent_trials: 2
              max_steps_per_trial: 20
              max_wall_time: 20m
            training:
              workers: 2
              averaging_frequency: 5
              eval_every: 10
              eval_batches: 2
            space:
              learning_rate: {log_uniform: [1.0e-3, 1.0e-2]}
              warmup_steps: {int: [0, 5]}
              schedule: {choice: [constant, cosine]}
              batch_size: 8
              layers: 1
              width: {choice: [16, 32]}
              heads: 2
              mlp_multiplier: 2
              seq_length: 24
            """;

    @Test
    void searchRunsEndToEndAndTheStoreHoldsEveryResultExactlyOnce(@TempDir Path dir) throws Exception {
        SearchSpec spec = SpecLoader.parse(SPEC, "e2e.yaml");
        String searchId = "e2e-search";
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        SearchOutcome outcome;
        try (LocalKafkaBroker kafka = LocalKafkaBroker.start(dir.resolve("kafka"), 0);
             LocalPostgres postgres = LocalPostgres.start(dir.resolve("postgres"), 0);
             AggregatorService aggregator = AggregatorService.start(AggregatorConfig.of(Map.of(
                     AggregatorConfig.JDBC_URL, postgres.jdbcUrl(),
                     AggregatorConfig.USER, postgres.user(),
                     AggregatorConfig.PASSWORD, postgres.password(),
                     AggregatorConfig.HTTP_PORT, "0",
                     BusConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers())))) {
            BusConfig bus = BusConfig.defaults().withBootstrapServers(kafka.bootstrapServers());
            try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]")
                    .setAppName("e2e").set("spark.ui.enabled", "false"))) {
                outcome = new SearchRunner(sc, bus, new PrintStream(console, true, StandardCharsets.UTF_8))
                        .run(spec, searchId);
            }
            assertEquals(SearchStatus.COMPLETED, outcome.status());
            assertEquals(3, outcome.trials().size());

            ResultsStore store = aggregator.store();
            long expectedSteps = outcome.trials().stream()
                    .mapToLong(t -> t.result().steps() * spec.training().workers()).sum();
            awaitStored(store, searchId, expectedSteps);

            // every trial reached a terminal state, in the store as on the driver
            List<TrialResult> ranked = store.rankedTrials(searchId);
            assertEquals(3, ranked.size());
            for (TrialResult t : ranked) {
                assertTrue(Set.of("COMPLETED", "DIVERGED", "FAILED").contains(t.status()), t.trialId() + " " + t.status());
            }
            // every trial's step metrics exactly once: (step, worker) is the key, so the count says it all
            for (TrialSummary t : outcome.trials()) {
                long stored = store.curve(searchId, t.trialId()).orElseThrow().steps().size();
                assertEquals(t.result().steps() * spec.training().workers(), stored, t.trialId());
            }
            assertEquals(expectedSteps, store.countSteps(searchId));

            // the ranking is the sort by best validation loss, and the losses are the ones the driver computed
            List<TrialResult> byLoss = ranked.stream().filter(t -> t.bestValLoss() != null)
                    .sorted(Comparator.comparingDouble(TrialResult::bestValLoss)).toList();
            assertEquals(byLoss, ranked.subList(0, byLoss.size()));
            for (TrialSummary t : outcome.trials()) {
                TrialResult stored = ranked.stream().filter(r -> r.trialId().equals(t.trialId())).findFirst().orElseThrow();
                if (!Double.isNaN(t.result().bestValLoss())) {
                    assertEquals(t.result().bestValLoss(), stored.bestValLoss(), 1e-9, t.trialId());
                }
            }

            // the best config comes back as a spec that loads and names exactly that trial's hyperparameters
            BestTrial best = new Results(store).best(searchId);
            assertEquals(ranked.get(0).trialId(), best.trialId());
            SearchSpec bestSpec = SpecLoader.parse(best.spec(), "best.yaml");
            Hyperparameters bestHp = Samplers.forSpec(bestSpec).suggest(SearchHistory.empty()).orElseThrow();
            assertEquals(Hyperparameters.fromMap(ranked.get(0).config()), bestHp);

            // the HTTP API serves the same ranking
            JsonNode trials = get(aggregator.url() + "/api/searches/" + searchId + "/trials");
            assertEquals(ranked.get(0).trialId(), trials.get(0).get("trialId").asText());
        }
        String printed = console.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("3/3 trials done"), printed);
        assertTrue(printed.contains("best val loss"), printed);
    }

    private static void awaitStored(ResultsStore store, String searchId, long expectedSteps) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            boolean finished = store.search(searchId).map(SearchSummary::finished).orElse(false);
            if (finished && store.countSteps(searchId) >= expectedSteps) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the store did not catch up within 60 s: " + store.search(searchId)
                + ", steps " + store.countSteps(searchId) + " of " + expectedSteps);
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body());
    }
}
