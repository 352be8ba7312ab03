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
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 503 (the database answers with an SQL error) and a 500 (a stored row the code cannot read) on the real
 * database: the client gets what failed and an error id, never the exception or SQL text; the log has both.
 */
class ServerErrorDetailsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aDatabaseErrorReachesTheLogNotTheClient() throws Exception {
        // no migrations: every query fails with 'relation "searches" does not exist'
        try (Database db = TestServices.freshDatabase()) {
            Served served = get(new ResultsStore(db), "/api/searches");
            assertEquals(503, served.status());
            assertFalse(served.body().contains("relation"), served.body());
            assertEquals("results database unavailable (error id " + served.errorId() + ")",
                    JSON.readTree(served.body()).get("error").asText());
            assertTrue(served.log().contains("error " + served.errorId() + ": results database unavailable:"
                    + " org.postgresql.util.PSQLException: ERROR: relation \"searches\" does not exist"), served.log());
        }
    }

    @Test
    void anUnexpectedFailureReachesTheLogNotTheClient() throws Exception {
        try (Database db = TestServices.migratedDatabase()) {
            ResultsStore store = new ResultsStore(db);
            store.applyBatch(List.of(), List.of(Events.started("s"),
                    LifecycleEvent.trialCreated("s", "t1", Events.config(1e-3, 16))));
            db.inTransaction(c -> {
                try (Statement st = c.createStatement()) {
                    // valid jsonb, but not the object a config is
                    return st.executeUpdate("UPDATE trials SET config = '[\"secret-row-content\"]'");
                }
            });
            Served served = get(store, "/api/searches/s/trials");
            assertEquals(500, served.status());
            assertFalse(served.body().contains("secret-row-content"), served.body());
            assertFalse(served.body().contains("Exception"), served.body());
            assertEquals("request /api/searches/s/trials failed (error id " + served.errorId() + ")",
                    JSON.readTree(served.body()).get("error").asText());
            assertTrue(served.log().contains("error " + served.errorId() + ": request /api/searches/s/trials failed"),
                    served.log());
            assertTrue(served.log().contains("java.lang.IllegalStateException: stored config is not JSON:"
                    + " [\"secret-row-content\"]"), served.log());
        }
    }

    private record Served(int status, String body, String errorId, String log) {
    }

    /** One request, with this JVM's standard error (where the log goes) captured meanwhile. */
    private static Served get(ResultsStore store, String path) throws Exception {
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (HttpApi api = HttpApi.start("127.0.0.1", 0, store, () -> IngestStats.NONE, new AggregatorMetrics(),
                new LiveUpdates(), ControlRequests.readOnly())) {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api.url()
                    + path)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode id = JSON.readTree(r.body()).get("errorId");
            assertTrue(id != null && id.asText().matches("[0-9a-f]{8}"), r.body());
            return new Served(r.statusCode(), r.body(), id.asText(), captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(stderr);
        }
    }
}
