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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API at scale, on a real PostgreSQL: lists paged and sorted in the database with their total in
 * X-Total-Count, one trial read alone, curves downsampled in SQL (extremes kept, evaluations exact), many trials'
 * curves in one request, and keep-alive connections answering request after request.
 */
class PagedAndDownsampledApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final String SEARCH = "paged";
    private static final int TRIALS = 30;
    private static final String LONG = "long";
    private static final int STEPS = 1000;
    private static Database db;
    private static HttpApi api;

    @BeforeAll
    static void start() throws Exception {
        db = TestServices.migratedDatabase();
        ResultsStore store = new ResultsStore(db);
        List<LifecycleEvent> events = new ArrayList<>();
        for (int s = 1; s <= 25; s++) {
            events.add(Events.started(String.format(Locale.ROOT, "search-%02d", s)));
        }
        events.add(Events.started(SEARCH));
        List<StepMetric> steps = new ArrayList<>();
        for (int i = 1; i <= TRIALS; i++) {
            String trial = trialId(i);
            events.add(LifecycleEvent.trialCreated(SEARCH, trial, Events.config(1e-4 * ((i * 7) % TRIALS + 1), 16)));
            steps.add(Events.step(SEARCH, trial, 10, 0, 3.0));
            if (i % 5 != 0) {
                events.add(Events.evaluated(SEARCH, trial, 10, 2 + ((i * 11) % TRIALS) / 10.0, 10_240));
            }
        }
        // two workers; a spike at step 500 and a NaN of worker 1 at step 600; an evaluation every 100 steps
        events.add(Events.started(LONG));
        events.add(LifecycleEvent.trialCreated(LONG, "t", Events.config(1e-3, 16)));
        for (int step = 1; step <= STEPS; step++) {
            steps.add(Events.step(LONG, "t", step, 0, step == 500 ? 9.0 : 5.0 - step / 1000.0));
            steps.add(Events.step(LONG, "t", step, 1, step == 600 ? Double.NaN : 5.2 - step / 1000.0));
            if (step % 100 == 0) {
                events.add(Events.evaluated(LONG, "t", step, 4.0 - step / 1000.0, step * 1024L));
            }
        }
        store.applyBatch(steps, events);
        api = HttpApi.start("127.0.0.1", 0, store, () -> IngestStats.NONE, new AggregatorMetrics(), new LiveUpdates(),
                ControlRequests.readOnly());
    }

    @AfterAll
    static void stop() {
        api.close();
        db.close();
    }

    private static String trialId(int i) {
        return String.format(Locale.ROOT, "trial-%02d", i);
    }

    @Test
    void searchesArePagedWithTheirTotal() throws Exception {
        HttpResponse<String> all = get("/api/searches?limit=1000");
        assertEquals("27", all.headers().firstValue("X-Total-Count").orElse(null));
        List<String> order = ids(json(all), "searchId");
        assertEquals(27, order.size());
        HttpResponse<String> page = get("/api/searches?limit=10&offset=20");
        assertEquals(order.subList(20, 27), ids(json(page), "searchId"));
        assertEquals("27", page.headers().firstValue("X-Total-Count").orElse(null));
        assertEquals(order.subList(0, 27), ids(json(get("/api/searches?limit=50")), "searchId"), "default limit 50");
        for (String bad : List.of("limit=0", "limit=1001", "limit=ten", "offset=-1")) {
            HttpResponse<String> r = get("/api/searches?" + bad);
            assertEquals(400, r.statusCode(), bad);
            assertTrue(json(r).get("error").asText().contains(bad.substring(0, bad.indexOf('='))), r.body());
        }
    }

    @Test
    void trialsArePagedAndSortedInTheDatabaseKeepingTheirRank() throws Exception {
        JsonNode ranked = json(get("/api/searches/" + SEARCH + "/trials?limit=1000"));
        assertEquals(TRIALS, ranked.size());
        for (int i = 0; i < TRIALS; i++) {
            assertEquals(i + 1, ranked.get(i).get("rank").asInt());
        }
        HttpResponse<String> page = get("/api/searches/" + SEARCH + "/trials?limit=10&offset=10");
        assertEquals(String.valueOf(TRIALS), page.headers().firstValue("X-Total-Count").orElse(null));
        assertEquals(ids(ranked, "trialId").subList(10, 20), ids(json(page), "trialId"));
        assertEquals(11, json(page).get(0).get("rank").asInt());

        // by loss, highest first: the unevaluated trials still last, each trial keeping its rank
        JsonNode worst = json(get("/api/searches/" + SEARCH + "/trials?sort=bestValLoss&dir=desc&limit=1000"));
        List<String> expected = new ArrayList<>(ids(ranked, "trialId").subList(0, 24));
        Collections.reverse(expected);
        expected.addAll(ids(ranked, "trialId").subList(24, TRIALS));
        assertEquals(expected, ids(worst, "trialId"));
        for (JsonNode t : worst) {
            assertEquals(rankOf(ranked, t.get("trialId").asText()), t.get("rank").asInt());
        }
        // by a hyperparameter, read from the stored config
        JsonNode byRate = json(get("/api/searches/" + SEARCH + "/trials?sort=learning_rate&limit=3"));
        assertEquals(1e-4, byRate.get(0).get("config").get("learning_rate").asDouble(), 1e-12);
        assertTrue(byRate.get(1).get("config").get("learning_rate").asDouble()
                > byRate.get(0).get("config").get("learning_rate").asDouble());
        assertEquals(400, get("/api/searches/" + SEARCH + "/trials?dir=sideways").statusCode());
        assertEquals(400, get("/api/searches/" + SEARCH + "/trials?limit=1001").statusCode());
    }

    @Test
    void oneTrialIsReadAloneWithTheLeaderboardsFigures() throws Exception {
        JsonNode ranked = json(get("/api/searches/" + SEARCH + "/trials?limit=1000"));
        for (JsonNode t : ranked) {
            assertEquals(t, json(get("/api/searches/" + SEARCH + "/trials/" + t.get("trialId").asText())));
        }
        assertEquals(404, get("/api/searches/" + SEARCH + "/trials/nope").statusCode());
        assertEquals(404, get("/api/searches/nope/trials/trial-01").statusCode());
    }

    @Test
    void curvesAreDownsampledInTheDatabaseKeepingExtremes() throws Exception {
        JsonNode line = json(get("/api/searches/" + LONG + "/trials/t/curve?points=100"));
        assertTrue(line.get("downsampled").asBoolean());
        JsonNode train = line.get("train");
        assertTrue(train.size() <= 100 && train.size() >= 50, train.toString());
        assertTrue(train.toString().contains("[500,9.0]"), "the spike survives: " + train);
        long previous = 0;
        for (JsonNode p : train) {
            assertTrue(p.get(0).asLong() > previous, "steps in order: " + train);
            assertFalse(p.get(1).isNull(), "only finite losses: " + train);
            previous = p.get(0).asLong();
        }
        assertEquals(10, line.get("validation").size(), "evaluations are exact");
        assertEquals("[100,3.9]", line.get("validation").get(0).toString());

        // enough points: every step, the mean over the workers (only worker 0's loss is finite at step 600)
        JsonNode exact = json(get("/api/searches/" + LONG + "/trials/t/curve?points=5000"));
        assertFalse(exact.get("downsampled").asBoolean());
        assertEquals(STEPS, exact.get("train").size());
        assertEquals(5.0 - 1 / 1000.0 + 0.1, exact.get("train").get(0).get(1).asDouble(), 1e-9);
        assertEquals(5.0 - 600 / 1000.0, exact.get("train").get(599).get(1).asDouble(), 1e-9);
        // a narrow range is exact too; without points or a range the response is every stored row, as before
        JsonNode zoom = json(get("/api/searches/" + LONG + "/trials/t/curve?from=101&to=200&points=400"));
        assertEquals(100, zoom.get("train").size());
        assertEquals(101, zoom.get("train").get(0).get(0).asLong());
        assertEquals(1, zoom.get("validation").size());
        assertEquals(2 * STEPS, json(get("/api/searches/" + LONG + "/trials/t/curve")).get("steps").size());
        assertEquals(400, get("/api/searches/" + LONG + "/trials/t/curve?points=1").statusCode());
    }

    @Test
    void manyTrialsCurvesComeInOneRequest() throws Exception {
        HttpResponse<String> top = get("/api/searches/" + SEARCH + "/curves?points=50&limit=5&offset=5");
        assertEquals(String.valueOf(TRIALS), top.headers().firstValue("X-Total-Count").orElse(null));
        JsonNode ranked = json(get("/api/searches/" + SEARCH + "/trials?limit=1000"));
        assertEquals(ids(ranked, "trialId").subList(5, 10), ids(json(top).get("curves"), "trialId"));
        assertEquals("[[10,3.0]]", json(top).get("curves").get(0).get("train").toString());
        // enough trials to be read in two halves at once: still every one, in order
        JsonNode all = json(get("/api/searches/" + SEARCH + "/curves?points=50&limit=" + TRIALS));
        assertEquals(ids(ranked, "trialId"), ids(all.get("curves"), "trialId"));

        JsonNode chosen = json(get("/api/searches/" + SEARCH + "/curves?trial=trial-07&trial=nope&trial=trial-02"));
        assertEquals(List.of("trial-07", "trial-02"), ids(chosen.get("curves"), "trialId"),
                "given order, unknown ids left out");
        assertEquals(404, get("/api/searches/nope/curves").statusCode());
        assertEquals(400, get("/api/searches/" + SEARCH + "/curves?" + "trial=x&".repeat(201)).statusCode());
    }

    /** A real keep-alive client: several requests written one after another on one socket, each answered. */
    @Test
    void aReusedConnectionAnswersEveryRequest() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", api.port())) {
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (String path : List.of("/health", "/api/searches?limit=1",
                    "/api/searches/" + LONG + "/trials/t/curve?points=20", "/health")) {
                out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String head = readHead(in);
                assertTrue(head.startsWith("HTTP/1.1 200 "), path + ": " + head);
                assertFalse(head.toLowerCase(Locale.ROOT).contains("connection: close"), head);
                int length = Integer.parseInt(head.replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
                assertEquals(length, in.readNBytes(length).length, path);
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head);
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static int rankOf(JsonNode ranked, String trialId) {
        for (JsonNode t : ranked) {
            if (t.get("trialId").asText().equals(trialId)) {
                return t.get("rank").asInt();
            }
        }
        throw new AssertionError(trialId);
    }

    private static List<String> ids(JsonNode list, String field) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.get(field).asText()));
        return out;
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(api.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }
}
