package io.hpo.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.aggregator.store.SearchSummary;
import io.hpo.aggregator.store.StoredTrial;
import io.hpo.driver.notify.Receivers;
import io.hpo.driver.notify.WebhookDelivery;
import io.hpo.driver.notify.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real driver ({@link SearchDriverMain}, in this JVM) running tiny searches with {@code notify} on Spark
 * {@code local[2]} with the real Kafka broker, PostgreSQL and aggregator, posting to a real local HTTP server.
 */
class SearchNotifyEndToEndTest {
    private static final String SECRET = "e2e-secret-must-not-be-printed";
    private static final String SPEC = """
            name: notified
            seed: 2
            data: {source: demo, demo_sentences: 300}
            strategy: {type: grid}
            budget: {max_trials: 2, max_concurrent_trials: 1, max_steps_per_trial: 10, max_wall_time: 10m}
            training: {workers: 1, averaging_frequency: 5, eval_every: 5, eval_batches: 1}
            notify: {webhook: '%s'}
            """ + TinyModel.space("{choice: [3.0e-3, 1.0e-3]}");

    @TempDir
    static Path dir;
    private static ResultsStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        stack = ResultsStack.start(dir.resolve("stack"));
    }

    @AfterAll
    static void stopStack() {
        stack.close();
    }

    /** Runs the driver on {@code specText}; returns its exit code and what it printed. */
    private static Run drive(String searchId, String specText, Map<String, String> settings) throws Exception {
        Path spec = Files.writeString(dir.resolve(searchId + ".yaml"), specText);
        Path secretFile = Files.writeString(dir.resolve("notify-secret"), SECRET + "\n");
        Map<String, String> props = new HashMap<>(Map.of(
                "spark.hpo.kafka.bootstrap.servers", stack.bootstrapServers(),
                "spark.master", "local[2]", "spark.ui.enabled", "false",
                "spark.hpo.driver.notify.secret.file", secretFile.toString(),
                "spark.hpo.driver.notify.dashboard.url", stack.aggregator().url()));
        props.putAll(settings);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream both = new PrintStream(console, true, StandardCharsets.UTF_8);
        props.forEach(System::setProperty);
        System.setOut(both);
        System.setErr(both);
        try {
            int code = SearchDriverMain.run(new String[]{spec.toString(), "--search-id", searchId});
            return new Run(code, console.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
            props.keySet().forEach(System::clearProperty);
        }
    }

    private record Run(int exitCode, String printed) {
    }

    @Test
    void aSearchPostsExactlyOneSignedSummaryThatMatchesTheStore() throws Exception {
        String searchId = "notified-ok";
        try (WebhookReceiver receiver = WebhookReceiver.answering(200)) {
            Run run = drive(searchId, SPEC.formatted(receiver.url()), Map.of());

            assertEquals(0, run.exitCode(), run.printed());
            assertEquals(1, receiver.requests().size(), run.printed());
            WebhookReceiver.Request post = receiver.requests().get(0);
            assertEquals(Receivers.signature(SECRET, post.header(WebhookDelivery.TIMESTAMP_HEADER), post.body()),
                    post.header(WebhookDelivery.SIGNATURE_HEADER));
            assertFalse(run.printed().contains(SECRET), "the secret is never printed");
            assertTrue(run.printed().contains("search end posted to http://127.0.0.1:"), run.printed());

            stack.awaitStored(searchId, 2 * 10);
            JsonNode json = new ObjectMapper().readTree(post.body());
            SearchSummary stored = stack.store().search(searchId).orElseThrow();
            assertEquals(stored.outcome(), json.get("outcome").asText());
            assertEquals("COMPLETED", json.get("outcome").asText());
            List<StoredTrial> ranked = stack.store().rankedTrials(searchId);
            assertEquals(ranked.size(), json.get("trials").get("total").asInt());
            assertEquals(2, json.get("trials").get("COMPLETED").asInt());
            StoredTrial best = ranked.get(0);
            assertEquals(best.trialId(), json.get("best").get("trialId").asText());
            assertEquals(best.bestValLoss(), json.get("best").get("validationLoss").asDouble(), 1e-12);
            assertEquals(((Number) best.config().get("learning_rate")).doubleValue(),
                    json.get("best").get("hyperparameters").get("learning_rate").asDouble());
            assertEquals(stack.aggregator().url() + "/#/search/" + searchId, json.get("dashboardUrl").asText());
        }
    }

    @Test
    void aWebhookThatNeverAnswersLeavesTheSearchsOutcomeAndHoldsTheDriverAtMostItsDeadline() throws Exception {
        String searchId = "notified-silent";
        try (WebhookReceiver receiver = WebhookReceiver.answering(0)) {
            Run run = drive(searchId, SPEC.formatted(receiver.url()), Map.of(
                    "spark.hpo.driver.notify.deadline.ms", "3000",
                    "spark.hpo.driver.notify.request.timeout.ms", "1000"));

            assertEquals(0, run.exitCode(), run.printed());
            assertTrue(run.printed().contains("the webhook did not get it"), run.printed());
            assertTrue(receiver.requests().size() >= 2, "tried again after a timeout: " + receiver.requests().size());
            stack.awaitStored(searchId, 2 * 10);
            assertEquals("COMPLETED", stack.store().search(searchId).orElseThrow().outcome());
            assertFalse(run.printed().contains(SECRET), "the secret is never printed");
        }
    }

    /** Data too small for one batch stops the search before any trial: a FAILED summary says why. */
    @Test
    void aSearchThatFailsPostsItsError() throws Exception {
        Path data = Files.writeString(dir.resolve("small.txt"), "the cat can run . can the cat run ?\n".repeat(3));
        try (WebhookReceiver receiver = WebhookReceiver.answering(200)) {
            Run run = drive("notified-failed", """
                    name: failing
                    data: {source: %s}
                    notify: {webhook: '%s', endings: [failed]}
                    """.formatted(data, receiver.url()), Map.of());

            assertEquals(2, run.exitCode(), run.printed());
            assertEquals(1, receiver.requests().size(), run.printed());
            WebhookReceiver.Request post = receiver.requests().get(0);
            assertEquals(Receivers.signature(SECRET, post.header(WebhookDelivery.TIMESTAMP_HEADER), post.body()),
                    post.header(WebhookDelivery.SIGNATURE_HEADER));
            JsonNode json = new ObjectMapper().readTree(post.body());
            assertEquals("notified-failed", json.get("searchId").asText());
            assertEquals("FAILED", json.get("outcome").asText());
            assertTrue(json.get("error").asText().contains("the training split has 97 tokens"), json.toString());
            assertTrue(json.get("trials").isNull());
        }
    }
}
