package io.hpo.driver.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.driver.SearchOutcome;
import io.hpo.driver.SearchStatus;
import io.hpo.driver.TrialSummary;
import io.hpo.events.TrialStatus;
import io.hpo.space.Hyperparameter;
import io.hpo.space.Hyperparameters;
import io.hpo.space.cost.Spend;
import io.hpo.space.spec.NotifySpec;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import io.hpo.worker.trial.TrainingResult;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The summary a search's webhook receives, when it receives one, and how long the driver waits for it. */
class SearchNotifierTest {
    private static final String SECRET = "shared-secret-never-printed";
    private static final long STARTED = Instant.parse("2026-01-02T03:04:05Z").toEpochMilli();

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private static SearchSpec spec(String webhook, String endings) {
        return SpecLoader.parse("name: notified\nbudget: {max_tokens: 1000}\nnotify: {webhook: '" + webhook + "'"
                + (endings == null ? "" : ", endings: " + endings) + "}\n", "notified.yaml");
    }

    private SearchNotifier notifier(SearchSpec spec, Optional<String> secret, Duration deadline) {
        WebhookSettings settings = new WebhookSettings(secret, 3, deadline, Duration.ofSeconds(2),
                Duration.ofMillis(50), Optional.of("http://dash.example:8088"));
        return new SearchNotifier(spec, settings, new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    private static TrialSummary trial(String id, TrialStatus status, double loss, double learningRate) {
        Hyperparameters hp = Hyperparameters.defaults().with(Hyperparameter.LEARNING_RATE, learningRate);
        return new TrialSummary(id, hp, new TrainingResult(status, 20, 640, loss, 10, 320, null, 1000),
                new Spend(2, 640, 1e9, 0.001, 0.0005, 0.01), new TreeMap<>());
    }

    private static SearchOutcome budgetExhausted() {
        return new SearchOutcome("notified-1", SearchStatus.BUDGET_EXHAUSTED,
                Optional.of("max_tokens 1000 tokens reached: 1280 tokens spent"),
                List.of(trial("trial-000", TrialStatus.COMPLETED, 2.5, 0.001),
                        trial("trial-001", TrialStatus.PRUNED, 2.25, 0.002)), STARTED, 60_000);
    }

    @Test
    void theEndIsPostedSignedWithTheSearchsSummary() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.answering(200)) {
            SearchNotifier notifier = notifier(spec(receiver.url().toString(), null), Optional.of(SECRET),
                    Duration.ofSeconds(20));
            notifier.ended(budgetExhausted());
            notifier.awaitDelivery();

            assertEquals(1, receiver.requests().size());
            WebhookReceiver.Request r = receiver.requests().get(0);
            assertEquals(Receivers.signature(SECRET, r.header(WebhookDelivery.TIMESTAMP_HEADER), r.body()),
                    r.header(WebhookDelivery.SIGNATURE_HEADER));
            assertNull(r.header("Upgrade"), "plain HTTP/1.1, no h2c upgrade offered with the POST");
            assertEquals("application/json", r.header("Content-Type"));
            assertTrue(Math.abs(Long.parseLong(r.header(WebhookDelivery.TIMESTAMP_HEADER))
                    - System.currentTimeMillis() / 1000) < 60, "the timestamp is the time of sending, in seconds");
            JsonNode json = new ObjectMapper().readTree(r.body());
            assertEquals("notified-1", json.get("searchId").asText());
            assertEquals("notified", json.get("name").asText());
            assertEquals("BUDGET_EXHAUSTED", json.get("outcome").asText());
            assertEquals("max_tokens 1000 tokens reached: 1280 tokens spent", json.get("budgetReached").asText());
            assertTrue(json.get("error").isNull());
            assertEquals(2, json.get("trials").get("total").asInt());
            assertEquals(1, json.get("trials").get("COMPLETED").asInt());
            assertEquals(1, json.get("trials").get("PRUNED").asInt());
            assertFalse(json.get("trials").has("FAILED"));
            JsonNode best = json.get("best");
            assertEquals("trial-001", best.get("trialId").asText());
            assertEquals(2.25, best.get("validationLoss").asDouble());
            assertEquals(10, best.get("step").asLong());
            assertEquals(0.002, best.get("hyperparameters").get("learning_rate").asDouble());
            assertEquals(Hyperparameter.NAMES.size(), best.get("hyperparameters").size());
            assertEquals(1280, json.get("spend").get("tokens").asLong());
            assertEquals(4.0, json.get("spend").get("executorSeconds").asDouble());
            assertEquals("2026-01-02T03:04:05Z", json.get("startedAt").asText());
            assertTrue(Instant.parse(json.get("endedAt").asText()).isAfter(Instant.ofEpochMilli(STARTED)));
            assertEquals("http://dash.example:8088/#/search/notified-1", json.get("dashboardUrl").asText());
            assertFalse(log.toString(StandardCharsets.UTF_8).contains(SECRET));
            assertFalse(log.toString(StandardCharsets.UTF_8).contains("warning"), log.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void anEndingTheSpecDoesNotListPostsNothing() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.answering(200)) {
            SearchNotifier notifier = notifier(spec(receiver.url().toString(), "[failed, completed]"),
                    Optional.of(SECRET), Duration.ofSeconds(20));
            notifier.ended(budgetExhausted());
            notifier.awaitDelivery();

            assertEquals(List.of(), receiver.requests());
        }
    }

    @Test
    void aFailedSearchIsPostedWithItsErrorAndNoResults() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.answering(200)) {
            SearchNotifier notifier = notifier(spec(receiver.url().toString(), "[failed]"), Optional.of(SECRET),
                    Duration.ofSeconds(20));
            notifier.failed("notified-2", STARTED, "lost the event bus");
            notifier.awaitDelivery();

            JsonNode json = new ObjectMapper().readTree(receiver.requests().get(0).body());
            assertEquals("FAILED", json.get("outcome").asText());
            assertEquals("lost the event bus", json.get("error").asText());
            assertTrue(json.get("trials").isNull());
            assertTrue(json.get("best").isNull());
        }
    }

    @Test
    void withoutASecretTheEndIsPostedUnsignedAfterOneWarning() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.answering(200)) {
            SearchNotifier notifier = notifier(spec(receiver.url().toString(), null), Optional.empty(),
                    Duration.ofSeconds(20));
            notifier.ended(budgetExhausted());
            notifier.awaitDelivery();

            assertNull(receiver.requests().get(0).header(WebhookDelivery.SIGNATURE_HEADER));
            String printed = log.toString(StandardCharsets.UTF_8);
            assertEquals(1, printed.lines().filter(l -> l.startsWith("warning:")).count(), printed);
            assertTrue(printed.contains("posted unsigned"), printed);
        }
    }

    @Test
    void anUnreachableWebhookHoldsTheDriverAtMostItsDeadline() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        SearchNotifier notifier = notifier(spec("http://127.0.0.1:" + closedPort + "/hook", null),
                Optional.of(SECRET), Duration.ofMillis(800));
        long start = System.nanoTime();
        notifier.ended(budgetExhausted());
        long handedOverMs = (System.nanoTime() - start) / 1_000_000;
        notifier.awaitDelivery();
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertTrue(handedOverMs < 500, "reporting the end does not wait for the webhook: " + handedOverMs + " ms");
        assertTrue(tookMs < 800 + 1000, "took " + tookMs + " ms");
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("the webhook did not get it"),
                log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theSpecsEndingsAreTheSearchStatuses() {
        assertEquals(Arrays.stream(SearchStatus.values()).map(s -> s.name().toLowerCase(Locale.ROOT)).toList(),
                NotifySpec.ENDINGS);
    }
}
