package io.hpo.driver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless {@code chromium} driven over the DevTools protocol (a WebSocket, the JDK's client), for what
 * a DOM dump cannot tell: how long a page takes until a condition holds, measured in real time, and the script
 * errors it raised. Flags keep it off the network and out of the user's profile.
 */
public final class DevToolsChromium implements AutoCloseable {
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    // installed before every page's own scripts: collects uncaught errors and rejections for errors()
    private static final String ERROR_TRAP = "window.__errors = [];"
            + "addEventListener('error', e => __errors.push(String(e.message)));"
            + "addEventListener('unhandledrejection', e => __errors.push(String(e.reason)));";

    private final Process process;
    // set once by launch, right after the connection opens (its listener needs this instance first)
    private WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    private DevToolsChromium(Process process) {
        this.process = process;
    }

    /** The browser binary on the PATH, if any. */
    public static Optional<Path> binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            for (String name : NAMES) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** Starts chromium with a fresh profile in {@code profile} and attaches to its blank page. */
    public static DevToolsChromium launch(Path binary, Path profile) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-dev-shm-usage", "--remote-debugging-port=0", "--remote-allow-origins=*",
                "--window-size=1400,1200", "--user-data-dir=" + profile.toAbsolutePath(), "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            URI browser = URI.create(devToolsUrl(p));
            HttpClient http = HttpClient.newHttpClient();
            URI list = URI.create("http://" + browser.getAuthority() + "/json/list");
            JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(list).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String page = null;
            for (JsonNode t : targets) {
                if (t.get("type").asText().equals("page")) {
                    page = t.get("webSocketDebuggerUrl").asText();
                }
            }
            if (page == null) {
                throw new IllegalStateException("chromium shows no page: " + targets);
            }
            DevToolsChromium chromium = new DevToolsChromium(p);
            chromium.socket = http.newWebSocketBuilder().buildAsync(URI.create(page), chromium.listener())
                    .get(30, TimeUnit.SECONDS);
            chromium.call("Page.enable", JSON.createObjectNode());
            chromium.call("Page.addScriptToEvaluateOnNewDocument", JSON.createObjectNode().put("source", ERROR_TRAP));
            return chromium;
        } catch (Exception e) {
            p.destroyForcibly();
            throw e instanceof IOException io ? io : new IOException("cannot attach to chromium: " + e, e);
        }
    }

    private static String devToolsUrl(Process p) throws IOException {
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = err.readLine()) != null; ) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> err.lines().forEach(l -> { }), "chromium-stderr");
                drain.setDaemon(true);
                drain.start();
                return m.group(1);
            }
            seen.append(line).append('\n');
        }
        throw new IllegalStateException("chromium exited without a DevTools endpoint: " + seen);
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            private final StringBuilder message = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                message.append(data);
                if (last) {
                    received(message.toString());
                    message.setLength(0);
                }
                ws.request(1);
                return null;
            }
        };
    }

    private void received(String text) {
        try {
            JsonNode msg = JSON.readTree(text);
            if (msg.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asInt());
                if (f != null) {
                    f.complete(msg);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("DevTools sent no JSON: " + text, e);
        }
    }

    private JsonNode call(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params);
        socket.sendText(msg.toString(), true).join();
        try {
            JsonNode r = reply.get(60, TimeUnit.SECONDS);
            if (r.has("error")) {
                throw new IllegalStateException(method + " failed: " + r.get("error"));
            }
            return r.get("result");
        } catch (Exception e) {
            throw new IllegalStateException(method + " got no answer: " + e, e);
        }
    }

    /** The value of a JavaScript expression in the page, as JSON. */
    public JsonNode evaluate(String expression) {
        JsonNode result = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("returnByValue", true)).get("result");
        return result.has("value") ? result.get("value") : JSON.nullNode();
    }

    /**
     * Loads {@code url} afresh and polls {@code state} (a JavaScript expression) every 5 ms until it gives "ready";
     * returns the time from the navigation request until then. Any other non-empty answer is a failure.
     */
    public Duration load(String url, String state, Duration timeout) throws InterruptedException {
        // from a blank page, so that a URL differing only in its #fragment loads afresh too
        call("Page.navigate", JSON.createObjectNode().put("url", "about:blank"));
        long start = System.nanoTime();
        call("Page.navigate", JSON.createObjectNode().put("url", url));
        awaitState(url, state, start + timeout.toNanos());
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Polls {@code state} as {@link #load} does, on the page as it is, until it gives "ready". */
    public void await(String state, Duration timeout) throws InterruptedException {
        awaitState(evaluate("location.href").asText(), state, System.nanoTime() + timeout.toNanos());
    }

    private void awaitState(String url, String state, long deadline) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            String s = evaluate(state).asText("");
            if (s.equals("ready")) {
                return;
            }
            if (!s.isEmpty()) {
                throw new IllegalStateException(url + ": " + s);
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException(url + " not ready: " + evaluate("document.body.innerText"));
    }

    /**
     * Presses the left button at (x0, y0) in the viewport's CSS pixels, moves in a few steps to (x1, y1) and
     * releases it there: what a user's drag sends the page.
     */
    public void drag(double x0, double y0, double x1, double y1) {
        mouse("mousePressed", x0, y0, 1, 1);
        for (int i = 1; i <= 4; i++) {
            mouse("mouseMoved", x0 + (x1 - x0) * i / 4, y0 + (y1 - y0) * i / 4, 1, 0);
        }
        mouse("mouseReleased", x1, y1, 0, 1);
    }

    /** Two clicks of the left button at (x, y), which the page receives as a dblclick. */
    public void doubleClick(double x, double y) {
        for (int clicks = 1; clicks <= 2; clicks++) {
            mouse("mousePressed", x, y, 1, clicks);
            mouse("mouseReleased", x, y, 0, clicks);
        }
    }

    private void mouse(String type, double x, double y, int buttons, int clickCount) {
        call("Input.dispatchMouseEvent", JSON.createObjectNode().put("type", type).put("x", x).put("y", y)
                .put("button", "left").put("buttons", buttons).put("clickCount", clickCount));
    }

    /** Writes what the viewport shows now as a PNG. */
    public void screenshot(Path png) throws IOException {
        capture(JSON.createObjectNode().put("format", "png"), png);
    }

    /**
     * Writes the element {@code selector} picks as a PNG, the whole element even where it ran past the viewport
     * (which this leaves as tall as the page), at {@code scale} device pixels per CSS pixel (2 keeps a chart's text
     * sharp in a README).
     */
    public void screenshot(Path png, String selector, double scale) throws IOException {
        // a viewport as tall as the page first: capturing beyond the viewport would drop the scroll bar, widen the
        // page and so redraw its charts (they scale with the width) larger than the box measured before
        call("Emulation.setDeviceMetricsOverride", JSON.createObjectNode()
                .put("width", evaluate("innerWidth").asInt()).put("height", Math.max(evaluate("innerHeight").asInt(),
                        evaluate("document.documentElement.scrollHeight").asInt()))
                .put("deviceScaleFactor", 0).put("mobile", false));
        JsonNode box = evaluate("(() => { const e = document.querySelector(" + JSON.valueToTree(selector) + ");"
                + " if (!e) return null; const r = e.getBoundingClientRect();"
                + " return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}; })()");
        if (box.isNull()) {
            throw new IllegalStateException("nothing on the page matches " + selector);
        }
        ObjectNode clip = JSON.createObjectNode().put("x", box.get("x").asDouble()).put("y", box.get("y").asDouble())
                .put("width", box.get("width").asDouble()).put("height", box.get("height").asDouble())
                .put("scale", scale);
        ObjectNode params = JSON.createObjectNode().put("format", "png");
        params.set("clip", clip);
        capture(params, png);
    }

    private void capture(ObjectNode params, Path png) throws IOException {
        String data = call("Page.captureScreenshot", params).get("data").asText();
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, Base64.getDecoder().decode(data));
    }

    /** The uncaught errors and unhandled rejections of the current page so far. */
    public List<String> errors() {
        List<String> out = new ArrayList<>();
        evaluate("window.__errors || []").forEach(e -> out.add(e.asText()));
        return out;
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
