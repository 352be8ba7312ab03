package io.hpo.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.aggregator.store.StoredTrial;
import io.hpo.driver.history.RecordedSearch;
import io.hpo.events.TrialStatus;
import io.hpo.space.pareto.Hypervolume;
import io.hpo.space.sampler.FinishedTrial;
import io.hpo.space.sampler.Sampler;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real multi-objective search, objectives [val_loss, energy_kwh], through Spark, Kafka, the store and the API: 5
 * sequential tiny trials, 2 of them start-up ones. MOTPE's suggestions are deterministic given the history, so each
 * guided trial's configuration must be what a fresh sampler suggests from the trials before it with their losses and
 * the spends the driver counted (which pins the driver to the spends wherever they change MOTPE's choice; that the
 * driver hands every finished trial's spend on is checked directly in {@link SearchStateTest}); the API's front must
 * be the non-dominated trials of the store, and its hypervolume theirs.
 */
class SearchObjectivesEndToEndTest {
    private static final int TRIALS = 5;
    private static final String SPEC = """
            name: objectives
            seed: 9
            data: {source: demo, demo_sentences: 400}
            strategy: {type: tpe, startup_trials: 2}
            objectives: [val_loss, energy_kwh]
            budget: {max_trials: %d, max_concurrent_trials: 1, max_steps_per_trial: 20, max_wall_time: 20m}
            training: {workers: 1, eval_every: 10, eval_batches: 2}
            """.formatted(TRIALS) + TinyModel.space("{log_uniform: [1.0e-3, 1.0e-2]}");

    @Test
    void theSamplerLearnsFromSpendsAndTheApiOffersTheStoredFront(@TempDir Path dir) throws Exception {
        SearchSpec spec = SpecLoader.parse(SPEC, "objectives.yaml");
        String searchId = "objectives-search";
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (ResultsStack stack = ResultsStack.start(dir)) {
            SearchOutcome outcome;
            try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]")
                    .setAppName("objectives").set("spark.ui.enabled", "false"));
                 DriverMetrics metrics = new DriverMetrics()) {
                outcome = new SearchRunner(sc, stack.bus(), new PrintStream(console, true, StandardCharsets.UTF_8),
                        metrics, 0).run(spec, searchId, RecordedSearch.none(searchId));
            }
            String printed = console.toString(StandardCharsets.UTF_8);
            assertEquals(TRIALS, outcome.trials().size(), printed);
            outcome.trials().forEach(t -> assertEquals(TrialStatus.COMPLETED, t.result().outcome(), printed));

            List<FinishedTrial> before = new ArrayList<>();
            for (TrialSummary t : outcome.trials()) {
                assertTrue(t.spend().energyKwh() > 0, t.toString());
                Sampler fresh = Samplers.forSpec(spec);
                assertEquals(t.hyperparameters(), fresh.suggest(new SearchHistory(before, List.of())).orElseThrow(),
                        t.trialId() + ": the driver's sampler saw another history");
                before.add(new FinishedTrial(t.hyperparameters(), t.result().bestValLoss(), t.result().steps(),
                        t.evaluations(), t.spend()));
            }

            stack.awaitStored(searchId, (long) TRIALS * 20);
            List<StoredTrial> stored = stack.store().rankedTrials(searchId);
            assertEquals(TRIALS, stored.size());
            Set<String> expected = new HashSet<>();
            List<double[]> frontPoints = new ArrayList<>();
            for (StoredTrial t : stored) {
                boolean dominated = stored.stream().anyMatch(o -> o.bestValLoss() <= t.bestValLoss()
                        && o.spend().energyKwh() <= t.spend().energyKwh()
                        && (o.bestValLoss() < t.bestValLoss() || o.spend().energyKwh() < t.spend().energyKwh()));
                if (!dominated) {
                    expected.add(t.trialId());
                    frontPoints.add(new double[]{t.bestValLoss(), t.spend().energyKwh()});
                }
            }

            JsonNode front = get(stack.aggregator().url() + "/api/searches/" + searchId + "/front");
            assertEquals("[\"val_loss\",\"energy_kwh\"]", front.get("objectives").toString());
            assertEquals(TRIALS, front.get("total").asInt());
            Set<String> offered = new HashSet<>();
            front.get("front").forEach(t -> offered.add(t.get("trialId").asText()));
            assertEquals(expected, offered, front.toString());
            double maxLoss = stored.stream().mapToDouble(StoredTrial::bestValLoss).max().orElseThrow();
            double maxEnergy = stored.stream().mapToDouble(t -> t.spend().energyKwh()).max().orElseThrow();
            double[] reference = {1.1 * maxLoss, 1.1 * maxEnergy};
            assertNotNull(front.get("hypervolume"), front.toString());
            assertEquals(Hypervolume.of(frontPoints, reference), front.get("hypervolume").asDouble(),
                    1e-9 * front.get("hypervolume").asDouble());
            assertTrue(front.get("hypervolume").asDouble() > 0, front.toString());
        }
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body());
    }
}
