package io.hpo.aggregator.api;

import io.hpo.aggregator.ingest.IngestStats;
import io.hpo.aggregator.metrics.AggregatorMetrics;
import io.hpo.aggregator.store.Database;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.support.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The API against hostile or broken clients, each a real socket: a foreign Host header (DNS rebinding), a client
 * that stops reading its live-update stream, one live-update client too many, a request sent half-way (slowloris),
 * oversized headers and bodies.
 */
class HttpHardeningTest {
    private static final Duration IDLE_TIMEOUT = Duration.ofMillis(1000);
    private static final int LIVE_CLIENTS = 2;
    private static Database db;
    private static LiveUpdates live;
    private static HttpApi api;

    @BeforeAll
    static void start() throws Exception {
        db = TestServices.migratedDatabase();
        live = new LiveUpdates(LIVE_CLIENTS);
        api = HttpApi.start("127.0.0.1", 0, IDLE_TIMEOUT, List.of("Results.Example"), new ResultsStore(db),
                () -> IngestStats.NONE, new AggregatorMetrics(), live, ControlRequests.readOnly());
    }

    @AfterAll
    static void stop() {
        api.close();
        db.close();
    }

    @Test
    void aForeignHostNameIsRefusedWithOneLine() throws Exception {
        String refused = exchange("GET /health HTTP/1.1\r\nHost: rebound.attacker.example:" + api.port()
                + "\r\nConnection: close\r\n\r\n");
        assertTrue(refused.startsWith("HTTP/1.1 421 "), refused);
        String body = refused.substring(refused.indexOf("\r\n\r\n") + 4);
        assertEquals("{\"error\":\"host 'rebound.attacker.example:" + api.port() + "' is not served here: add it to"
                + " hpo.aggregator.api.allowed.hosts\"}", body);
        assertTrue(exchange("GET /api/events HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
                .startsWith("HTTP/1.1 421 "), "the live stream is guarded too");

        for (String host : List.of("localhost", "LOCALHOST.:1", "127.0.0.1:" + api.port(), "[::1]:8088",
                "results.example", "10.1.2.3:8088")) {
            String ok = exchange("GET /health HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            assertTrue(ok.startsWith("HTTP/1.1 200 "), host + ": " + ok);
        }
    }

    @Test
    void aStalledLiveClientIsDroppedWhileAnotherKeepsReceivingWithinASecond() throws Exception {
        try (Socket stalled = new Socket()) {
            // a small receive window that is never read: the server's writes to it stop at once
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", api.port()));
            stalled.getOutputStream().write(request("/api/events"));
            awaitSubscribers(1);
            try (Stream reader = Stream.open("/api/events")) {
                reader.await(": connected", Duration.ofSeconds(5));
                awaitSubscribers(2);
                assertTrue(exchange("GET /api/events HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                        .startsWith("HTTP/1.1 503 "), "one client more than " + LIVE_CLIENTS);

                List<String> filler = new ArrayList<>();
                for (int i = 0; i < 2000; i++) {
                    filler.add(String.format("search-%04d-padding-to-make-each-event-about-a-hundred-kilobytes", i));
                }
                int round = 0;
                while (live.subscribers() == 2) {
                    if (++round > 500) {
                        fail("the stalled client was never dropped");
                    }
                    live.searchesChanged(filler);
                    live.searchesChanged(Set.of("round-" + round));
                    long sent = System.nanoTime();
                    reader.await("data: [\"round-" + round + "\"]", Duration.ofSeconds(1));
                    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
                    assertTrue(ms < 1000, "round " + round + " reached the reading client after " + ms + " ms");
                }
                assertEquals(1, live.subscribers());
                assertTrue(endsWithin(stalled, Duration.ofSeconds(30)), "the stalled client's connection is closed");

                live.searchesChanged(Set.of("after"));
                reader.await("data: [\"after\"]", Duration.ofSeconds(1));
                try (Stream another = Stream.open("/api/events")) {
                    another.await(": connected", Duration.ofSeconds(5));
                }
            }
        }
    }

    @Test
    void aRequestSentHalfWayIsCutAfterTheIdleTimeout() throws Exception {
        try (Socket slow = new Socket("127.0.0.1", api.port())) {
            slow.getOutputStream().write("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: "
                    .getBytes(StandardCharsets.US_ASCII));
            long sent = System.nanoTime();
            assertTrue(endsWithin(slow, Duration.ofSeconds(10)), "the half-sent request's connection is closed");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            assertTrue(ms >= IDLE_TIMEOUT.toMillis() - 100 && ms < IDLE_TIMEOUT.toMillis() + 3000,
                    "closed after " + ms + " ms");
        }
    }

    @Test
    void headersAndBodiesAreBounded() throws Exception {
        String big = "x".repeat(HttpApi.MAX_HEADER_BYTES);
        String tooLarge = exchange("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + big
                + "\r\nConnection: close\r\n\r\n");
        assertTrue(tooLarge.startsWith("HTTP/1.1 431 "), tooLarge);
        assertTrue(tooLarge.endsWith("\r\n\r\n{\"error\":\"Request Header Fields Too Large\"}"), tooLarge);
        String bodyTooLarge = exchange("POST /api/searches/s/cancel HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                + (HttpApi.MAX_BODY_BYTES + 1) + "\r\nConnection: close\r\n\r\n");
        assertTrue(bodyTooLarge.startsWith("HTTP/1.1 413 "), bodyTooLarge);
    }

    private static byte[] request(String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes a raw request and reads until the server closes the connection (or 10 s pass). */
    private static String exchange(String rawRequest) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", api.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(rawRequest.getBytes(StandardCharsets.US_ASCII));
            StringBuilder out = new StringBuilder();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = socket.getInputStream().read(buf)) > 0; ) {
                    out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (SocketException e) {
                // a reset after a refusal ends the exchange too
            }
            return out.toString();
        }
    }

    /** Whether the server ends the connection (end of stream or reset) within {@code limit}, reading what is left. */
    private static boolean endsWithin(Socket socket, Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[64 * 1024];
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            try {
                if (in.read(buf) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException e) {
                return true;
            }
        }
        return false;
    }

    private static void awaitSubscribers(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (live.subscribers() != n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(n, live.subscribers());
    }

    /** A live-update client that reads its stream line by line on a thread of its own. */
    private record Stream(Socket socket, BlockingQueue<String> lines) implements AutoCloseable {
        static Stream open(String path) throws IOException {
            Socket socket = new Socket("127.0.0.1", api.port());
            socket.getOutputStream().write(request(path));
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // closed by the test
                }
            }, "live-reader");
            t.setDaemon(true);
            t.start();
            return new Stream(socket, lines);
        }

        void await(String line, Duration limit) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            for (String l; (l = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) != null; ) {
                if (l.equals(line)) {
                    return;
                }
            }
            fail("no line '" + line + "' within " + limit.toMillis() + " ms");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
