package io.hpo.aggregator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.aggregator.ingest.IngestStats;
import io.hpo.aggregator.metrics.AggregatorMetrics;
import io.hpo.aggregator.store.Database;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.support.AccountedSearch;
import io.hpo.aggregator.support.ScalingSearch;
import io.hpo.space.ModelSize;
import io.hpo.aggregator.support.Events;
import io.hpo.aggregator.support.SampleSearch;
import io.hpo.aggregator.support.TestServices;
import io.hpo.events.LifecycleEvent;
import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.ParamSpec;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static Database db;
    private static HttpApi api;

    @BeforeAll
    static void start() throws Exception {
        db = TestServices.migratedDatabase();
        ResultsStore store = new ResultsStore(db);
        SampleSearch.store(store, "s1");
        AccountedSearch.store(store, "acct");
        AccountedSearch.storeMultiObjective(store, "moo");
        ScalingSearch.store(store, "sizes");
        store.applyBatch(List.of(Events.step("s 2", "t1", 1, 0, 4.0)), List.of(Events.started("s 2"),
                LifecycleEvent.trialCreated("s 2", "t1", Events.config(1e-3, 16))));
        api = HttpApi.start("127.0.0.1", 0, store, () -> IngestStats.NONE, new AggregatorMetrics(), new LiveUpdates(),
                ControlRequests.readOnly());
    }

    @AfterAll
    static void stop() {
        api.close();
        db.close();
    }

    private record Response(int status, JsonNode body) {
    }

    private static Response get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(api.url() + path)).timeout(Duration.ofSeconds(20)).GET().build());
    }

    private static Response send(HttpRequest request) throws Exception {
        HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals("application/json; charset=utf-8", r.headers().firstValue("Content-Type").orElse(null));
        return new Response(r.statusCode(), JSON.readTree(r.body()));
    }

    @Test
    void health() throws Exception {
        Response r = get("/health");
        assertEquals(200, r.status());
        assertEquals("UP", r.body().get("status").asText());
        assertEquals("UP", r.body().get("database").asText());
        assertEquals(0, r.body().get("ingest").get("corruptRecords").asInt());
    }

    @Test
    void listsSearchesWithCountsAndBestLoss() throws Exception {
        Response r = get("/api/searches");
        assertEquals(200, r.status());
        assertEquals(5, r.body().size());
        JsonNode s1 = find(r.body(), "s1");
        assertEquals("FINISHED", s1.get("status").asText());
        assertEquals("COMPLETED", s1.get("outcome").asText());
        assertEquals(3, s1.get("trials").asInt());
        assertEquals(2, s1.get("trialCounts").get("COMPLETED").asInt());
        assertEquals(1, s1.get("trialCounts").get("DIVERGED").asInt());
        assertEquals(2.9, s1.get("bestValLoss").asDouble());
        assertEquals("t2", s1.get("bestTrialId").asText());
        assertEquals("2025-11-24T16:00:00Z", s1.get("startedAt").asText());
        assertFalse(s1.has("specYaml"), "the list leaves specs out");
        JsonNode s2 = find(r.body(), "s 2");
        assertEquals("RUNNING", s2.get("status").asText());
        assertTrue(s2.get("bestValLoss").isNull());
    }

    @Test
    void oneSearchIncludesItsSpec() throws Exception {
        Response r = get("/api/searches/s1");
        assertEquals(200, r.status());
        assertEquals(Events.SPEC_YAML, r.body().get("specYaml").asText());
        assertEquals(200, get("/api/searches/s%202").status(), "ids are percent-decoded");
    }

    @Test
    void trialsComeRanked() throws Exception {
        Response r = get("/api/searches/s1/trials");
        assertEquals(200, r.status());
        assertEquals(3, r.body().size());
        JsonNode first = r.body().get(0);
        assertEquals(1, first.get("rank").asInt());
        assertEquals("t2", first.get("trialId").asText());
        assertEquals("COMPLETED", first.get("status").asText());
        assertEquals(2.9, first.get("bestValLoss").asDouble());
        assertEquals(10, first.get("bestStep").asLong());
        assertEquals(10240, first.get("tokensAtBest").asLong());
        assertEquals(10, first.get("finalStep").asLong());
        assertEquals(10240, first.get("tokensSeen").asLong());
        assertEquals(32, first.get("config").get("batch_size").asInt());
        assertEquals(0.003, first.get("config").get("learning_rate").asDouble());
        JsonNode last = r.body().get(2);
        assertEquals("t3", last.get("trialId").asText());
        assertEquals("DIVERGED", last.get("status").asText());
        assertEquals("loss is NaN", last.get("reason").asText());
        assertTrue(last.get("bestValLoss").isNull());
    }

    @Test
    void trialsCarryTheirAccountingAndOverfittingFlag() throws Exception {
        JsonNode trials = get("/api/searches/acct/trials").body();
        JsonNode best = trial(trials, "best");
        assertEquals(50_000, best.get("parameters").asLong());
        assertEquals(120_000, best.get("trainingTokens").asLong());
        JsonNode spend = best.get("spend");
        assertEquals(360, spend.get("executorSeconds").asDouble());
        assertEquals(10_240, spend.get("tokens").asLong());
        assertEquals(6.0 * 50_000 * 10_240, spend.get("flops").asDouble());
        assertEquals(100 * 360 / 3.6e6, spend.get("energyKwh").asDouble(), 1e-15);
        assertTrue(spend.has("co2Kg") && spend.has("cost"), spend.toString());
        assertTrue(best.get("overfitting").asText().startsWith("validation loss 1.800 exceeds"), best.toString());
        assertTrue(trial(trials, "mid").get("overfitting").isNull());
        assertTrue(trial(trials, "old").get("spend").isNull(), "no accounting in its event");
    }

    @Test
    void scalingFitsTheLawAndRecommendsSizesForABudget() throws Exception {
        Response r = get("/api/searches/sizes/scaling?budget=1e21");
        assertEquals(200, r.status(), r.body().toString());
        assertEquals(30, r.body().get("used").asInt());
        assertEquals(0.3, r.body().get("law").get("alpha").asDouble(), 0.05);
        assertEquals(0.25, r.body().get("law").get("beta").asDouble(), 0.05);
        assertTrue(r.body().get("intervals").get("e").get("low").asDouble()
                <= r.body().get("law").get("e").asDouble());
        assertEquals(1e21, r.body().get("allocation").get("flops").asDouble());
        assertEquals(30, r.body().get("points").size());
        for (JsonNode p : r.body().get("points")) {
            if (p.get("trialId").asText().equals("t0")) {
                assertEquals(p.get("loss").asDouble() + 0.01 * (11 + ScalingSearch.T0_STEPS) / 2,
                        p.get("trainLoss").asDouble(), 1e-9, "the mean of the last 20 of its 30 steps");
            } else {
                assertTrue(p.get("trainLoss").isNull(), "no steps stored: " + p);
            }
        }
        assertTrue(r.body().get("heldOut").get("crossValidated").asDouble() < 0.02);
        assertTrue(get("/api/searches/sizes/scaling").body().get("allocation").isNull());

        assertEquals(400, get("/api/searches/sizes/scaling?budget=-5").status());
        assertEquals(400, get("/api/searches/sizes/scaling?budget=lots").status());
        Response alike = get("/api/searches/acct/scaling");
        assertEquals(409, alike.status());
        assertTrue(alike.body().get("error").asText().contains("all of one model size and one data size"),
                alike.body().toString());
        assertEquals(404, get("/api/searches/nope/scaling").status());

        Response run = get("/api/searches/sizes/scaling/run?budget=1e15");
        assertEquals(200, run.status(), run.body().toString());
        assertTrue(run.body().get("specYaml").asText().startsWith("# tiny: the run a scaling fit recommends"),
                run.body().get("specYaml").asText());
        assertEquals(400, get("/api/searches/sizes/scaling/run").status(), "the budget is required");
        assertEquals(409, get("/api/searches/acct/scaling/run?budget=1e15").status());
    }

    /**
     * A budget in kWh buys FLOPs at the rate of the largest model's trials (width 1024: each spent 60 s at 100 W,
     * 1/600 kWh, for 6·N·10,240 FLOPs), and is then split as that many FLOPs are; tokens and unknown units are 400.
     */
    @Test
    void aBudgetInEnergyIsSplitAsTheFlopsItBuysAtTheLargestTrialsRate() throws Exception {
        long largest = ModelSize.parameters(ScalingSearch.config(1024, 1.0, 1e-3), ScalingSearch.VOCABULARY);
        double rate = 6.0 * largest * 10_240 * 600;
        Response energy = get("/api/searches/sizes/scaling?budget=2&unit=energy_kwh");
        assertEquals(200, energy.status(), energy.body().toString());
        JsonNode budget = energy.body().get("allocation").get("budget");
        assertEquals("ENERGY_KWH", budget.get("measure").asText());
        assertEquals(2.0, budget.get("amount").asDouble());
        assertEquals(rate, budget.get("flopsPerUnit").asDouble(), rate * 1e-9);
        assertEquals(5, budget.get("rateTrials").asInt(), "the five data shares of width 1024");
        assertEquals(largest, budget.get("rateParameters").asLong());
        double flops = energy.body().get("allocation").get("flops").asDouble();
        assertEquals(2 * rate, flops, rate * 1e-9);
        JsonNode same = get("/api/searches/sizes/scaling?budget=" + flops).body().get("allocation");
        assertEquals(same.get("parameters").asDouble(), energy.body().get("allocation").get("parameters").asDouble(),
                same.get("parameters").asDouble() * 1e-9);

        Response run = get("/api/searches/sizes/scaling/run?budget=2&unit=energy_kwh");
        assertEquals(200, run.status(), run.body().toString());
        Response tokens = get("/api/searches/sizes/scaling?budget=2&unit=tokens");
        assertEquals(400, tokens.status());
        assertTrue(tokens.body().get("error").asText().contains("not a budget"), tokens.body().toString());
        Response unknown = get("/api/searches/sizes/scaling?budget=2&unit=joules");
        assertEquals(400, unknown.status());
        assertTrue(unknown.body().get("error").asText().contains("one of executor_hours, flops, energy_kwh, co2_kg, cost"),
                unknown.body().toString());
    }

    /**
     * The front of loss and executor-hours: cheap 2.5 / 0.01 h, mid 2.0 / 0.04, best and twin 1.8 / 0.1; the
     * reference is 1.1 times the worst, (2.75, 0.11), so the hypervolume is 0.95 * 0.01 + 0.75 * 0.06 + 0.25 * 0.03.
     */
    @Test
    void frontReturnsTheSpecsObjectivesFrontAndHypervolume() throws Exception {
        Response moo = get("/api/searches/moo/front");
        assertEquals(200, moo.status(), moo.body().toString());
        assertEquals("[\"val_loss\",\"executor_hours\"]", moo.body().get("objectives").toString());
        List<String> front = new java.util.ArrayList<>();
        moo.body().get("front").forEach(t -> front.add(t.get("trialId").asText()));
        assertEquals(AccountedSearch.FRONT, front);
        assertEquals(2.5, moo.body().get("front").get(0).get("values").get(0).asDouble(), 1e-12);
        assertEquals(0.01, moo.body().get("front").get(0).get("values").get(1).asDouble(), 1e-12);
        assertEquals(5, moo.body().get("total").asInt());
        assertEquals(2.75, moo.body().get("reference").get(0).asDouble(), 1e-12);
        assertEquals(0.11, moo.body().get("reference").get(1).asDouble(), 1e-12);
        assertEquals(0.95 * 0.01 + 0.75 * 0.06 + 0.25 * 0.03, moo.body().get("hypervolume").asDouble(), 1e-12);
        assertEquals("executor_hours", get("/api/searches/moo/pareto").body().get("cost").asText(),
                "a multi-objective search's loss against cost defaults to its first spend objective");

        Response single = get("/api/searches/acct/front");
        assertEquals(409, single.status());
        assertTrue(single.body().get("error").asText().contains("minimises the loss alone"), single.body().toString());
        assertEquals(404, get("/api/searches/nope/front").status());
    }

    @Test
    void paretoReturnsTheFrontForTheChosenCost() throws Exception {
        Response energy = get("/api/searches/acct/pareto");
        assertEquals(200, energy.status());
        assertEquals("energy_kwh", energy.body().get("cost").asText());
        assertEquals("kWh", energy.body().get("unit").asText());
        List<String> front = new java.util.ArrayList<>();
        energy.body().get("front").forEach(t -> front.add(t.get("trialId").asText()));
        assertEquals(AccountedSearch.FRONT, front);
        assertEquals(5, energy.body().get("trials").size());
        assertFalse(trial(energy.body().get("trials"), "dear").get("onFront").asBoolean());

        Response hours = get("/api/searches/acct/pareto?cost=executor_hours");
        assertEquals("executor_hours", hours.body().get("cost").asText());
        assertEquals(0.01, hours.body().get("front").get(0).get("cost").asDouble(), 1e-12);

        Response bad = get("/api/searches/acct/pareto?cost=watts");
        assertEquals(400, bad.status());
        assertTrue(bad.body().get("error").asText().contains("unknown cost measure 'watts'"), bad.body().toString());
        assertEquals(404, get("/api/searches/nope/pareto").status());
    }

    @Test
    void curveWritesNonFiniteLossesAsNull() throws Exception {
        Response r = get("/api/searches/s1/trials/t3/curve");
        assertEquals(200, r.status());
        JsonNode steps = r.body().get("steps");
        assertEquals(3, steps.size());
        assertEquals(6.0, steps.get(0).get("loss").asDouble());
        assertTrue(steps.get(1).get("loss").isNull());
        assertTrue(steps.get(2).get("loss").isNull());
        assertEquals(0.001, steps.get(0).get("learningRate").asDouble());
        assertEquals(1024, steps.get(0).get("tokensSeen").asLong());
        assertEquals(0, steps.get(0).get("worker").asInt());
        assertTrue(r.body().get("evaluations").get(0).get("valLoss").isNull());
        JsonNode t1 = get("/api/searches/s1/trials/t1/curve").body();
        assertEquals(10, t1.get("steps").size());
        assertEquals(3.1, t1.get("evaluations").get(0).get("valLoss").asDouble());
        assertEquals(10, t1.get("evaluations").get(0).get("step").asLong());
    }

    @Test
    void bestCarriesASpecThatRerunsTheWinner() throws Exception {
        Response r = get("/api/searches/s1/best");
        assertEquals(200, r.status());
        assertEquals("t2", r.body().get("trialId").asText());
        assertEquals(2.9, r.body().get("bestValLoss").asDouble());
        SearchSpec spec = SpecLoader.parse(r.body().get("spec").asText(), "best");
        assertEquals("tiny-best", spec.name());
        assertEquals(1, spec.budget().maxTrials());
        assertEquals(7, spec.seed());
        Map<String, Object> fixed = new LinkedHashMap<>();
        spec.space().forEach((k, v) -> fixed.put(k, ((ParamSpec.Fixed) v).value()));
        assertEquals(Hyperparameters.fromMap(Events.config(3e-3, 32)), Hyperparameters.fromMap(fixed));
    }

    @Test
    void errorsAreJson() throws Exception {
        Response unknown = get("/api/searches/nope");
        assertEquals(404, unknown.status());
        assertEquals("unknown search 'nope'", unknown.body().get("error").asText());
        assertEquals(404, get("/api/searches/nope/trials").status());
        assertEquals(404, get("/api/searches/nope/best").status());
        assertEquals(404, get("/api/searches/s1/trials/nope/curve").status());
        assertEquals(404, get("/api/other").status());
        assertEquals(404, get("/api/searches/s1/wat").status());
        assertEquals(409, get("/api/searches/s%202/best").status(), "no evaluated trial yet");
        assertTrue(rawGet("/api/searches/%zz").startsWith("HTTP/1.1 400 "), "broken percent-encoding");
        Response post = send(HttpRequest.newBuilder(URI.create(api.url() + "/api/searches"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(405, post.status());
    }

    /** java.net.URI refuses malformed paths, so this one goes over a plain socket. */
    private static String rawGet(String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", api.port())) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JsonNode trial(JsonNode list, String trialId) {
        for (JsonNode n : list) {
            if (n.get("trialId").asText().equals(trialId)) {
                return n;
            }
        }
        throw new AssertionError("no trial " + trialId + " in " + list);
    }

    private static JsonNode find(JsonNode list, String id) {
        for (JsonNode n : list) {
            if (n.get("searchId").asText().equals(id)) {
                return n;
            }
        }
        throw new AssertionError("no search " + id + " in " + list);
    }
}
