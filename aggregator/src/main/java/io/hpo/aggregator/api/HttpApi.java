package io.hpo.aggregator.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpo.aggregator.config.AggregatorConfig;
import io.hpo.aggregator.ingest.IngestStats;
import io.hpo.aggregator.metrics.AggregatorMetrics;
import io.hpo.aggregator.results.NotReadyException;
import io.hpo.aggregator.results.ParetoTrials;
import io.hpo.aggregator.results.Results;
import io.hpo.aggregator.results.SearchFinishedException;
import io.hpo.aggregator.results.UnknownIdException;
import io.hpo.aggregator.scaling.ComputeBudget;
import io.hpo.aggregator.store.Curve;
import io.hpo.aggregator.store.Page;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.SearchSummary;
import io.hpo.aggregator.store.StoredTrial;
import io.hpo.aggregator.store.TrainingLine;
import io.hpo.aggregator.store.TrialFilter;
import io.hpo.aggregator.store.TrialOrder;
import io.hpo.events.TrialStatus;
import io.hpo.events.ControlEvent;
import io.hpo.events.PrometheusRegistries;
import io.hpo.space.cost.SpendMeasure;
import io.hpo.space.spec.SpecException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * JSON API over the results store, the dashboard, live updates and metrics, on Jetty:
 * <pre>
 * GET /                                            the dashboard (static files from the jar, see {@link StaticAssets})
 * GET /metrics                                     Prometheus text exposition of {@link AggregatorMetrics}
 * GET /api/events                                  server-sent events after each stored batch ({@link LiveUpdates})
 * GET /health                                      200 UP / DEGRADED (ingest retrying), 503 DOWN (no database, no
 *                                                  Kafka broker answering, or a consumer stopped) with a reason
 * GET /api/searches[?limit&offset]                 searches, newest first (limit 50 by default, at most 1000)
 * GET /api/searches/{id}                           one search, with its spec
 * GET /api/searches/{id}/trials[?limit&offset&sort=KEY&dir=asc|desc&where=KEY:MIN..MAX|KEY:V1,V2...]
 *                                                  trials in ranking order, or sorted by a field or hyperparameter
 *                                                  (limit 100 by default, at most 1000), only those every
 *                                                  {@link TrialFilter} condition keeps when where is given
 * GET /api/searches/{id}/points                    every trial's status, best loss and varying hyperparameters as
 *                                                  columns ({@link io.hpo.aggregator.results.SearchPoints})
 * GET /api/searches/{id}/trials/{trialId}          one trial, with its rank
 * GET /api/searches/{id}/trials/{trialId}/curve[?points=N&from=STEP&to=STEP]
 *                                                  every step loss and evaluation; with points, from or to the
 *                                                  compact {@link TrainingLine} (at most 10000 points)
 * GET /api/searches/{id}/curves[?points=N&trial=ID...&limit&offset&from&to]
 *                                                  downsampled lines of the given trials (at most 200), else of a
 *                                                  page of trials in ranking order (points 200 by default, at most
 *                                                  2000; limit 50 by default, at most 200)
 * GET /api/searches/{id}/best                      the winner and a spec that reruns it
 * GET /api/searches/{id}/lineage                   population-based training's exploits by step (empty otherwise)
 * GET /api/searches/{id}/importance                how much each searched hyperparameter explains the loss
 *                                                  ({@link io.hpo.aggregator.importance.PedAnova})
 * GET /api/searches/{id}/pareto[?cost=MEASURE&limit&offset]
 *                                                  loss against a cost measure (default: the search's first spend
 *                                                  objective, else energy_kwh), the whole front
 *                                                  and a page of the placed trials (limit 1000 by default, at most
 *                                                  10000)
 * GET /api/searches/{id}/front                     a multi-objective search's Pareto front over its spec's objectives,
 *                                                  with the hypervolume for two ({@link
 *                                                  io.hpo.aggregator.results.SearchFront}); 409 without objectives
 * GET /api/searches/{id}/scaling[?budget=B]        the scaling law fitted to the completed trials ({@link
 *                                                  io.hpo.aggregator.scaling.ScalingAnalysis}), 409 too few trials;
 *                                                  B in FLOPs, or in &unit=energy_kwh, cost, co2_kg, executor_hours
 *                                                  ({@link io.hpo.aggregator.scaling.ComputeBudget})
 * GET /api/searches/{id}/scaling/run?budget=B      the spec of the run the fit recommends for the budget ({@link
 *                                                  io.hpo.aggregator.scaling.ScaledRun}), with what it chose
 * POST /api/searches/{id}/cancel                   202: a CANCEL_SEARCH request went to the control topic
 * POST /api/searches/{id}/trials/{trialId}/cancel  202: a CANCEL_TRIAL request went to the control topic
 * POST /api/searches/{id}/enqueue                  202: an ENQUEUE_TRIAL request with the body's configuration (a JSON
 *                                                  object of hyperparameters to values) went to the control topic
 * </pre>
 * Errors are {@code {"error": "..."}}: 400 malformed path, unknown cost measure, bad where, or a configuration to
 * enqueue that the search's recorded spec refuses (the reason at {@code request body:line:column}), 401 missing or
 * wrong bearer token, 403 read-only (no token configured, see {@link ControlRequests}), 404 unknown id or path, 405
 * other methods, 409 best, importance or the scaling fit not available yet (too few trials) or the search/trial
 * already ended, 500 unexpected failure, 503 database or broker unreachable. A 500 or 503 says
 * only what failed and an error id: the details (exception and SQL texts, which name tables, values and hosts) go
 * to the log under that id. Non-finite losses are
 * JSON null (see {@link Json}). Paged lists carry their full length in the {@code X-Total-Count} header; a limit
 * or offset out of range is a 400.
 * <p>
 * Hardening: a request whose Host header names another host is refused with 421 ({@link AllowedHosts}, against
 * DNS rebinding); a connection that sends nothing for the idle timeout is closed, so a request trickled in slowly
 * holds no thread and, once stalled, no socket; request headers are limited to {@value #MAX_HEADER_BYTES} bytes
 * (431) and bodies to {@value #MAX_BODY_BYTES} (413); live-update clients are bounded ({@link LiveUpdates}).
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    /** Handler threads; Jetty reads requests without a thread, so only requests being answered hold one. */
    private static final int THREADS = 8;
    static final int MAX_HEADER_BYTES = 8 * 1024;
    /** Only enqueue reads a body: one configuration, a few hundred bytes. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    public static final Duration IDLE_TIMEOUT_DEFAULT = Duration.ofSeconds(30);

    private final Server server;
    private final ServerConnector connector;
    private final ResultsStore store;
    private final Results results;
    private final Supplier<IngestStats> ingest;
    private final AggregatorMetrics metrics;
    private final LiveUpdates live;
    private final ControlRequests control;
    private final AllowedHosts allowedHosts;

    private HttpApi(String host, int port, Duration idleTimeout, AllowedHosts allowedHosts, ResultsStore store,
                    Supplier<IngestStats> ingest, AggregatorMetrics metrics, LiveUpdates live,
                    ControlRequests control) {
        this.store = store;
        this.results = new Results(store);
        this.ingest = ingest;
        this.metrics = metrics;
        this.live = live;
        this.control = control;
        this.allowedHosts = allowedHosts;
        QueuedThreadPool threads = new QueuedThreadPool(THREADS, 2);
        threads.setName("hpo-http");
        threads.setDaemon(true);
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
        http.setSendServerVersion(false);
        // ids may hold any character, '/' included, percent-encoded: the handler decodes segments itself
        http.setUriCompliance(UriCompliance.UNSAFE);
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(idleTimeout.toMillis());
        server.addConnector(connector);
        SizeLimitHandler bodyLimit = new SizeLimitHandler(MAX_BODY_BYTES, -1);
        bodyLimit.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                return HttpApi.this.handle(request, response, callback);
            }
        });
        server.setHandler(bodyLimit);
        server.setErrorHandler(HttpApi::protocolError);
    }

    /** {@link #start(String, int, Duration, Collection, ResultsStore, Supplier, AggregatorMetrics, LiveUpdates,
     * ControlRequests)} with the default idle timeout and no host names beyond localhost and IP literals. */
    public static HttpApi start(String host, int port, ResultsStore store, Supplier<IngestStats> ingest,
                                AggregatorMetrics metrics, LiveUpdates live, ControlRequests control) {
        return start(host, port, IDLE_TIMEOUT_DEFAULT, List.of(), store, ingest, metrics, live, control);
    }

    /**
     * Binds to host:port (port 0 = a free one) and starts serving; closes {@code control} when closed. Requests may
     * name this server by {@code allowedHosts} besides localhost, IP literals and {@code host}.
     */
    public static HttpApi start(String host, int port, Duration idleTimeout, Collection<String> allowedHosts,
                                ResultsStore store, Supplier<IngestStats> ingest, AggregatorMetrics metrics,
                                LiveUpdates live, ControlRequests control) {
        HttpApi api = new HttpApi(host, port, idleTimeout, new AllowedHosts(host, allowedHosts), store, ingest,
                metrics, live, control);
        try {
            api.server.start();
            return api;
        } catch (Exception e) {
            api.stopServer();
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return connector.getLocalPort();
    }

    public String url() {
        String host = connector.getHost();
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

    private boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        Reply reply;
        String host = request.getHeaders().get(HttpHeader.HOST);
        if (!allowedHosts.allows(host)) {
            reply = Reply.error(421, "host '" + host + "' is not served here: add it to "
                    + AggregatorConfig.API_ALLOWED_HOSTS);
        } else {
            List<String> path = segments(request.getHttpURI().getPath());
            try {
                if (method.equals("POST") && path != null && isCancel(path)) {
                    reply = cancel(request, response, path);
                } else if (method.equals("POST") && path != null && isEnqueue(path)) {
                    reply = enqueue(request, response, path.get(2));
                } else if (!method.equals("GET") && !method.equals("HEAD")) {
                    response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                    reply = Reply.error(405, "method " + method + " not allowed here");
                } else if (method.equals("GET") && List.of("api", "events").equals(path)) {
                    if (live.subscribe(request, response, callback)) {
                        return true;
                    }
                    reply = Reply.error(503, "too many live-update clients (at most " + live.maxClients() + ")");
                } else {
                    reply = path == null ? Reply.error(400, "malformed percent-encoding in path")
                            : route(path, request.getHttpURI().getQuery());
                }
            } catch (RuntimeException e) {
                reply = Reply.failure(500, "request " + request.getHttpURI().getPath() + " failed", e);
            }
        }
        send(response, callback, reply, method.equals("HEAD"));
        return true;
    }

    /**
     * Requests Jetty refuses before they reach {@link #handle} (a malformed request line, headers or body over the
     * limits), answered in the API's JSON form. A 5xx message could carry an exception's text: it gets the status's
     * name only.
     */
    private static boolean protocolError(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
        send(response, callback, Reply.error(status, message == null || status >= 500 ? HttpStatus.getMessage(status)
                : message.toString()), request.getMethod().equals("HEAD"));
        return true;
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
                TrialFilter filter;
                try {
                    filter = TrialFilter.parse(query.all("where"));
                } catch (IllegalArgumentException e) {
                    return Reply.error(400, e.getMessage());
                }
                return Reply.page(results.leaderboard(searchId, trialOrder(query), filter, p.limit(), p.offset()));
            }
            if (path.size() == 4 && path.get(3).equals("points")) {
                return Reply.ok(results.points(searchId));
            }
            if (path.size() == 4 && path.get(3).equals("best")) {
                return Reply.ok(results.best(searchId));
            }
            if (path.size() == 4 && path.get(3).equals("front")) {
                return Reply.ok(results.front(searchId));
            }
            if (path.size() == 4 && path.get(3).equals("lineage")) {
                return Reply.ok(Map.of("exploits", results.lineage(searchId)));
            }
            if (path.size() == 4 && path.get(3).equals("importance")) {
                return Reply.ok(results.importance(searchId));
            }
            if (path.size() == 4 && path.get(3).equals("pareto")) {
                SpendMeasure measure;
                try {
                    measure = query.get("cost") == null ? results.defaultCost(searchId)
                            : Results.costMeasure(query.get("cost"));
                } catch (IllegalArgumentException e) {
                    return Reply.error(400, e.getMessage());
                }
                QueryParameters.Paging p = query.paging(1000, 10_000);
                ParetoTrials pareto = results.pareto(searchId, measure, p.limit(), p.offset());
                return new Reply(200, pareto, Reply.JSON, (long) pareto.total());
            }
            if (path.size() == 4 && path.get(3).equals("scaling")) {
                String budget = query.get("budget");
                ComputeBudget.Asked asked;
                try {
                    asked = budget == null ? null : ComputeBudget.Asked.parse(budget, query.get("unit"));
                } catch (IllegalArgumentException e) {
                    return Reply.error(400, e.getMessage());
                }
                return Reply.ok(results.scaling(searchId, asked));
            }
            if (path.size() == 5 && path.get(3).equals("scaling") && path.get(4).equals("run")) {
                String budget = query.get("budget");
                ComputeBudget.Asked asked;
                try {
                    asked = ComputeBudget.Asked.parse(budget == null ? "" : budget, query.get("unit"));
                } catch (IllegalArgumentException e) {
                    return Reply.error(400, e.getMessage());
                }
                return Reply.ok(results.scaledRun(searchId, asked));
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

    private static boolean isEnqueue(List<String> path) {
        return path.size() == 4 && path.get(0).equals("api") && path.get(1).equals("searches")
                && path.get(3).equals("enqueue");
    }

    /** 403 on a read-only API, 401 without the token; null when the request may change the search. */
    private Reply refusedControl(Request request, Response response) {
        if (!control.enabled()) {
            return Reply.error(403, "API is read-only: set " + AggregatorConfig.API_TOKEN);
        }
        if (!control.authorized(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            return Reply.error(401, "missing or wrong bearer token");
        }
        return null;
    }

    /**
     * POST .../enqueue: checks the token, that the search still runs and that its recorded spec accepts the body's
     * configuration, then asks its driver to run it next.
     */
    private Reply enqueue(Request request, Response response, String searchId) {
        Reply refused = refusedControl(request, response);
        if (refused != null) {
            return refused;
        }
        String by = "api " + Request.getRemoteAddr(request);
        ControlEvent event;
        try {
            event = results.enqueueRequest(searchId, Content.Source.asString(request, StandardCharsets.UTF_8),
                    "request body", by);
        } catch (SpecException e) {
            return Reply.error(400, e.getMessage());
        } catch (IOException e) {
            return Reply.error(400, "cannot read the request body: " + e.getMessage());
        } catch (UnknownIdException e) {
            return Reply.error(404, e.getMessage());
        } catch (SearchFinishedException e) {
            return Reply.error(409, e.getMessage());
        } catch (SQLException e) {
            return Reply.failure(503, "results database unavailable", e);
        }
        try {
            control.publish(event);
        } catch (IllegalStateException e) {
            return Reply.failure(503, "control topic unavailable", e);
        }
        LOG.info("{} of {} {} requested by {}", event.type(), searchId, event.config(), by);
        return new Reply(202, Map.of("accepted", event.type(), "eventId", event.eventId(), "config", event.config()),
                Reply.JSON);
    }

    /** POST .../cancel: checks the token and that the search or trial is still running, then asks its driver. */
    private Reply cancel(Request request, Response response, List<String> path) {
        Reply refused = refusedControl(request, response);
        if (refused != null) {
            return refused;
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
            String by = "api " + Request.getRemoteAddr(request);
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

    private static void send(Response response, Callback callback, Reply reply, boolean headOnly) {
        byte[] body;
        try {
            body = reply.body() instanceof byte[] raw ? raw : Json.MAPPER.writeValueAsBytes(reply.body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a reply as JSON", e);
        }
        response.setStatus(reply.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (reply.total() != null) {
            response.getHeaders().put("X-Total-Count", String.valueOf(reply.total()));
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, headOnly ? null : ByteBuffer.wrap(body), callback);
    }

    private void stopServer() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("HTTP server did not stop cleanly: {}", e.toString());
        }
    }

    @Override
    public void close() {
        live.close();
        stopServer();
        control.close();
    }
}
