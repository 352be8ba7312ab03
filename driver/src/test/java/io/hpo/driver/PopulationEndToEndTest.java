package io.hpo.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.aggregator.cli.ResultsCli;
import io.hpo.aggregator.store.Curve;
import io.hpo.aggregator.store.LineageLink;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.StoredTrial;
import io.hpo.deploy.RequiredTool;
import io.hpo.driver.history.RecordedSearch;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Population-based training through the real driver: 4 members, 3 intervals of 5 steps, two at a time on Spark
 * local[2] with the real broker, store and aggregator. Every member completes with one step metric per step, its
 * numbering running on across intervals, an evaluation at the end of each interval, and executor-seconds for its
 * intervals' training only (the members' sum within two at a time for the search's wall time); the store holds one exploit
 * per exploit point (quantile 0.25 of 4: one member), whose member had the worst stored loss at that step and whose
 * donor the best; the API's lineage, {@code ./hpo lineage}'s table and the search page's lineage panel (headless
 * Chromium) list the same exploits.
 */
class PopulationEndToEndTest {
    private static final int POPULATION = 4;
    private static final long MAX_STEPS = 15;
    private static final long INTERVAL = 5;
    private static final String SPEC = """
            name: pbt
            seed: 5
            data: {source: demo, demo_sentences: 400}
            strategy: {type: pbt, population: 4, exploit_every: 5}
            budget: {max_trials: 4, max_concurrent_trials: 2, max_steps_per_trial: 15, max_wall_time: 20m}
            training: {workers: 1, averaging_frequency: 5, eval_every: 5, eval_batches: 2}
            """ + TinyModel.space("{log_uniform: [1.0e-5, 1.0e-1]}") + """
              warmup_steps: 0
              schedule: constant
            """;

    @Test
    void membersTrainOnFromTheirDonorsAndTheStoreHoldsTheLineage(@TempDir Path dir) throws Exception {
        SearchSpec spec = SpecLoader.parse(SPEC, "pbt.yaml");
        String searchId = "pbt-search";
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (ResultsStack stack = ResultsStack.start(dir)) {
            SearchOutcome outcome;
            try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]")
                    .setAppName("pbt").set("spark.ui.enabled", "false"));
                 DriverMetrics metrics = new DriverMetrics()) {
                outcome = new SearchRunner(sc, stack.bus(), new PrintStream(console, true, StandardCharsets.UTF_8),
                        metrics, 0).run(spec, searchId, RecordedSearch.none(searchId));
            }
            String printed = console.toString(StandardCharsets.UTF_8);
            assertEquals(POPULATION, outcome.trials().size(), printed);
            stack.awaitStored(searchId, POPULATION * MAX_STEPS);
            ResultsStore store = stack.store();

            Map<String, Map<Long, Double>> losses = new HashMap<>();
            double executorSeconds = 0;
            for (TrialSummary ran : outcome.trials()) {
                assertEquals(TrialStatus.COMPLETED, ran.result().outcome(), ran.result().reason() + "\n" + printed);
                StoredTrial t = store.trial(searchId, ran.trialId()).orElseThrow();
                assertEquals("COMPLETED", t.status());
                assertEquals(MAX_STEPS, t.finalStep());
                assertEquals(ran.result().wallTimeMs() / 1000.0, t.spend().executorSeconds(), 1e-9,
                        "priced by its intervals' training time");
                executorSeconds += t.spend().executorSeconds();
                Curve curve = store.curve(searchId, ran.trialId()).orElseThrow();
                assertEquals(LongStream.rangeClosed(1, MAX_STEPS).boxed().toList(),
                        curve.steps().stream().map(Curve.Step::step).toList(), "one step metric per step, numbered on");
                assertEquals(List.of(5L, 10L, 15L), curve.evaluations().stream().map(Curve.Evaluation::step).toList(),
                        "an evaluation at the end of each interval");
                Map<Long, Double> byStep = new HashMap<>();
                curve.evaluations().forEach(e -> byStep.put(e.step(), e.valLoss()));
                losses.put(ran.trialId(), byStep);
            }

            // two members train at a time: a member is not priced for the intervals it waits through
            assertTrue(executorSeconds <= 2 * outcome.wallTimeMs() / 1000.0,
                    executorSeconds + " executor-seconds in a search of " + outcome.wallTimeMs() + " ms");

            List<LineageLink> lineage = store.lineage(searchId);
            assertEquals(List.of(INTERVAL, 2 * INTERVAL), lineage.stream().map(LineageLink::step).toList(),
                    "one exploit (the bottom 1 of 4) at each exploit point\n" + printed);
            for (LineageLink link : lineage) {
                Comparator<String> byLoss = Comparator.comparingDouble(id -> losses.get(id).get(link.step()));
                String best = losses.keySet().stream().min(byLoss).orElseThrow();
                String worst = losses.keySet().stream().max(byLoss).orElseThrow();
                assertEquals(worst, link.trialId(), "the member was the worst at step " + link.step());
                assertEquals(best, link.donor(), "the donor was the best at step " + link.step());
                double lr = ((Number) link.config().get("learning_rate")).doubleValue();
                assertTrue(lr >= 1.0e-5 && lr <= 1.0e-1, link.toString());
                assertTrue(printed.contains("trial " + link.trialId() + " takes over " + link.donor()
                        + "'s state at step " + link.step()), printed);
            }

            JsonNode exploits = get(stack.aggregator().url() + "/api/searches/" + searchId + "/lineage")
                    .get("exploits");
            assertEquals(lineage.size(), exploits.size(), exploits.toString());
            for (int i = 0; i < lineage.size(); i++) {
                assertEquals(lineage.get(i).trialId(), exploits.get(i).get("trialId").asText());
                assertEquals(lineage.get(i).donor(), exploits.get(i).get("donor").asText());
                assertEquals(lineage.get(i).step(), exploits.get(i).get("step").asLong());
            }
            ByteArrayOutputStream cli = new ByteArrayOutputStream();
            assertEquals(ResultsCli.OK, new ResultsCli(stack.config(), new PrintStream(cli, true,
                    StandardCharsets.UTF_8), System.err).run("lineage", List.of(searchId)));
            String table = cli.toString(StandardCharsets.UTF_8);
            System.out.print("./hpo lineage " + searchId + ":\n" + table);
            HeadlessChromium browser = HeadlessChromium.find(dir.resolve("chromium-profile")).orElse(null);
            RequiredTool.require(browser != null, "chromium", "chromium");
            String dom = browser.dumpDom(stack.aggregator().url() + "/?live=0#/search/" + searchId);
            assertTrue(dom.contains("data-rendered=\"search\""), dom);
            String panel = dom.substring(dom.indexOf("id=\"lineage\""));
            for (LineageLink link : lineage) {
                assertTrue(panel.contains("<td>" + link.step() + "</td><td><a href=\"#/search/" + searchId + "/trial/"
                        + link.trialId() + "\">" + link.trialId() + "</a></td><td><a href=\"#/search/" + searchId
                        + "/trial/" + link.donor() + "\">" + link.donor() + "</a></td>"), panel);
            }
            for (LineageLink link : lineage) {
                assertTrue(table.lines().anyMatch(l -> l.matches("\\s*" + link.step() + "\\s+" + link.trialId()
                        + "\\s+" + link.donor() + "\\s.*")), table);
            }
        }
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body());
    }
}
