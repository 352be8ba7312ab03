package io.hpo.aggregator.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hpo.aggregator.config.AggregatorConfig;
import io.hpo.aggregator.ingest.IngestStats;
import io.hpo.aggregator.metrics.AggregatorMetrics;
import io.hpo.aggregator.results.NotReadyException;
import io.hpo.aggregator.results.ParetoTrials;
import io.hpo.aggregator.results.Results;
import io.hpo.aggregator.results.UnknownIdException;
import io.hpo.aggregator.store.Curve;
import io.hpo.aggregator.store.Page;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.SearchSummary;
import io.hpo.aggregator.store.StoredTrial;
import io.hpo.aggregator.store.TrainingLine;
import io.hpo.aggregator.store.TrialOrder;
import io.hpo.events.TrialStatus;
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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * JSON API over the results store, the dashboard, live updates and metrics, on the JDK's HTTP server:
 * <pre>
 * GET /                                            the dashboard (static files from the jar, see {@link StaticAssets})
 * GET /metrics                                     Prometheus text exposition of {@link AggregatorMetrics}
 * GET /api/events                                  server-sent events after each stored batch ({@link LiveUpdates})
 * GET /health                                      200 UP / DEGRADED (ingest retrying), 503 DOWN (no database, no
 *                                                  Kafka broker answering, or a consumer stopped) with a reason
 * GET /api/searches[?limit&offset]                 searches, newest first (limit 50 by default, at most 1000)
 * GET /api/searches/{id}                           one search, with its spec
 * GET /api/searches/{id}/trials[?limit&offset&sort=KEY&dir=asc|desc]
 *                                                  trials in ranking order, or sorted by a field or hyperparameter
 *                                                  (limit 100 by default, at most 1000)
 * GET /api/searches/{id}/trials/{trialId}          one trial, with its rank
 * GET /api/searches/{id}/trials/{trialId}/curve[?points=N&from=STEP&to=STEP]
 *                                                  every step loss and evaluation; with points, from or to the
 *                                                  compact {@link TrainingLine} (at most 10000 points)
 * GET /api/searches/{id}/curves[?points=N&trial=ID...&limit&offset&from&to]
 *                                                  downsampled lines of the given trials (at most 200), else of a
 *                                                  page of trials in ranking order (points 200 by default, at most
 *                                                  2000; limit 50 by default, at most 200)
 * GET /api/searches/{id}/best                      the winner and a spec that reruns it
 * GET /api/searches/{id}/pareto[?cost=MEASURE&limit&offset]
 *                                                  loss against a cost measure (default energy_kwh), the whole front
 *                                                  and a page of the placed trials (limit 1000 by default, at most
 *                                                  10000)
 * POST /api/searches/{id}/cancel                   202: a CANCEL_SEARCH request went to the control topic
 * POST /api/searches/{id}/trials/{trialId}/cancel  202: a CANCEL_TRIAL request went to the control topic
 * </pre>
 * Errors are {@code {"error": "..."}}: 400 malformed path or unknown cost measure, 401 missing or wrong bearer
 * token, 403 read-only (no token
 * configured, see {@link ControlRequests}), 404 unknown id or path, 405 other methods, 409 best not available yet or
 * the search/trial already ended, 500 unexpected failure, 503 database or broker unreachable. A 500 or 503 says
 * only what failed and an error id: the details (exception and SQL texts, which name tables, values and hosts) go
 * to the log under that id. Non-finite losses are
 * JSON null (see {@link Json}). Paged lists carry their full length in the {@code X-Total-Count} header; a limit
 * or offset out of range is a 400.
 * <p>
 * Responses go out with TCP_NODELAY ({@link #NODELAY}): without it a reused keep-alive connection waits ~40 ms for
 * the client's delayed ACK before each small response.
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final int THREADS = 4;
    /** The JDK server reads this once, when its first server is created; set before any is. */
    static final String NODELAY = "sun.net.httpserver.nodelay";

    static {
        System.setProperty(NODELAY, "true");
    }

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

    /** A JSON body, or raw bytes with their content type; {@code total} (or null) goes out as X-Total-Count. */
    private record Reply(int status, Object body, String contentType, Long total) {
        static final String JSON = "application/json; charset=utf-8";

        Reply(int status, Object body, String contentType) {
            this(status, body, contentType, null);
        }

        static Reply ok(Object body) {
            return new Reply(200, body, JSON);
        }

        /** A page's items as a JSON array (as before paging), its total in the header. */
        static Reply page(Page<?> page) {
            return new Reply(200, page.items(), JSON, page.total());
        }

        static Reply error(int status, String message) {
            return new Reply(status, Map.of("error", message), JSON);
        }

        /** A server-side failure, logged under a random id that the client gets instead of the details. */
        static Reply failure(int status, String message, Exception e) {
            String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
            if (status == 503) {
                // an outage fails every request alike: one line each, no stack trace
                LOG.warn("error {}: {}: {}", id, message, e.toString());
            } else {
                LOG.error("error {}: {}", id, message, e);
            }
            return new Reply(status, Map.of("error", message + " (error id " + id + ")", "errorId", id), JSON);
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
                metrics.searches(store.searches(AggregatorMetrics.SEARCHES_EXPORTED, 0).items());
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
            QueryParameters query = new QueryParameters(rawQuery);
            if (path.size() == 2) {
                QueryParameters.Paging p = query.paging(50, 1000);
                Page<SearchSummary> page = results.searches(p.limit(), p.offset());
                ArrayNode list = Json.MAPPER.createArrayNode();
                for (SearchSummary s : page.items()) {
                    list.add(((ObjectNode) Json.MAPPER.valueToTree(s)).without("specYaml"));
                }
                return new Reply(200, list, Reply.JSON, page.total());
            }
            String searchId = path.get(2);
            if (path.size() == 3) {
                return Reply.ok(results.search(searchId));
            }
            if (path.size() == 4 && path.get(3).equals("trials")) {
                QueryParameters.Paging p = query.paging(100, 1000);
                return Reply.page(results.leaderboard(searchId, trialOrder(query), p.limit(), p.offset()));
            }
            if (path.size() == 4 && path.get(3).equals("best")) {
                return Reply.ok(results.best(searchId));
            }
            if (path.size() == 4 && path.get(3).equals("pareto")) {
                SpendMeasure measure;
                try {
                    measure = Results.costMeasure(query.get("cost"));
                } catch (IllegalArgumentException e) {
                    return Reply.error(400, e.getMessage());
                }
                QueryParameters.Paging p = query.paging(1000, 10_000);
                ParetoTrials pareto = results.pareto(searchId, measure, p.limit(), p.offset());
                return new Reply(200, pareto, Reply.JSON, (long) pareto.total());
            }
            if (path.size() == 4 && path.get(3).equals("curves")) {
                QueryParameters.Paging p = query.paging(50, 200);
                List<String> trials = query.all("trial");
                if (trials.size() > 200) {
                    return Reply.error(400, "at most 200 trial ids, got " + trials.size());
                }
                Page<TrainingLine> lines = results.trainingLines(searchId, trials, p.limit(), p.offset(),
                        query.number("from", 0, 0, Long.MAX_VALUE), query.number("to", Long.MAX_VALUE, 0,
                                Long.MAX_VALUE), (int) query.number("points", 200, 2, 2000));
                return new Reply(200, Map.of("searchId", searchId, "total", lines.total(), "curves", lines.items()),
                        Reply.JSON, lines.total());
            }
            if (path.size() == 5 && path.get(3).equals("trials")) {
                return Reply.ok(results.trial(searchId, path.get(4)));
            }
            if (path.size() == 6 && path.get(3).equals("trials") && path.get(5).equals("curve")) {
                return curve(searchId, path.get(4), query);
            }
            return notFound(path);
        } catch (QueryParameters.BadParameterException e) {
            return Reply.error(400, e.getMessage());
        } catch (UnknownIdException e) {
            return Reply.error(404, e.getMessage());
        } catch (NotReadyException e) {
            return Reply.error(409, e.getMessage());
        } catch (SQLException e) {
            return Reply.failure(503, "results database unavailable", e);
        } catch (RuntimeException e) {
            return Reply.failure(500, "request /" + String.join("/", path) + " failed", e);
        }
    }

    /** Every stored step as before; the compact, downsampled line when points or a step range is asked for. */
    private Reply curve(String searchId, String trialId, QueryParameters query)
            throws SQLException, UnknownIdException {
        if (query.get("points") == null && query.get("from") == null && query.get("to") == null) {
            Curve curve = results.curve(searchId, trialId);
            return Reply.ok(Map.of("searchId", searchId, "trialId", trialId, "steps", curve.steps(),
                    "evaluations", curve.evaluations()));
        }
        TrainingLine line = results.trainingLine(searchId, trialId, query.number("from", 0, 0, Long.MAX_VALUE),
                query.number("to", Long.MAX_VALUE, 0, Long.MAX_VALUE), (int) query.number("points", 10_000, 2, 10_000));
        return Reply.ok(Map.of("searchId", searchId, "trialId", trialId, "downsampled", line.downsampled(),
                "train", line.train(), "validation", line.validation()));
    }

    /** {@code sort} (a trial field or hyperparameter name, default rank) and {@code dir} (asc or desc). */
    private static TrialOrder trialOrder(QueryParameters query) {
        String dir = query.get("dir") == null ? "asc" : query.get("dir");
        if (!dir.equals("asc") && !dir.equals("desc")) {
            throw new QueryParameters.BadParameterException("dir must be asc or desc, got '" + dir + "'");
        }
        String key = query.get("sort");
        return new TrialOrder(key == null || key.isEmpty() ? TrialOrder.RANK.key() : key, dir.equals("desc"));
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
                StoredTrial trial = results.trial(searchId, trialId);
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
            return Reply.failure(503, "results database unavailable", e);
        } catch (IllegalStateException e) {
            return Reply.failure(503, "control topic unavailable", e);
        }
    }

    private Reply health() {
        boolean database = store.ping();
        IngestStats stats = ingest.get();
        String down = !database ? "results database unreachable" : stats.down();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", down != null ? "DOWN" : stats.healthy() ? "UP" : "DEGRADED");
        if (down != null) {
            body.put("reason", down);
        }
        body.put("database", database ? "UP" : "DOWN");
        body.put("ingest", stats);
        return new Reply(down != null ? 503 : 200, body, Reply.JSON);
    }

    private static Reply notFound(List<String> path) {
        return Reply.error(404, "no such resource: /" + String.join("/", path));
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
        if (reply.total() != null) {
            ex.getResponseHeaders().set("X-Total-Count", String.valueOf(reply.total()));
        }
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
