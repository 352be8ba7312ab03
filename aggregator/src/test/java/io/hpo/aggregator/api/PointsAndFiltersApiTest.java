package io.hpo.aggregator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.aggregator.ingest.IngestStats;
import io.hpo.aggregator.metrics.AggregatorMetrics;
import io.hpo.aggregator.store.Database;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.support.Events;
import io.hpo.aggregator.support.TestServices;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.StepMetric;
import io.hpo.space.Hyperparameters;
import io.hpo.space.Optimizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import static io.hpo.space.Hyperparameter.BATCH_SIZE;
import static io.hpo.space.Hyperparameter.LEARNING_RATE;
import static io.hpo.space.Hyperparameter.OPTIMIZER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard's parallel-coordinates data on a real PostgreSQL, stored through the real store: the points
 * endpoint's columns agree trial by trial with the leaderboard, and the leaderboard's where filters keep exactly
 * the trials inside every range or list (each with its overall rank, the total counting only them), or answer 400
 * saying what is wrong.
 */
class PointsAndFiltersApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final String SEARCH = "points";
    // more distinct learning rates than SearchPoints sends as levels, so both column forms are exercised
    private static final int TRIALS = 300;
    private static Database db;
    private static HttpApi api;
    /** Every trial as the leaderboard gives it, exact values, in ranking order. */
    private static JsonNode ranked;

    @BeforeAll
    static void start() throws Exception {
        db = TestServices.migratedDatabase();
        ResultsStore store = new ResultsStore(db);
        List<LifecycleEvent> events = new ArrayList<>(List.of(Events.started(SEARCH)));
        List<StepMetric> steps = new ArrayList<>();
        for (int i = 0; i < TRIALS; i++) {
            String trial = String.format(Locale.ROOT, "t%03d", i);
            double learningRate = 1e-4 * Math.pow(1000, ((i * 37) % TRIALS) / (double) TRIALS);
            events.add(LifecycleEvent.trialCreated(SEARCH, trial, Hyperparameters.builder()
                    .set(LEARNING_RATE, learningRate).set(BATCH_SIZE, i % 2 == 0 ? 16 : 32)
                    .set(OPTIMIZER, Optimizer.values()[i % 3]).build().toMap()));
            steps.add(Events.step(SEARCH, trial, 10, 0, 3.0));
            if (i % 7 != 0) {
                events.add(Events.evaluated(SEARCH, trial, 10, 2 + ((i * 13) % TRIALS) / 100.0 + 1e-9 * i, 10_240));
            }
        }
        store.applyBatch(steps, events);
        api = HttpApi.start("127.0.0.1", 0, store, () -> IngestStats.NONE, new AggregatorMetrics(), new LiveUpdates(),
                ControlRequests.readOnly());
        ranked = json(get("/api/searches/" + SEARCH + "/trials?limit=1000"));
        assertEquals(TRIALS, ranked.size());
    }

    @AfterAll
    static void stop() {
        api.close();
        db.close();
    }

    @Test
    void pointsAreEveryTrialAsColumnsInRankingOrder() throws Exception {
        HttpResponse<String> r = get("/api/searches/" + SEARCH + "/points");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode points = json(r);
        JsonNode ids = points.get("trialIds");
        assertEquals(TRIALS, ids.size());
        JsonNode status = points.get("status");
        JsonNode columns = points.get("hyperparameters");
        assertEquals(List.of("learning_rate", "batch_size", "optimizer"), names(columns), "only the varying ones");
        JsonNode lr = columns.get(0);
        assertEquals("log", lr.get("scale").asText(), "log_uniform in the spec");
        assertTrue(lr.has("values") && !lr.has("codes"), "300 distinct rates are sent as values: " + lr);
        JsonNode batch = columns.get(1);
        assertEquals("linear", batch.get("scale").asText());
        assertEquals(2, batch.get("levels").size());
        JsonNode optimizer = columns.get(2);
        assertEquals("categorical", optimizer.get("scale").asText());
        assertEquals(3, optimizer.get("levels").size());
        for (int i = 0; i < TRIALS; i++) {
            JsonNode t = ranked.get(i);
            assertEquals(t.get("trialId").asText(), ids.get(i).asText());
            assertEquals(t.get("status").asText(), level(status, i).asText());
            JsonNode loss = points.get("bestValLoss").get(i);
            if (t.get("bestValLoss").isNull()) {
                assertTrue(loss.isNull(), "no evaluation: " + t);
            } else {
                assertEquals(t.get("bestValLoss").asDouble(), loss.asDouble(), 1e-5 * loss.asDouble());
            }
            double exactRate = t.get("config").get("learning_rate").asDouble();
            assertEquals(exactRate, lr.get("values").get(i).asDouble(), 1e-5 * exactRate, "6 significant digits");
            assertEquals(t.get("config").get("batch_size").asInt(), level(batch, i).asInt());
            assertEquals(t.get("config").get("optimizer").asText(), level(optimizer, i).asText());
        }
        assertEquals(404, get("/api/searches/nope/points").statusCode());
    }

    @Test
    void whereKeepsExactlyTheTrialsInsideEveryConditionWithTheirRanks() throws Exception {
        double lo = ranked.get(40).get("config").get("learning_rate").asDouble();
        double hi = ranked.get(90).get("config").get("learning_rate").asDouble();
        double min = Math.min(lo, hi), max = Math.max(lo, hi);
        Predicate<JsonNode> inRates = t -> between(t.get("config").get("learning_rate").asDouble(), min, max);
        expectFiltered("learning_rate:" + min + ".." + max, inRates);
        Predicate<JsonNode> inLoss = t -> !t.get("bestValLoss").isNull()
                && between(t.get("bestValLoss").asDouble(), 2.5, 3.5);
        expectFiltered("bestValLoss:2.5..3.5", inLoss);
        Predicate<JsonNode> sgdOrAdam = t -> List.of("sgd", "adam").contains(t.get("config").get("optimizer").asText());
        expectFiltered("optimizer:sgd,adam", sgdOrAdam);
        Predicate<JsonNode> all = inRates.and(inLoss).and(sgdOrAdam)
                .and(t -> t.get("config").get("batch_size").asInt() == 32);
        expectFiltered("learning_rate:" + min + ".." + max + "&where=bestValLoss:2.5..3.5&where=optimizer:sgd,adam"
                + "&where=batch_size:32..32", all);

        // a page of the filtered list, sorted by a hyperparameter, is that page of the filtered trials
        HttpResponse<String> page = get("/api/searches/" + SEARCH + "/trials?where=" + enc("bestValLoss:2.5..3.5")
                + "&sort=learning_rate&dir=desc&limit=5&offset=5");
        List<JsonNode> byRate = new ArrayList<>();
        ranked.forEach(t -> { if (inLoss.test(t)) byRate.add(t); });
        byRate.sort((a, b) -> Double.compare(b.get("config").get("learning_rate").asDouble(),
                a.get("config").get("learning_rate").asDouble()));
        assertEquals(byRate.subList(5, 10).stream().map(t -> t.get("trialId").asText()).toList(),
                ids(json(page)));
        assertEquals(String.valueOf(byRate.size()), page.headers().firstValue("X-Total-Count").orElse(null));
    }

    @Test
    void badFiltersAreRefusedSayingWhy() throws Exception {
        for (String[] bad : new String[][]{{"learning_rate", "expected KEY:MIN..MAX"},
                {"learning_rate:", "expected KEY:MIN..MAX"}, {"nope:1..2", "unknown key 'nope'"},
                {"learning_rate:0.1..0.01", "minimum is above its maximum"},
                {"learning_rate:a..0.1", "'a' is not a finite number"}, {"learning_rate:0..NaN", "not a finite"},
                {"bestValLoss:adam", "takes a range"}, {"optimizer:sgd,,adam", "an empty value"}}) {
            HttpResponse<String> r = get("/api/searches/" + SEARCH + "/trials?where=" + enc(bad[0]));
            assertEquals(400, r.statusCode(), bad[0] + ": " + r.body());
            String error = json(r).get("error").asText();
            assertTrue(error.contains("bad where '" + bad[0] + "'") && error.contains(bad[1]), error);
        }
        HttpResponse<String> many = get("/api/searches/" + SEARCH + "/trials?"
                + "where=bestValLoss:0..9&".repeat(40));
        assertEquals(400, many.statusCode(), many.body());
        assertEquals(404, get("/api/searches/nope/trials?where=bestValLoss:0..9").statusCode());
    }

    /** The filtered leaderboard (where = the raw rest of the query) is the ranked trials {@code keep} keeps. */
    private static void expectFiltered(String where, Predicate<JsonNode> keep) throws Exception {
        List<JsonNode> expected = new ArrayList<>();
        ranked.forEach(t -> { if (keep.test(t)) expected.add(t); });
        assertTrue(!expected.isEmpty() && expected.size() < TRIALS, where + " keeps " + expected.size());
        HttpResponse<String> r = get("/api/searches/" + SEARCH + "/trials?limit=1000&where=" + where);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode got = json(r);
        assertEquals(expected.stream().map(t -> t.get("trialId").asText()).toList(), ids(got), where);
        for (int i = 0; i < got.size(); i++) {
            assertEquals(expected.get(i).get("rank").asInt(), got.get(i).get("rank").asInt(), "overall rank");
        }
        assertEquals(String.valueOf(expected.size()), r.headers().firstValue("X-Total-Count").orElse(null));
    }

    private static boolean between(double v, double min, double max) {
        return v >= min && v <= max;
    }

    private static JsonNode level(JsonNode column, int i) {
        return column.get("levels").get(column.get("codes").get(i).asInt());
    }

    private static List<String> names(JsonNode columns) {
        List<String> out = new ArrayList<>();
        columns.forEach(c -> out.add(c.get("name").asText()));
        return out;
    }

    private static List<String> ids(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(t -> out.add(t.get("trialId").asText()));
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(api.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }
}
