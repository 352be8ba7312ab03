package io.hpo.driver.warm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.events.TrialStatus;
import io.hpo.space.warm.EarlierTrial;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The aggregator's HTTP API as a warm start reads an earlier search from the results store: the search
 * ({@code GET /api/searches/{id}}: whether it finished, its spec), its trials in trial id order
 * ({@code /trials}, paged) and, where the sampler fits losses at a budget (multi_fidelity), each trial's
 * evaluations ({@code /curves} with two points of training line per trial, whose validation points are exact). The
 * driver talks to no database: the aggregator is the store's one reader and writer.
 */
public final class ResultsApi {
    static final int TRIALS_PAGE = 1000;
    static final int CURVES_PAGE = 200;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> CONFIG = new TypeReference<>() { };

    private final URI base;
    private final String setting;
    /** Made on first use: a client starts a thread, and most searches read nothing. */
    private HttpClient http;

    /**
     * @param base    the aggregator's URL, e.g. {@code http://127.0.0.1:8088}
     * @param setting the setting that named it, for messages
     */
    public ResultsApi(URI base, String setting) {
        this.base = base;
        this.setting = setting;
    }

    /** The search {@code searchId}; with {@code evaluations}, each trial's evaluations too. */
    EarlierSearch search(String searchId, boolean evaluations) throws WarmStartException {
        String path = "/api/searches/" + URLEncoder.encode(searchId, StandardCharsets.UTF_8);
        JsonNode search = get(path, searchId);
        Map<String, NavigableMap<Long, Double>> byTrial = evaluations ? evaluations(path, searchId) : Map.of();
        List<EarlierTrial> trials = new ArrayList<>();
        for (int offset = 0; ; offset += TRIALS_PAGE) {
            JsonNode page = get(path + "/trials?sort=trialId&limit=" + TRIALS_PAGE + "&offset=" + offset, searchId);
            for (JsonNode t : page) {
                trials.add(trial(t, byTrial, searchId));
            }
            if (page.size() < TRIALS_PAGE) {
                break;
            }
        }
        return new EarlierSearch(searchId, "FINISHED".equals(search.path("status").asText()),
                search.path("specYaml").isTextual() ? search.path("specYaml").asText() : null, trials);
    }

    private Map<String, NavigableMap<Long, Double>> evaluations(String path, String searchId)
            throws WarmStartException {
        Map<String, NavigableMap<Long, Double>> byTrial = new HashMap<>();
        for (int offset = 0; ; offset += CURVES_PAGE) {
            JsonNode curves = get(path + "/curves?points=2&limit=" + CURVES_PAGE + "&offset=" + offset, searchId)
                    .path("curves");
            for (JsonNode curve : curves) {
                NavigableMap<Long, Double> evaluations = new TreeMap<>();
                curve.path("validation").forEach(p -> evaluations.put(p.get(0).asLong(), p.get(1).asDouble()));
                byTrial.put(curve.path("trialId").asText(), evaluations);
            }
            if (curves.size() < CURVES_PAGE) {
                return byTrial;
            }
        }
    }

    /** One row of {@code /trials}; the evaluations come from {@code byTrial} (empty when not read). */
    private static EarlierTrial trial(JsonNode t, Map<String, NavigableMap<Long, Double>> byTrial, String searchId)
            throws WarmStartException {
        String trialId = t.path("trialId").asText();
        try {
            return new EarlierTrial(trialId, JSON.convertValue(t.path("config"), CONFIG),
                    TrialStatus.valueOf(t.path("status").asText()).isTerminal(),
                    t.path("bestValLoss").isNumber() ? t.path("bestValLoss").asDouble() : Double.NaN,
                    t.path("finalStep").asLong(0), byTrial.getOrDefault(trialId, new TreeMap<>()));
        } catch (IllegalArgumentException | NullPointerException e) {
            // an unknown status or a null value: an aggregator of another version, or not the aggregator at all
            throw new WarmStartException("warm start: trial '" + trialId + "' of search " + searchId
                    + " as the aggregator gave it is not readable: " + e.getMessage(), e);
        }
    }

    private JsonNode get(String pathAndQuery, String searchId) throws WarmStartException {
        // appended, not resolved: an aggregator behind a proxy keeps its path prefix
        URI uri = URI.create(base.toString().replaceAll("/+$", "") + pathAndQuery);
        HttpResponse<String> response;
        try {
            if (http == null) {
                http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
            }
            response = http.send(HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new WarmStartException("warm start: cannot reach the aggregator at " + base + " (" + setting
                    + "): " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + "; start it (./hpo up) or point " + setting + " at a running one", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WarmStartException("warm start: interrupted while reading search " + searchId, e);
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new WarmStartException("warm start: " + uri + " answered " + response.statusCode()
                    + " with something other than JSON: is " + setting + " the aggregator's URL?", e);
        }
        // the aggregator's own 404 carries its reason; any other server's would not
        if (response.statusCode() == 404 && body.path("error").isTextual()) {
            throw new WarmStartException("warm start: no search '" + searchId + "' in the results store (aggregator "
                    + base + ")");
        }
        if (response.statusCode() != 200) {
            throw new WarmStartException("warm start: reading search " + searchId + " from " + uri + " failed: "
                    + response.statusCode() + " " + body.path("error").asText(""));
        }
        return body;
    }
}
