package io.hpo.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.StoredTrial;
import io.hpo.driver.history.RecordedSearch;
import io.hpo.events.TrialStatus;
import io.hpo.space.ModelSize;
import io.hpo.space.cost.Spend;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import io.hpo.worker.data.CorpusSplit;
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
 * A token budget stopping a real search, and the accounting that reaches the store. Each trial trains 20 steps of
 * 2 workers × 8 sequences × 16 tokens = 5,120 tokens; with max_tokens 8,000 the first trial leaves the budget
 * open, the second reaches it, and the third of max_trials 3 never starts.
 */
class SearchBudgetEndToEndTest {
    private static final long TOKENS_PER_TRIAL = 20L * 2 * 8 * 16;
    private static final String SPEC = """
            name: budget
            seed: 5
            data: {source: demo, demo_sentences: 400}
            strategy: {type: grid}
            budget: {max_trials: 3, max_concurrent_trials: 1, max_steps_per_trial: 20, max_wall_time: 20m,
                     max_tokens: 8000}
            training: {workers: 2, averaging_frequency: 5, eval_every: 10, eval_batches: 2}
            cost: {device_watts: 250, grid_gco2_per_kwh: 300, price_per_hour: 2.0}
            """ + TinyModel.space("{choice: [3.0e-3, 1.0e-3, 2.0e-3]}");

    @Test
    void aTokenBudgetEndsTheSearchAndEveryTrialsCostIsConsistent(@TempDir Path dir) throws Exception {
        SearchSpec spec = SpecLoader.parse(SPEC, "budget.yaml");
        String searchId = "budget-search";
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (ResultsStack stack = ResultsStack.start(dir)) {
            SearchOutcome outcome;
            CorpusSplit data;
            try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]")
                    .setAppName("budget").set("spark.ui.enabled", "false"));
                 DriverMetrics metrics = new DriverMetrics()) {
                data = SearchData.load(spec, sc);
                outcome = new SearchRunner(sc, stack.bus(), new PrintStream(console, true, StandardCharsets.UTF_8),
                        metrics, 0).run(spec, searchId, RecordedSearch.none(searchId));
            }
            assertEquals(SearchStatus.BUDGET_EXHAUSTED, outcome.status(), console.toString(StandardCharsets.UTF_8));
            assertEquals(2, outcome.trials().size());
            outcome.trials().forEach(t -> assertEquals(TrialStatus.COMPLETED, t.result().outcome()));

            ResultsStore store = stack.store();
            stack.awaitStored(searchId, 2 * 20 * 2);
            assertEquals("BUDGET_EXHAUSTED: max_tokens 8000 tokens reached: 10240 tokens spent",
                    store.search(searchId).orElseThrow().outcome());
            List<StoredTrial> stored = store.rankedTrials(searchId);
            assertEquals(2, stored.size(), "the third trial never started");
            for (StoredTrial t : stored) {
                TrialSummary ran = outcome.trials().stream().filter(s -> s.trialId().equals(t.trialId()))
                        .findFirst().orElseThrow();
                long n = ModelSize.parameters(ran.hyperparameters(), data.tokenizer().vocabSize());
                Spend s = t.spend();
                assertEquals(n, t.parameters());
                assertEquals(data.train().length, t.trainingTokens());
                assertEquals(TOKENS_PER_TRIAL, s.tokens());
                assertEquals(t.tokensSeen(), s.tokens());
                assertEquals(6.0 * n * s.tokens(), s.flops(), 1e-6 * s.flops());
                // executor-seconds: the trial's wall time on the driver × its 2 workers
                assertTrue(s.executorSeconds() >= 2 * ran.result().wallTimeMs() / 1000.0, s + " " + ran.result());
                assertTrue(s.executorSeconds() < 2 * 600, s.toString());
                assertEquals(250 * s.executorSeconds() / 3.6e6, s.energyKwh(), 1e-12 * s.energyKwh());
                assertEquals(s.energyKwh() * 300 / 1000, s.co2Kg(), 1e-12 * s.co2Kg());
                assertEquals(2.0 * s.executorSeconds() / 3600, s.cost(), 1e-12 * s.cost());
                assertEquals(ran.spend(), s, "the store holds what the driver counted");
            }

            JsonNode pareto = get(stack.aggregator().url() + "/api/searches/" + searchId + "/pareto?cost=flops");
            assertEquals(2, pareto.get("trials").size());
            assertTrue(pareto.get("front").size() >= 1, pareto.toString());
        }
        String printed = console.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("spend budget exhausted, no new trials: max_tokens 8000 tokens reached"), printed);
        assertTrue(printed.contains("spent 5120 tokens of 8000 tokens"), printed);
        assertTrue(printed.contains("search budget-search BUDGET_EXHAUSTED: max_tokens"), printed);
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body());
    }
}
