package io.hpo.aggregator.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hpo.aggregator.config.AggregatorConfig;
import io.hpo.aggregator.ingest.IngestStats;
import io.hpo.aggregator.metrics.AggregatorMetrics;
import io.hpo.aggregator.results.NotReadyException;
import io.hpo.aggregator.results.Results;
import io.hpo.aggregator.results.UnknownIdException;
import io.hpo.aggregator.store.Curve;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.SearchSummary;
import io.hpo.aggregator.store.TrialResult;
import io.hpo.aggregator.store.TrialStatus;
import io.hpo.events.ControlEvent;
import io.hpo.events.PrometheusRegistries;
import io.hpo.space.cost.SpendMeasure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * JSON API over the results store, the dashboard, live updates and metrics, on the JDK's HTTP server:
 * <pre>
 * GET /                                            the dashboard (static files from the jar, see {@link StaticAssets})
 * GET /metrics                                     Prometheus text exposition of {@link AggregatorMetrics}
 * GET /api/events                                  server-sent events after each stored batch ({@link LiveUpdates})
 * GET /health                                      200 UP / DEGRADED (ingest retrying), 503 DOWN (no database)
 * GET /api/searches                                every search, newest first
 * GET /api/searches/{id}                           one search, with its spec
 * GET /api/searches/{id}/trials                    trials in ranking order
 * GET /api/searches/{id}/trials/{trialId}/curve    step losses and evaluations
 * GET /api/searches/{id}/best                      the winner and a spec that reruns it
 * GET /api/searches/{id}/pareto[?cost=MEASURE]     loss against a cost measure (default energy_kwh), the front marked
 * POST /api/searches/{id}/cancel                   202: a CANCEL_SEARCH request went to the control topic
 * POST /api/searches/{id}/trials/{trialId}/cancel  202: a CANCEL_TRIAL request went to the control topic
 * </pre>
 * Errors are {@code {"error": "..."}}: 400 malformed path or unknown cost measure, 401 missing or wrong bearer
 * token, 403 read-only (no token
 * configured, see {@link ControlRequests}), 404 unknown id or path, 405 other methods, 409 best not available yet or
 * the search/trial already ended, 500 unexpected failure, 503 database or broker unreachable. Non-finite losses are
 * JSON null (see {@link Json}).
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final int THREADS = 4;

    private final HttpServer server;
    private final ExecutorService executor;
    private final ResultsStore store;
    private final Results results;
    private final Supplier<IngestStats> ingest;
    private final AggregatorMetrics metrics;
    private final LiveUpdates live;
    private final ControlRequests control;

    private HttpApi(HttpServer server, ResultsStore store, Supplier<IngestStats> ingest, AggregatorMetrics metrics,
                    LiveUpdates live, ControlRequests control) {
        this.server = server;
        this.store = store;
        this.results = new Results(store);
        this.ingest = ingest;
        this.metrics = metrics;
        this.live = live;
        this.control = control;
        this.executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "hpo-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Binds to host:port (port 0 = a free one) and starts serving; closes {@code control} when closed. */
    public static HttpApi start(String host, int port, ResultsStore store, Supplier<IngestStats> ingest,
                                AggregatorMetrics metrics, LiveUpdates live, ControlRequests control) {
        try {
            HttpApi api = new HttpApi(HttpServer.create(new InetSocketAddress(host, port), 64), store, ingest,
                    metrics, live, control);
            api.server.start();
            return api;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        String host = server.getAddress().getHostString();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    /** A JSON body, or raw bytes with their content type. */
    private record Reply(int status, Object body, String contentType) {
        static final String JSON = "application/json; charset=utf-8";

        static Reply ok(Object body) {
            return new Reply(200, body, JSON);
        }

        static Reply error(int status, String message) {
            return new Reply(status, Map.of("error", message), JSON);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        boolean handedOver = false;
        try {
            Reply reply;
            String method = ex.getRequestMethod();
            List<String> path = segments(ex.getRequestURI().getRawPath());
            if (method.equals("POST") && path != null && isCancel(path)) {
                reply = cancel(ex, path);
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                reply = Reply.error(405, "method " + method + " not allowed here");
            } else if (method.equals("GET") && List.of("api", "events").equals(path)) {
                live.subscribe(ex);
                handedOver = true;
                return;
            } else {
                reply = path == null ? Reply.error(400, "malformed percent-encoding in path")
                        : route(path, ex.getRequestURI().getRawQuery());
            }
            send(ex, reply, method.equals("HEAD"));
        } catch (IOException | RuntimeException | Error e) {
            // the JDK server drops exceptions silently and leaves the client waiting: log, then hang up
            LOG.error("request {} failed", ex.getRequestURI(), e);
            throw e;
        } finally {
            if (!handedOver) {
                ex.close();
            }
        }
    }

    private Reply route(List<String> path, String rawQuery) {
        try {
            if (path.equals(List.of("health"))) {
                return health();
            }
            if (path.equals(List.of("metrics"))) {
                metrics.searches(store.searches());
                return new Reply(200, metrics.scrape().getBytes(StandardCharsets.UTF_8), PrometheusRegistries.CONTENT_TYPE);
            }
            if (path.isEmpty() || path.get(0).equals(StaticAssets.PREFIX)) {
                String name = path.isEmpty() ? StaticAssets.INDEX : String.join("/", path.subList(1, path.size()));
                return StaticAssets.load(name).map(a -> new Reply(200, a.bytes(), a.contentType()))
                        .orElseGet(() -> notFound(path));
            }
            if (path.size() < 2 || !path.get(0).equals("api") || !path.get(1).equals("searches")) {
                return notFound(path);
            }
            if (path.size() == 2) {
                ArrayNode list = Json.MAPPER.createArrayNode();
                for (SearchSummary s : results.searches()) {
                    list.add(((ObjectNode) Json.MAPPER.valueToTree(s)).without("specYaml"));
                }
                return Reply.ok(list);
            }
            String searchId = path.get(2);
            if (path.size() == 3) {
                return Reply.ok(results.search(searchId));
            }
            if (path.size() == 4 && path.get(3).equals("trials")) {
                return Reply.ok(results.leaderboard(searchId));
            }
            if (path.size() == 4 && path.get(3).equals("best")) {
                return Reply.ok(results.best(searchId));
            }
            if (path.size() == 4 && path.get(3).equals("pareto")) {
                SpendMeasure measure;
                try {
                    measure = Results.costMeasure(queryParameter(rawQuery, "cost"));
                } catch (IllegalArgumentException e) {
                    return Reply.error(400, e.getMessage());
                }
                return Reply.ok(results.pareto(searchId, measure));
            }
            if (path.size() == 6 && path.get(3).equals("trials") && path.get(5).equals("curve")) {
                Curve curve = results.curve(searchId, path.get(4));
                return Reply.ok(Map.of("searchId", searchId, "trialId", path.get(4), "steps", curve.steps(),
                        "evaluations", curve.evaluations()));
            }
            return notFound(path);
        } catch (UnknownIdException e) {
            return Reply.error(404, e.getMessage());
        } catch (NotReadyException e) {
            return Reply.error(409, e.getMessage());
        } catch (SQLException e) {
            LOG.warn("query failed: {}", e.toString());
            return Reply.error(503, "results database unavailable: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("request /{} failed", String.join("/", path), e);
            return Reply.error(500, e.toString());
        }
    }

    private static boolean isCancel(List<String> path) {
        boolean search = path.size() == 4;
        boolean trial = path.size() == 6 && path.get(3).equals("trials");
        return (search || trial) && path.get(0).equals("api") && path.get(1).equals("searches")
                && path.get(path.size() - 1).equals("cancel");
    }

    /** POST .../cancel: checks the token and that the search or trial is still running, then asks its driver. */
    private Reply cancel(HttpExchange ex, List<String> path) {
        if (!control.enabled()) {
            return Reply.error(403, "API is read-only: set " + AggregatorConfig.API_TOKEN);
        }
        if (!control.authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            return Reply.error(401, "missing or wrong bearer token");
        }
        String searchId = path.get(2);
        String trialId = path.size() == 6 ? path.get(4) : null;
        try {
            SearchSummary search = results.search(searchId);
            if (trialId != null) {
                TrialResult trial = results.leaderboard(searchId).stream().filter(t -> t.trialId().equals(trialId))
                        .findFirst().orElseThrow(() -> new UnknownIdException("search '" + searchId
                                + "' has no trial '" + trialId + "'"));
                if (TrialStatus.valueOf(trial.status()).isTerminal()) {
                    return Reply.error(409, "trial '" + trialId + "' of search '" + searchId + "' already ended: "
                            + trial.status());
                }
            }
            if (search.finished()) {
                return Reply.error(409, "search '" + searchId + "' already finished");
            }
            String by = "api " + ex.getRemoteAddress().getAddress().getHostAddress();
            ControlEvent event = trialId == null ? ControlEvent.cancelSearch(searchId, by)
                    : ControlEvent.cancelTrial(searchId, trialId, by);
            control.publish(event);
            LOG.info("{} of {}{} requested by {}", event.type(), searchId, trialId == null ? "" : "/" + trialId, by);
            return new Reply(202, Map.of("accepted", event.type(), "eventId", event.eventId()), Reply.JSON);
        } catch (UnknownIdException e) {
            return Reply.error(404, e.getMessage());
        } catch (SQLException e) {
            LOG.warn("query failed: {}", e.toString());
            return Reply.error(503, "results database unavailable: " + e.getMessage());
        } catch (IllegalStateException e) {
            LOG.warn("publishing a control request failed: {}", e.toString());
            return Reply.error(503, "control topic unavailable: " + e.getMessage());
        }
    }

    private Reply health() {
        boolean database = store.ping();
        IngestStats stats = ingest.get();
        String status = !database ? "DOWN" : stats.healthy() ? "UP" : "DEGRADED";
        return new Reply(database ? 200 : 503, Map.of("status", status, "database", database ? "UP" : "DOWN",
                "ingest", stats), Reply.JSON);
    }

    private static Reply notFound(List<String> path) {
        return Reply.error(404, "no such resource: /" + String.join("/", path));
    }

    /** The first value of {@code name} in a raw query string, decoded; null when absent. */
    private static String queryParameter(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** Decoded path segments (ids may hold any character, percent-encoded); null if the encoding is broken. */
    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                try {
                    out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return out;
    }

    private static void send(HttpExchange ex, Reply reply, boolean headOnly) throws IOException {
        byte[] body = reply.body() instanceof byte[] raw ? raw : Json.MAPPER.writeValueAsBytes(reply.body());
        ex.getResponseHeaders().set("Content-Type", reply.contentType());
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        if (headOnly) {
            ex.sendResponseHeaders(reply.status(), -1);
        } else {
            ex.sendResponseHeaders(reply.status(), body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        live.close();
        server.stop(0);
        executor.shutdownNow();
        control.close();
    }
}
