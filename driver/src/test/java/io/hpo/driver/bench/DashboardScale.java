package io.hpo.driver.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The dashboard and HTTP API at scale (issue #19), self-contained: give it an aggregator's base URL whose store
 * holds {@link #fill the scale data sets} (or any searches of your own, by id) and it returns the figures.
 * <ol>
 * <li>Load time of each search page in headless Chromium (over DevTools, real time, live updates on): from the
 * navigation until the leaderboard and the training curves are drawn (the parallel coordinates and contour with
 * them); median of {@value #PAGE_LOADS} loads, each load's time printed in order (the first ones meet a cold
 * server) with the last one's slowest requests. A page with a script error or an error panel fails the run
 * instead. Before them, the time of the first scaling fit of the search of many trials, which the pages then find
 * kept.</li>
 * <li>p50 and p99 latency of requests on one reused keep-alive connection ({@link HttpClient}, HTTP/1.1): {@code
 * /health}, a bare socket that answers a fixed reply (the floor of this machine and client), a static file, a
 * leaderboard page of 100 trials, hyperparameter importance, the kept scaling fit, every trial's points, a trial's
 * curve downsampled to 800 points, the search page's curves request (100 trials, 300 points each) and the searches
 * list (first page of 50, and 1,000 at once): {@value #HEAVY_REQUESTS} requests for
 * those that read every trial or a million steps, {@value #REQUESTS} for the others. The aggregator's collection
 * pauses during each are printed, from its own metrics.</li>
 * </ol>
 * Usage: start PostgreSQL and an aggregator, call {@link #fill} with the store's JDBC settings (full size:
 * {@link #fillFullSize}, about a minute on 2 cores), then {@code measure(aggregatorUrl, MANY_TRIALS, LONG_CURVES,
 * workDir)}. Without chromium on the PATH the page loads are reported as skipped.
 */
public final class DashboardScale {
    /** The search {@link #fill} stores with many trials. */
    public static final String MANY_TRIALS = "scale-many-trials";
    /** The search {@link #fill} stores with long curves. */
    public static final String LONG_CURVES = "scale-long-curves";
    static final int PAGE_LOADS = 7;
    private static final int WARM_UP = 10;
    /** Enough that p99 is the tenth slowest, not one blip. */
    private static final int REQUESTS = 1_000;
    // the search page's curves request reads a million steps, the points request every trial: fewer samples, so
    // that p99 is about the slowest
    private static final int HEAVY_REQUESTS = 20;
    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(60);
    /** A search page is loaded when it shows leaderboard rows and training curves, or failed when not "ready". */
    public static final String SEARCH_PAGE_STATE = "(() => {"
            + " const failed = document.querySelector('.panel.error');"
            + " if (failed) return 'error panel: ' + failed.textContent;"
            + " if (window.__errors && __errors.length) return 'script error: ' + __errors.join('; ');"
            + " return document.body.getAttribute('data-rendered') === 'search'"
            + " && document.querySelector('#curves path.curve.train')"
            + " && document.querySelector('#leaderboard tbody tr')"
            + " ? 'ready' : ''; })()";
    private static final String SEARCHES_PAGE_STATE = "(() => {"
            + " if (window.__errors && __errors.length) return 'script error: ' + __errors.join('; ');"
            + " return document.querySelector('#searches tbody tr') ? 'ready' : ''; })()";

    private DashboardScale() {
    }

    /** Full size: 10,000 trials (20 steps each), 100 trials of 10,000 steps, 1,000 small searches. */
    public static void fillFullSize(String jdbcUrl, String user, String password) throws SQLException {
        fill(jdbcUrl, user, password, 10_000, 20, 100, 10_000, 1_000);
    }

    /**
     * Stores {@link #MANY_TRIALS} ({@code trials} trials of {@code trialSteps} steps), {@link #LONG_CURVES}
     * ({@code curveTrials} trials of {@code curveSteps} steps) and {@code searches} more small searches, by SQL
     * into a store an aggregator has already migrated (see {@link ScaleDatasets}).
     */
    public static void fill(String jdbcUrl, String user, String password, int trials, int trialSteps,
                            int curveTrials, int curveSteps, int searches) throws SQLException {
        ScaleDatasets.search(jdbcUrl, user, password, MANY_TRIALS, trials, trialSteps);
        ScaleDatasets.search(jdbcUrl, user, password, LONG_CURVES, curveTrials, curveSteps);
        ScaleDatasets.manySearches(jdbcUrl, user, password, searches);
    }

    /** Measures the figures above against the aggregator at {@code baseUrl}; chromium's profile goes in workDir. */
    public static List<ScaleFigure> measure(String baseUrl, String manyTrials, String longCurves, Path workDir)
            throws IOException, InterruptedException {
        List<ScaleFigure> figures = new ArrayList<>();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // before the pages ask for it: the fit itself, which the aggregator then keeps until a trial ends
        String scaling = baseUrl + "/api/searches/" + enc(manyTrials) + "/scaling";
        long fitStart = System.nanoTime();
        get(client, scaling);
        figures.add(new ScaleFigure("scaling fit of " + manyTrials + ", first request", ms((System.nanoTime()
                - fitStart) / 1e6), "-"));
        figures.addAll(pageLoads(baseUrl, List.of(manyTrials, longCurves), workDir));
        String firstTrial = firstTrial(client, baseUrl, longCurves);
        String curves = baseUrl + "/api/searches/" + enc(longCurves);
        figures.addAll(latency(client, "keep-alive GET /health", baseUrl + "/health", REQUESTS, "< 10 ms"));
        figures.addAll(floor(client));
        // the HTTP path alone, no database: what is left of /health's time without its ping
        figures.addAll(latency(client, "keep-alive GET /assets/style.css", baseUrl + "/assets/style.css", REQUESTS,
                "-"));
        figures.addAll(latency(client, "leaderboard page (100 of " + manyTrials + ")", baseUrl + "/api/searches/"
                + enc(manyTrials) + "/trials?limit=100", REQUESTS, "-"));
        figures.addAll(latency(client, "hyperparameter importance of " + manyTrials, baseUrl + "/api/searches/"
                + enc(manyTrials) + "/importance", HEAVY_REQUESTS, "< 1 s"));
        figures.addAll(latency(client, "scaling fit of " + manyTrials + ", kept", scaling, HEAVY_REQUESTS, "-"));
        figures.addAll(latency(client, "every trial's points (" + manyTrials + ")", baseUrl + "/api/searches/"
                + enc(manyTrials) + "/points", HEAVY_REQUESTS, "-"));
        figures.addAll(latency(client, "one curve downsampled to 800 points", curves + "/trials/" + enc(firstTrial)
                + "/curve?points=800", REQUESTS, "-"));
        figures.addAll(latency(client, "search page curves (100 trials x 300 points)", curves
                + "/curves?points=300&limit=100", HEAVY_REQUESTS, "-"));
        figures.addAll(latency(client, "searches list, first 50", baseUrl + "/api/searches?limit=50", REQUESTS, "-"));
        figures.addAll(latency(client, "searches list, 1000 at once", baseUrl + "/api/searches?limit=1000", REQUESTS,
                "-"));
        return figures;
    }

    private static List<ScaleFigure> pageLoads(String baseUrl, List<String> searches, Path workDir)
            throws IOException, InterruptedException {
        Path binary = DevToolsChromium.binary().orElse(null);
        if (binary == null) {
            return List.of(new ScaleFigure("search page loads in Chromium", "skipped: no chromium on the PATH",
                    "< 2 s"));
        }
        List<ScaleFigure> out = new ArrayList<>();
        Path profile = Files.createTempDirectory(Files.createDirectories(workDir), "chromium");
        try (DevToolsChromium browser = DevToolsChromium.launch(binary, profile)) {
            out.add(new ScaleFigure("searches page load (first 50)", ms(medianLoad(browser, baseUrl + "/#/",
                    SEARCHES_PAGE_STATE)), "< 2 s"));
            for (String search : searches) {
                out.add(new ScaleFigure("search page load, " + search, ms(medianLoad(browser,
                        baseUrl + "/#/search/" + enc(search), SEARCH_PAGE_STATE)), "< 2 s"));
            }
        }
        return out;
    }

    /** Where a page load's time went: when it was ready, and its slowest requests (start and duration, ms). */
    private static final String LOAD_TIMING = "JSON.stringify({ready: Math.round(performance.now()),"
            + " slowest: performance.getEntriesByType('resource').map(r => [r.name.replace(location.origin, ''),"
            + " Math.round(r.startTime), Math.round(r.duration)]).sort((a, b) => b[2] - a[2]).slice(0, 6)})";

    private static double medianLoad(DevToolsChromium browser, String url, String state) throws InterruptedException {
        double[] ms = new double[PAGE_LOADS];
        for (int i = 0; i < PAGE_LOADS; i++) {
            ms[i] = browser.load(url, state, PAGE_TIMEOUT).toNanos() / 1e6;
        }
        System.out.println("loads of " + url + " in order (ms): " + Arrays.toString(Arrays.stream(ms)
                .map(Math::rint).toArray()) + "; the last one: " + browser.evaluate(LOAD_TIMING).asText());
        Arrays.sort(ms);
        return ms[PAGE_LOADS / 2];
    }

    private static String firstTrial(HttpClient client, String baseUrl, String searchId)
            throws IOException, InterruptedException {
        String body = get(client, baseUrl + "/api/searches/" + enc(searchId) + "/trials?limit=1");
        int at = body.indexOf("\"trialId\":\"");
        if (at < 0) {
            throw new IllegalStateException("search " + searchId + " has no trials: " + body);
        }
        int start = at + "\"trialId\":\"".length();
        return body.substring(start, body.indexOf('"', start));
    }

    /** p50 and p99 of {@code requests} GETs after {@value #WARM_UP} unmeasured ones, all on one connection. */
    private static List<ScaleFigure> latency(HttpClient client, String measure, String url, int requests,
                                             String target) throws IOException, InterruptedException {
        String metrics = URI.create(url).resolve("/metrics").toString();
        double[] gcBefore = collections(client, metrics);
        double[] ms = timed(client, url, requests);
        double[] gcAfter = collections(client, metrics);
        System.out.printf(Locale.ROOT, "%s: %d requests, slowest %.1f ms; the aggregator paused for %.0f collections,"
                        + " %.0f ms in all%n", measure, requests, ms[requests - 1], gcAfter[0] - gcBefore[0],
                (gcAfter[1] - gcBefore[1]) * 1e3);
        return percentiles(measure, ms, target);
    }

    /**
     * The machine's floor for a keep-alive request: the same client against a server that only reads a request's
     * head and writes a fixed answer on a loopback socket, no HTTP library, no handler, no database.
     */
    private static List<ScaleFigure> floor(HttpClient client) throws IOException, InterruptedException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread accepting = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket connection = server.accept();
                        Thread serving = new Thread(() -> answerFixed(connection), "floor-connection");
                        serving.setDaemon(true);
                        serving.start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "floor-accept");
            accepting.setDaemon(true);
            accepting.start();
            double[] ms = timed(client, "http://127.0.0.1:" + server.getLocalPort() + "/", REQUESTS);
            return percentiles("keep-alive GET, a bare socket answering a fixed reply (the floor)", ms, "-");
        }
    }

    private static void answerFixed(Socket connection) {
        byte[] reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);
        try (connection; InputStream in = connection.getInputStream();
             OutputStream out = connection.getOutputStream()) {
            connection.setTcpNoDelay(true);
            int last4 = 0;
            for (int b = in.read(); b >= 0; b = in.read()) {
                last4 = last4 << 8 | b;
                if (last4 == 0x0d0a0d0a) {
                    out.write(reply);
                    out.flush();
                    last4 = 0;
                }
            }
        } catch (IOException closed) {
            // the client went: nothing to answer
        }
    }

    /** The times of {@code requests} GETs after {@value #WARM_UP} unmeasured ones, all on one connection, sorted. */
    private static double[] timed(HttpClient client, String url, int requests) throws IOException,
            InterruptedException {
        for (int i = 0; i < WARM_UP; i++) {
            get(client, url);
        }
        double[] ms = new double[requests];
        for (int i = 0; i < requests; i++) {
            long start = System.nanoTime();
            get(client, url);
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return ms;
    }

    private static List<ScaleFigure> percentiles(String measure, double[] sorted, String target) {
        return List.of(new ScaleFigure(measure + ", p50", ms(sorted[sorted.length / 2]), target),
                new ScaleFigure(measure + ", p99", ms(sorted[sorted.length * 99 / 100]), target));
    }

    /** The aggregator's collection pauses so far and their total seconds, from its Prometheus metrics. */
    private static double[] collections(HttpClient client, String metricsUrl) throws IOException,
            InterruptedException {
        double count = 0;
        double seconds = 0;
        for (String line : get(client, metricsUrl).split("\n")) {
            if (line.startsWith("jvm_gc_pause_seconds_count")) {
                count += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("jvm_gc_pause_seconds_sum")) {
                seconds += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return new double[]{count, seconds};
    }

    private static String get(HttpClient client, String url) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    private static String ms(double ms) {
        return String.format(Locale.ROOT, ms < 10 ? "%.2f ms" : "%.0f ms", ms);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
