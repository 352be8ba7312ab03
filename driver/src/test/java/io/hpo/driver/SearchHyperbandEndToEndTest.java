package io.hpo.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.aggregator.store.Curve;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.StoredTrial;
import io.hpo.driver.history.RecordedSearch;
import io.hpo.events.TrialStatus;
import io.hpo.space.Hyperparameters;
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
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BOHB through the real driver: two Hyperband brackets (min_steps 5, reduction_factor 3, 45 steps: bracket 0 has
 * rungs at 5 and 15, bracket 1 at 15; a third, with no rung, is left out) and TPE with multi_fidelity, one trial at
 * a time on Spark local[2] with the real broker, store and aggregator. The store holds every trial terminal with
 * exactly the steps it ran and each pruned trial's rung. The sampler's evidence is replayed from the store: TPE's
 * suggestion is a function of the seed and the history, so each launched configuration must be what a multi_fidelity
 * TPE suggests from the stored evaluations of the trials before it, and the model's budget must be a rung that
 * pruned trials reached. Seed 2's start-up design gives the third trial (bracket 0, like the first) a learning rate
 * 15 times lower than the first's, so it is pruned at a rung and the model's first guided fit is at that rung.
 */
class SearchHyperbandEndToEndTest {
    private static final int TRIALS = 8;
    private static final int STARTUP = 3;
    private static final long MAX_STEPS = 45;
    private static final long EVAL_EVERY = 5;
    private static final String SPEC = """
            name: bohb
            seed: 2
            data: {source: demo, demo_sentences: 400}
            strategy: {type: tpe, startup_trials: 3, multi_fidelity: true}
            pruner: {type: hyperband, min_steps: 5, reduction_factor: 3, brackets: 2}
            budget: {max_trials: 8, max_concurrent_trials: 1, max_steps_per_trial: 45, max_wall_time: 20m}
            training: {workers: 1, averaging_frequency: 5, eval_every: 5, eval_batches: 2}
            """ + TinyModel.space("{log_uniform: [1.0e-5, 1.0e-2]}") + """
              warmup_steps: 0
              schedule: constant
            """;
    /** The pruned trial's reason: its bracket b and its rung r within it, at step 5 * 3^(b + r). */
    private static final Pattern RUNG =
            Pattern.compile("^hyperband bracket (\\d+), asha rung (\\d+) \\(step (\\d+)\\)");

    @Test
    void hyperbandPrunesAtRungsAndTpeLearnsFromTheRungLosses(@TempDir Path dir) throws Exception {
        SearchSpec spec = SpecLoader.parse(SPEC, "bohb.yaml");
        String searchId = "bohb-search";
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (ResultsStack stack = ResultsStack.start(dir)) {
            SearchOutcome outcome;
            try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]")
                    .setAppName("bohb").set("spark.ui.enabled", "false"));
                 DriverMetrics metrics = new DriverMetrics()) {
                outcome = new SearchRunner(sc, stack.bus(), new PrintStream(console, true, StandardCharsets.UTF_8),
                        metrics, 0).run(spec, searchId, RecordedSearch.none(searchId));
            }
            String printed = console.toString(StandardCharsets.UTF_8);
            assertEquals(TRIALS, outcome.trials().size(), printed);
            long totalSteps = outcome.trials().stream().mapToLong(t -> t.result().steps()).sum();
            ResultsStore store = stack.store();
            stack.awaitStored(searchId, totalSteps);

            List<FinishedTrial> stored = new ArrayList<>();
            int pruned = 0;
            for (TrialSummary ran : outcome.trials()) {
                StoredTrial t = store.trial(searchId, ran.trialId()).orElseThrow();
                Curve curve = store.curve(searchId, ran.trialId()).orElseThrow();
                long steps = ran.result().steps();
                assertEquals(steps, t.finalStep(), ran.trialId());
                assertEquals(LongStream.rangeClosed(1, steps).boxed().toList(),
                        curve.steps().stream().map(Curve.Step::step).toList(), "one step metric per step run");
                assertEquals(LongStream.rangeClosed(1, steps / EVAL_EVERY).map(k -> EVAL_EVERY * k).boxed().toList(),
                        curve.evaluations().stream().map(Curve.Evaluation::step).toList(), "an evaluation every 5");
                if (ran.result().outcome() == TrialStatus.PRUNED) {
                    pruned++;
                    assertEquals("PRUNED", t.status());
                    Matcher m = RUNG.matcher(t.reason());
                    assertTrue(m.find(), t.reason());
                    int bracket = Integer.parseInt(m.group(1));
                    int rung = Integer.parseInt(m.group(2));
                    assertEquals(rung, t.prunedRung(), t.reason());
                    assertEquals(EVAL_EVERY * (long) Math.pow(3, bracket + rung), steps, t.reason());
                    assertEquals(Long.parseLong(m.group(3)), steps, t.reason());
                } else {
                    assertEquals(TrialStatus.COMPLETED, ran.result().outcome(), ran.result().reason());
                    assertEquals("COMPLETED", t.status());
                    assertEquals(MAX_STEPS, steps);
                }
                stored.add(new FinishedTrial(Hyperparameters.fromMap(t.config()), t.bestValLoss(), t.finalStep(),
                        evaluations(curve)));
            }
            assertTrue(pruned >= 2 && pruned < TRIALS, pruned + " pruned\n" + printed);
            assertTrue(printed.contains(pruned + " pruned"), printed);

            Sampler bohb = Samplers.forSpec(spec);
            Sampler finalLosses = Samplers.forSpec(SpecLoader.parse(
                    SPEC.replace("multi_fidelity: true", "multi_fidelity: false"), "tpe.yaml"));
            int differ = 0;
            long lowestBudget = MAX_STEPS;
            for (int i = 0; i < TRIALS; i++) {
                SearchHistory before = new SearchHistory(stored.subList(0, i), List.of());
                assertEquals(stored.get(i).config(), bohb.suggest(before).orElseThrow(),
                        "trial " + i + " is what TPE fitted on the rung losses suggests");
                if (i >= STARTUP) {
                    lowestBudget = Math.min(lowestBudget, budget(stored.subList(0, i)));
                    if (!finalLosses.suggest(before).orElseThrow().equals(stored.get(i).config())) {
                        differ++;
                    }
                }
            }
            assertTrue(differ > 0, "a TPE fitted on final losses would have suggested the same trials");
            // fewer than startup_trials trials had run to the end when the model was fitted at a rung, so pruned
            // trials that reached that rung were part of it
            assertTrue(lowestBudget < MAX_STEPS, "the model was always fitted on final losses");

            JsonNode trials = get(stack.aggregator().url() + "/api/searches/" + searchId + "/trials");
            assertEquals(TRIALS, trials.size());
            for (JsonNode t : trials) {
                String status = t.get("status").asText();
                assertTrue(status.equals("COMPLETED") || status.equals("PRUNED"), t.toString());
                assertEquals(status.equals("PRUNED"), t.hasNonNull("prunedRung"), t.toString());
            }
        }
    }

    /** BOHB's budget: the highest step that STARTUP of the trials were evaluated at or past. */
    private static long budget(List<FinishedTrial> finished) {
        long[] last = finished.stream().mapToLong(t -> t.evaluations().lastKey()).sorted().toArray();
        return last[last.length - STARTUP];
    }

    private static NavigableMap<Long, Double> evaluations(Curve curve) {
        NavigableMap<Long, Double> byStep = new TreeMap<>();
        curve.evaluations().forEach(e -> byStep.put(e.step(), e.valLoss()));
        return byStep;
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body());
    }
}
