package io.hpo.driver.notify;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One delivery's tries against a real local HTTP server: what is tried again, what is not, and the bounds. */
class WebhookDeliveryTest {
    private static final String SECRET = "s3cr3t-never-printed";
    private static final byte[] BODY = "{\"searchId\":\"s\"}".getBytes(StandardCharsets.UTF_8);

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private WebhookDelivery delivery(int attempts, Duration deadline, Duration requestTimeout) {
        WebhookSettings settings = new WebhookSettings(Optional.of(SECRET), attempts, deadline, requestTimeout,
                Duration.ofMillis(50), Optional.empty());
        return new WebhookDelivery(HttpClient.newBuilder().connectTimeout(requestTimeout).build(), settings,
                new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    private String logged() {
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    void twoServerErrorsThenSuccessAreExactlyThreeTriesOfOneDelivery() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.answering(503, 503, 200)) {
            WebhookDelivery.Result result = delivery(5, Duration.ofSeconds(30), Duration.ofSeconds(5))
                    .post(receiver.url(), BODY);

            assertEquals(new WebhookDelivery.Result(true, 3, "HTTP 200"), result);
            List<WebhookReceiver.Request> requests = receiver.requests();
            assertEquals(3, requests.size());
            String id = requests.get(0).header(WebhookDelivery.DELIVERY_HEADER);
            assertTrue(id.matches("[0-9a-f-]{36}"), id);
            for (int i = 0; i < 3; i++) {
                WebhookReceiver.Request r = requests.get(i);
                assertEquals(id, r.header(WebhookDelivery.DELIVERY_HEADER), "one delivery id across its tries");
                assertEquals(String.valueOf(i + 1), r.header(WebhookDelivery.ATTEMPT_HEADER));
                assertEquals("application/json", r.header("Content-Type"));
                assertEquals(Receivers.signature(SECRET, r.header(WebhookDelivery.TIMESTAMP_HEADER), r.body()),
                        r.header(WebhookDelivery.SIGNATURE_HEADER), "each try signed with its own timestamp");
            }
            assertEquals(2, logged().lines().filter(l -> l.contains("HTTP 503; trying again in")).count(), logged());
            assertTrue(logged().contains("posted to http://127.0.0.1:"), logged());
            assertFalse(logged().contains("query-token"), "logs show the URL without its query: " + logged());
            assertFalse(logged().contains(SECRET));
        }
    }

    @Test
    void aClientErrorIsNotTriedAgain() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.answering(400, 200)) {
            WebhookDelivery.Result result = delivery(5, Duration.ofSeconds(30), Duration.ofSeconds(5))
                    .post(receiver.url(), BODY);

            assertEquals(new WebhookDelivery.Result(false, 1, "HTTP 400"), result);
            assertEquals(1, receiver.requests().size());
            assertTrue(logged().contains("attempt 1 of 5: HTTP 400; not tried again"), logged());
        }
    }

    @Test
    void tooManyRequestsIsTriedAgainAndTheAttemptsAreBounded() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.answering(429)) {
            WebhookDelivery.Result result = delivery(3, Duration.ofSeconds(30), Duration.ofSeconds(5))
                    .post(receiver.url(), BODY);

            assertEquals(new WebhookDelivery.Result(false, 3, "HTTP 429"), result);
            assertEquals(3, receiver.requests().size());
            assertTrue(logged().contains("attempt 3 of 3: HTTP 429; no attempts left"), logged());
        }
    }

    @Test
    void aRetryAfterLongerThanTheBackoffIsWaitedAndOnePastTheDeadlineEndsTheDelivery() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.answering("1", 503, 200)) {
            WebhookDelivery.Result result = delivery(5, Duration.ofSeconds(30), Duration.ofSeconds(5))
                    .post(receiver.url(), BODY);

            assertEquals(new WebhookDelivery.Result(true, 2, "HTTP 200"), result);
            List<WebhookReceiver.Request> requests = receiver.requests();
            long gapMs = (requests.get(1).receivedNanos() - requests.get(0).receivedNanos()) / 1_000_000;
            assertTrue(gapMs >= 1000, "waited the asked 1 s, not the 50 ms backoff: " + gapMs + " ms");
            assertTrue(logged().contains("HTTP 503; trying again in 1000 ms"), logged());
        }
        try (WebhookReceiver receiver = WebhookReceiver.answering("3600", 429, 200)) {
            WebhookDelivery.Result result = delivery(5, Duration.ofSeconds(30), Duration.ofSeconds(5))
                    .post(receiver.url(), BODY);

            assertEquals(new WebhookDelivery.Result(false, 1, "HTTP 429"), result);
            assertTrue(logged().contains("HTTP 429; the 30000 ms delivery deadline would pass"), logged());
        }
    }

    @Test
    void anUnreachableWebhookIsTriedUntilItsAttemptsRunOut() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        WebhookDelivery.Result result = delivery(4, Duration.ofSeconds(30), Duration.ofSeconds(2))
                .post(URI.create("http://127.0.0.1:" + closedPort + "/hook"), BODY);

        assertFalse(result.delivered());
        assertEquals(4, result.attempts());
        assertTrue(result.lastStatus().startsWith("ConnectException"), result.lastStatus());
        assertTrue(logged().contains("no attempts left"), logged());
    }

    @Test
    void aServerThatNeverAnswersCostsAtMostTheDeadline() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.answering(0)) {
            long start = System.nanoTime();
            WebhookDelivery.Result result = delivery(10, Duration.ofMillis(1500), Duration.ofMillis(400))
                    .post(receiver.url(), BODY);
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertFalse(result.delivered());
            assertEquals("HttpTimeoutException (request timed out)", result.lastStatus());
            assertTrue(result.attempts() >= 2 && result.attempts() < 10, result.toString());
            assertTrue(tookMs < 1500 + 400, "took " + tookMs + " ms");
            assertTrue(logged().contains("delivery deadline would pass"), logged());
        }
    }
}
