package io.hpo.aggregator.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.aggregator.api.ControlRequests;
import io.hpo.aggregator.api.HttpApi;
import io.hpo.aggregator.api.LiveUpdates;
import io.hpo.aggregator.cli.ResultsCli;
import io.hpo.aggregator.config.AggregatorConfig;
import io.hpo.aggregator.ingest.IngestStats;
import io.hpo.aggregator.metrics.AggregatorMetrics;
import io.hpo.aggregator.store.Database;
import io.hpo.aggregator.store.Migrations;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.support.Events;
import io.hpo.aggregator.support.ImportanceSearch;
import io.hpo.aggregator.support.SampleSearch;
import io.hpo.aggregator.support.TestServices;
import io.hpo.events.LifecycleType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hyperparameter importance through the HTTP API and the CLI, on trials stored in a real PostgreSQL
 * ({@link ImportanceSearch}: learning rate, then batch size, then dropout; a conditional one no top trial has).
 */
class ImportanceEndpointsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Database db;
    private static HttpApi api;
    private static AggregatorConfig config;

    @BeforeAll
    static void start() throws Exception {
        String url = TestServices.freshSchemaUrl();
        config = AggregatorConfig.of(Map.of(AggregatorConfig.JDBC_URL, url,
                AggregatorConfig.USER, TestServices.postgres().user(),
                AggregatorConfig.PASSWORD, TestServices.postgres().password()));
        db = new Database(url, config.user(), config.password());
        Migrations.migrate(db);
        ResultsStore store = new ResultsStore(db);
        ImportanceSearch.store(store, "imp");
        SampleSearch.store(store, "few");
        api = HttpApi.start("127.0.0.1", 0, store, () -> IngestStats.NONE, new AggregatorMetrics(), new LiveUpdates(),
                ControlRequests.readOnly());
    }

    @AfterAll
    static void stop() {
        api.close();
        db.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api.url() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theAnswerIsKeptUntilATrialEnds() throws Exception {
        ResultsStore store = new ResultsStore(db);
        ImportanceSearch.store(store, "kept");
        Results results = new Results(store);
        Importance first = results.importance("kept");
        assertSame(first, results.importance("kept"), "no trial ended since: the kept answer, not a new one");
        store.applyBatch(List.of(), List.of(Events.ended("kept", "running", LifecycleType.TRIAL_COMPLETED, 10,
                null)));
        Importance after = results.importance("kept");
        assertEquals(ImportanceSearch.COMPARED, first.trials());
        assertEquals(ImportanceSearch.COMPARED + 1, after.trials(), "the trial that ended is compared");
    }

    @Test
    void theEndpointRanksTheSearchedHyperparametersThatVary() throws Exception {
        HttpResponse<String> r = get("/api/searches/imp/importance");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("imp", body.get("searchId").asText());
        assertEquals("PED-ANOVA", body.get("method").asText());
        assertEquals(0.1, body.get("topQuantile").asDouble());
        assertEquals(ImportanceSearch.COMPARED, body.get("trials").asInt(), "completed and pruned, not the others");
        assertEquals(11, body.get("topTrials").asInt());
        List<String> names = new ArrayList<>();
        double sum = 0;
        for (JsonNode h : body.get("hyperparameters")) {
            names.add(h.get("name").asText());
            sum += h.get("importance").asDouble();
            assertTrue(h.get("raw").asDouble() >= 0, h.toString());
        }
        assertEquals(List.of("learning_rate", "batch_size", "dropout", "warmup_steps"), names, r.body());
        assertEquals(1.0, sum, 1e-9);
        JsonNode lr = body.get("hyperparameters").get(0);
        assertEquals("LOG", lr.get("scale").asText());
        assertTrue(lr.get("importance").asDouble() > 0.5, r.body());
        JsonNode warmup = body.get("hyperparameters").get(3);
        // compared only where batch 64 makes it searched; counted as 0 elsewhere it would echo the batch size
        assertEquals(0.0, warmup.get("raw").asDouble(), r.body());
        assertEquals("CATEGORICAL", body.get("hyperparameters").get(1).get("scale").asText());
        assertEquals("LINEAR", body.get("hyperparameters").get(2).get("scale").asText());
    }

    @Test
    void tooFewTrialsIsAConflictAndAnUnknownSearchNotFound() throws Exception {
        HttpResponse<String> few = get("/api/searches/few/importance");
        assertEquals(409, few.statusCode(), few.body());
        assertEquals("search 'few': importance needs at least 10 trials with a finite loss, 2 of them comparable;"
                + " there are 2, 2 comparable", JSON.readTree(few.body()).get("error").asText());
        HttpResponse<String> unknown = get("/api/searches/nope/importance");
        assertEquals(404, unknown.statusCode());
        assertEquals("unknown search 'nope'", JSON.readTree(unknown.body()).get("error").asText());
    }

    @Test
    void theCliPrintsATableWithABarPerHyperparameter() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new ResultsCli(config, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run("importance", List.of("imp"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(ResultsCli.OK, code, err.toString(StandardCharsets.UTF_8));
        String[] lines = text.split("\n");
        assertEquals("Hyperparameter importance of imp (PED-ANOVA): the best 11 completed of 110 ended trials"
                + " against all", lines[0]);
        assertTrue(lines[1].startsWith("HYPERPARAMETER  SCALE        IMPORTANCE"), text);
        assertTrue(lines[2].matches("learning_rate   log +0\\.[5-9][0-9]{2} +[0-9.]+ +#{20,40}"), text);
        assertTrue(lines[5].matches("warmup_steps +linear +0\\.000 +0"), text);
        assertEquals(6, lines.length, text);

        ByteArrayOutputStream few = new ByteArrayOutputStream();
        assertEquals(ResultsCli.NOT_READY, new ResultsCli(config, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(few, true, StandardCharsets.UTF_8)).run("importance", List.of("few")));
        assertTrue(few.toString(StandardCharsets.UTF_8).contains("importance needs at least 10 trials"));
        assertEquals(ResultsCli.UNKNOWN_ID, new ResultsCli(config, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream())).run("importance", List.of("nope")));
        assertEquals(ResultsCli.USAGE, new ResultsCli(config, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream())).run("importance", List.of()));
    }
}
