package io.hpo.aggregator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.aggregator.ingest.IngestStats;
import io.hpo.aggregator.metrics.AggregatorMetrics;
import io.hpo.aggregator.store.Database;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.SearchSummary;
import io.hpo.aggregator.store.StoredTrial;
import io.hpo.aggregator.support.Events;
import io.hpo.aggregator.support.TestServices;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleType;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Names, ids, configuration values and reasons holding SQL metacharacters and markup are stored and served back
 * as the exact strings they were: every statement binds its values, and JSON escapes them.
 */
class HostileInputTest {
    static final String SQL = "'; DROP TABLE trials; --";
    static final String MARKUP = "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=1\">";

    @Test
    void hostileStringsRoundTripThroughTheStoreAndTheApi() throws Exception {
        String s = "s" + SQL + MARKUP;
        String t = "t" + SQL;
        String name = "name " + SQL + " " + MARKUP;
        Map<String, Object> config = new LinkedHashMap<>(Events.config(1e-3, 16));
        config.put("note", SQL + MARKUP);
        String reason = "failed: " + MARKUP + SQL;
        LifecycleEvent started = LifecycleEvent.searchStarted(s, name, Events.SPEC_YAML + "# " + SQL + "\n");
        try (Database db = TestServices.migratedDatabase()) {
            ResultsStore store = new ResultsStore(db);
            store.applyBatch(List.of(Events.step(s, t, 1, 0, 3.0)), List.of(started,
                    LifecycleEvent.trialCreated(s, t, config), Events.evaluated(s, t, 1, 2.5, 1024),
                    Events.ended(s, t, LifecycleType.TRIAL_FAILED, 1, reason)));

            SearchSummary search = store.search(s).orElseThrow();
            assertEquals(name, search.name());
            assertEquals(started.submission().specYaml(), search.specYaml());
            StoredTrial trial = store.rankedTrials(s).get(0);
            assertEquals(t, trial.trialId());
            assertEquals(SQL + MARKUP, trial.config().get("note"));
            assertEquals(reason, trial.reason());
            assertEquals(1, store.counts(s).trials(), "the trials table is still there");

            try (HttpApi api = HttpApi.start("127.0.0.1", 0, store, () -> IngestStats.NONE, new AggregatorMetrics(),
                    new LiveUpdates(), ControlRequests.readOnly())) {
                String base = api.url() + "/api/searches/" + encode(s);
                JsonNode one = get(base);
                assertEquals(s, one.get("searchId").asText());
                assertEquals(name, one.get("name").asText());
                JsonNode trials = get(base + "/trials");
                assertEquals(t, trials.get(0).get("trialId").asText());
                assertEquals(SQL + MARKUP, trials.get(0).get("config").get("note").asText());
                assertEquals(reason, trials.get(0).get("reason").asText());
                assertEquals(1, get(base + "/trials/" + encode(t) + "/curve").get("steps").size());
            }
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body());
    }
}
