package io.hpo.driver;

import io.hpo.aggregator.store.StoredTrial;
import io.hpo.driver.history.RecordedSearch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.aggregator.results.BestTrial;
import io.hpo.aggregator.results.Results;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.deploy.Promtool;
import io.hpo.deploy.RequiredTool;
import io.hpo.events.BusConfig;
import io.hpo.events.TrialStatus;
import io.hpo.space.Hyperparameters;
import io.hpo.space.sampler.Samplers;
import io.hpo.space.sampler.SearchHistory;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real search end to end: Spark local[2] runs 3 trials (2 at a time, 2 averaging workers each) of the real
 * transformer; executors and driver publish to a real Kafka broker; the real aggregator writes a real
 * PostgreSQL. The tests then check the store against what the driver saw, both processes' Prometheus metrics
 * (with promtool, and against the Grafana dashboard's queries), and the web dashboard in headless Chromium
 * (screenshots in target/screenshots).
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

    private static final String SEARCH_ID = "e2e-search";
    private static final Path BUILD = Path.of("target");

    private static Path dir;
    private static ResultsStack stack;
    private static DriverMetrics driverMetrics;
    private static SearchSpec spec;
    private static SearchOutcome outcome;
    private static String console;

    /** One real search serves every test below: it is the expensive part. */
    @BeforeAll
    static void runSearch() throws Exception {
        dir = Files.createTempDirectory(BUILD.toAbsolutePath(), "e2e-");
        spec = SpecLoader.parse(SPEC, "e2e.yaml");
        stack = ResultsStack.start(dir);
        driverMetrics = new DriverMetrics();
        driverMetrics.serve("127.0.0.1", 0);
        BusConfig bus = stack.bus();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]")
                .setAppName("e2e").set("spark.ui.enabled", "false"))) {
            outcome = new SearchRunner(sc, bus, new PrintStream(out, true, StandardCharsets.UTF_8), driverMetrics, 0)
                    .run(spec, SEARCH_ID, RecordedSearch.none(SEARCH_ID));
        }
        console = out.toString(StandardCharsets.UTF_8);
        long expectedSteps = outcome.trials().stream()
                .mapToLong(t -> t.result().steps() * spec.training().workers()).sum();
        stack.awaitStored(SEARCH_ID, expectedSteps);
    }

    @AfterAll
    static void stopServices() {
        for (AutoCloseable c : new AutoCloseable[] {driverMetrics, stack}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("closing " + c + ": " + e);
            }
        }
        deleteTree(dir);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + root + ": " + e);
        }
    }

    @Test
    void searchRunsEndToEndAndTheStoreHoldsEveryResultExactlyOnce() throws Exception {
        String searchId = SEARCH_ID;
        assertEquals(SearchStatus.COMPLETED, outcome.status());
        assertEquals(3, outcome.trials().size());

        ResultsStore store = stack.aggregator().store();
        long expectedSteps = outcome.trials().stream()
                .mapToLong(t -> t.result().steps() * spec.training().workers()).sum();

        // every trial reached a terminal state, in the store as on the driver
        List<StoredTrial> ranked = store.rankedTrials(searchId);
        assertEquals(3, ranked.size());
        for (StoredTrial t : ranked) {
            assertTrue(Set.of("COMPLETED", "DIVERGED", "FAILED").contains(t.status()), t.trialId() + " " + t.status());
        }
        // every trial's step metrics exactly once: (step, worker) is the key, so the count says it all
        for (TrialSummary t : outcome.trials()) {
            long stored = store.curve(searchId, t.trialId()).orElseThrow().steps().size();
            assertEquals(t.result().steps() * spec.training().workers(), stored, t.trialId());
        }
        assertEquals(expectedSteps, store.countSteps(searchId));

        // the ranking is the sort by best validation loss, and the losses are the ones the driver computed
        List<StoredTrial> byLoss = ranked.stream().filter(t -> t.bestValLoss() != null)
                .sorted(Comparator.comparingDouble(StoredTrial::bestValLoss)).toList();
        assertEquals(byLoss, ranked.subList(0, byLoss.size()));
        for (TrialSummary t : outcome.trials()) {
            StoredTrial stored = ranked.stream().filter(r -> r.trialId().equals(t.trialId())).findFirst().orElseThrow();
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
        JsonNode trials = getJson(stack.aggregator().url() + "/api/searches/" + searchId + "/trials");
        assertEquals(ranked.get(0).trialId(), trials.get(0).get("trialId").asText());

        assertTrue(console.contains("3/3 trials done"), console);
        assertTrue(console.contains("best val loss"), console);
    }

    @Test
    void driverAndAggregatorMetricsPassPromtoolAndFeedTheGrafanaDashboard() throws Exception {
        String driver = get("http://127.0.0.1:" + driverMetrics.port() + "/metrics");
        String agg = get(stack.aggregator().url() + "/metrics");
        Path scrapes = Files.createDirectories(BUILD.resolve("metrics"));
        Files.writeString(scrapes.resolve("driver.prom"), driver);
        Files.writeString(scrapes.resolve("aggregator.prom"), agg);

        long ended = outcome.trials().size();
        assertEquals(0.0, value(driver, "hpo_driver_trials_running"));
        double endedTotal = 0;
        for (TrialStatus o : TrialStatus.terminal()) {
            endedTotal += value(driver, "hpo_driver_trials_ended_total{outcome=\"" + o + "\"}");
        }
        assertEquals(ended, endedTotal);
        assertEquals(ended, value(driver, "hpo_driver_trial_duration_seconds_count{outcome=\"COMPLETED\"}")
                + value(driver, "hpo_driver_trial_duration_seconds_count{outcome=\"DIVERGED\"}")
                + value(driver, "hpo_driver_trial_duration_seconds_count{outcome=\"FAILED\"}"));
        assertTrue(value(driver, "hpo_driver_suggestion_latency_seconds_count") >= ended, driver);
        long tokens = outcome.trials().stream().mapToLong(t -> t.result().tokensSeen()).sum();
        assertEquals(tokens, value(driver, "hpo_trial_tokens_total"));
        assertTrue(value(driver, "hpo_trial_throughput_tokens_per_second_count") > 0, driver);

        long steps = stack.aggregator().store().countSteps(SEARCH_ID);
        assertEquals(steps, value(agg, "hpo_aggregator_records_ingested_total{topic=\"steps\"}"));
        assertEquals(3.0, value(agg, "hpo_trials{search_id=\"" + SEARCH_ID + "\",state=\"COMPLETED\"}")
                + value(agg, "hpo_trials{search_id=\"" + SEARCH_ID + "\",state=\"DIVERGED\"}")
                + value(agg, "hpo_trials{search_id=\"" + SEARCH_ID + "\",state=\"FAILED\"}"));
        assertEquals(stack.aggregator().store().search(SEARCH_ID).orElseThrow().bestValLoss(),
                value(agg, "hpo_search_best_val_loss{search_id=\"" + SEARCH_ID + "\"}"), 1e-9);

        // every series the Grafana dashboard queries exists in these real scrapes
        Set<String> exported = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(driver + agg);
        while (m.find()) {
            exported.add(m.group(1));
        }
        Path dashboard = Path.of("..", "deploy", "grafana", "dashboards", "hpo.json");
        Set<String> queried = GrafanaDashboard.metricNames(dashboard);
        assertTrue(queried.size() >= 10, "the dashboard queries " + queried);
        for (String name : queried) {
            String family = name.replaceAll("_(bucket|count|sum|total|created)$", "");
            assertTrue(exported.contains(name) || exported.contains(family),
                    dashboard + " queries " + name + ", which neither process exports: " + exported);
        }

        Optional<Promtool> promtool = Promtool.find();
        RequiredTool.require(promtool.isPresent(), "promtool", "prometheus");
        for (String scrape : List.of(driver, agg)) {
            Promtool.Result check = promtool.get().checkMetrics(scrape);
            assertTrue(check.ok(), check.output());
        }
    }

    @Test
    void theDashboardShowsTheLeaderboardAndDrawsEveryCurveInChromium() throws Exception {
        Optional<HeadlessChromium> browser = HeadlessChromium.find(dir.resolve("chromium-profile"));
        RequiredTool.require(browser.isPresent(), "chromium", "chromium");
        // a still snapshot: with the live stream open, headless chromium's virtual clock never runs out
        String page = stack.aggregator().url() + "/?live=0#/search/" + SEARCH_ID;
        String dom = browser.get().dumpDom(page);
        Path shots = Files.createDirectories(BUILD.resolve("screenshots"));
        Files.writeString(shots.resolve("search.html"), dom);

        // the leaderboard rows are the API's trials, in the API's order, with the API's losses
        JsonNode trials = getJson(stack.aggregator().url() + "/api/searches/" + SEARCH_ID + "/trials");
        Matcher rows = Pattern.compile("<tr data-trial=\"([^\"]+)\".*?data-col=\"bestValLoss\">([^<]*)<").matcher(dom);
        List<String> shownIds = new ArrayList<>();
        List<String> shownLosses = new ArrayList<>();
        while (rows.find()) {
            shownIds.add(rows.group(1));
            shownLosses.add(rows.group(2));
        }
        List<String> apiIds = new ArrayList<>();
        List<String> apiLosses = new ArrayList<>();
        for (JsonNode t : trials) {
            apiIds.add(t.get("trialId").asText());
            apiLosses.add(t.get("bestValLoss").isNull() ? "–" : String.format(Locale.ROOT, "%.4f",
                    t.get("bestValLoss").asDouble()));
        }
        assertEquals(apiIds, shownIds, dom);
        assertEquals(apiLosses, shownLosses);

        // one training and one validation curve per trial, with every step and every evaluation drawn
        for (JsonNode t : trials) {
            String id = t.get("trialId").asText();
            JsonNode curve = getJson(stack.aggregator().url() + "/api/searches/" + SEARCH_ID + "/trials/" + id + "/curve");
            long distinctSteps = StreamSupport.stream(curve.get("steps").spliterator(), false)
                    .filter(s -> !s.get("loss").isNull()).map(s -> s.get("step").asLong()).distinct().count();
            long evaluations = StreamSupport.stream(curve.get("evaluations").spliterator(), false)
                    .filter(e -> !e.get("valLoss").isNull()).count();
            assertEquals(distinctSteps, drawnPoints(dom, "train", id), id);
            assertEquals(evaluations, drawnPoints(dom, "val", id), id);
            assertTrue(distinctSteps > 0, id);
        }

        Path png = shots.resolve("search.png");
        browser.get().screenshot(page, png, 1400, 1100);
        browser.get().screenshot(stack.aggregator().url() + "/?live=0#/search/" + SEARCH_ID + "/trial/" + apiIds.get(0),
                shots.resolve("trial.png"), 1400, 900);
        System.out.println("dashboard screenshots: " + shots.toAbsolutePath());
    }

    private static long drawnPoints(String dom, String kind, String trialId) {
        Matcher m = Pattern.compile("<path class=\"curve " + kind + "\"[^>]*data-trial=\"" + Pattern.quote(trialId)
                + "\" data-points=\"(\\d+)\"").matcher(dom);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static double value(String exposition, String series) {
        return exposition.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .orElseThrow(() -> new AssertionError("no series " + series + " in\n" + exposition));
    }

    private static JsonNode getJson(String url) throws Exception {
        return new ObjectMapper().readTree(get(url));
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }
}
