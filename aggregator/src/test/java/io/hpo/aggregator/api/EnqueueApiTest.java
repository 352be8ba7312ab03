package io.hpo.aggregator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.aggregator.AggregatorService;
import io.hpo.aggregator.cli.ResultsCli;
import io.hpo.aggregator.config.AggregatorConfig;
import io.hpo.aggregator.support.Events;
import io.hpo.aggregator.support.SampleSearch;
import io.hpo.aggregator.support.TestServices;
import io.hpo.events.BusConfig;
import io.hpo.events.ControlEvent;
import io.hpo.events.ControlType;
import io.hpo.events.EventCodec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The enqueue endpoint and the CLI's enqueue command, on a real broker and database: guarded by the token as cancel
 * is, only for a running search, the configuration checked against the search's recorded spec (400 or exit 2 with
 * the reason at its line and column), then published to hpo.control as an ENQUEUE_TRIAL request.
 */
class EnqueueApiTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "tok-" + Long.toHexString(System.nanoTime());

    @Test
    void withoutATokenNothingIsEnqueued() throws Exception {
        try (AggregatorService service = AggregatorService.start(
                AggregatorConfig.of(TestServices.serviceSettings(TestServices.freshBus())))) {
            service.store().applyBatch(List.of(), List.of(Events.started("ro")));
            HttpResponse<String> r = post(service, "/api/searches/ro/enqueue", "Bearer " + TOKEN,
                    "{\"learning_rate\": 0.001}");
            assertEquals(403, r.statusCode());
            assertEquals("API is read-only: set hpo.aggregator.api.token", JSON.readTree(r.body()).get("error").asText());
        }
    }

    @Test
    void configurationsAreCheckedAgainstTheRecordedSpecAndPublished(@TempDir Path dir) throws Exception {
        BusConfig bus = TestServices.freshBus().with(BusConfig.CONTROL_TOPIC,
                "control-" + Long.toHexString(System.nanoTime()));
        Map<String, String> settings = TestServices.serviceSettings(bus);
        settings.put(AggregatorConfig.API_TOKEN, TOKEN);
        try (AggregatorService service = AggregatorService.start(AggregatorConfig.of(settings))) {
            service.store().applyBatch(List.of(), List.of(Events.started("live")));
            SampleSearch.store(service.store(), "done");
            String auth = "Bearer " + TOKEN;
            String path = "/api/searches/live/enqueue";
            String body = "{\"learning_rate\": 0.002, \"batch_size\": 32}";

            assertEquals(401, post(service, path, null, body).statusCode());
            assertEquals(401, post(service, path, "Bearer wrong", body).statusCode());
            assertEquals(404, post(service, "/api/searches/nope/enqueue", auth, body).statusCode());
            HttpResponse<String> finished = post(service, "/api/searches/done/enqueue", auth, body);
            assertEquals(409, finished.statusCode());
            assertEquals("search 'done' already finished", JSON.readTree(finished.body()).get("error").asText());
            assertRefused(post(service, path, auth, "{\"learning_rate\": 0.002,\n \"batch_size\": 24}"),
                    "request body:2:16: batch_size must be one of this search's choices [16, 32], got 24");
            assertRefused(post(service, path, auth, "{\"learning_rat\": 0.002}"),
                    "request body:1:2: unknown key 'learning_rat' in the configuration; did you mean 'learning_rate'?");
            assertRefused(post(service, path, auth, "{\"width\": 32}"),
                    "request body:1:11: width is fixed at 64 in this search, got 32");
            assertRefused(post(service, path, auth, ""), "request body:1:1: no configuration");
            assertRefused(post(service, path, auth, "{\"learning_rate\": 0.002"), "request body:1:24: malformed YAML");

            HttpResponse<String> accepted = post(service, path, auth, body);
            assertEquals(202, accepted.statusCode(), accepted.body());
            JsonNode reply = JSON.readTree(accepted.body());
            assertEquals("ENQUEUE_TRIAL", reply.get("accepted").asText());
            assertEquals(0.002, reply.get("config").get("learning_rate").asDouble());

            Path file = dir.resolve("next.yaml");
            Files.writeString(file, "# the CLI reads YAML\nbatch_size: 16\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            ResultsCli cli = new ResultsCli(AggregatorConfig.of(settings), new PrintStream(out, true),
                    new PrintStream(err, true));
            assertEquals(ResultsCli.OK, cli.run("enqueue", List.of("live", file.toString())), err.toString());
            assertTrue(out.toString().startsWith("enqueued {batch_size=16} for search live"), out.toString());

            Files.writeString(file, "batch_size: 16\nlearning_rate: 1.0\n");
            assertEquals(2, cli.run("enqueue", List.of("live", file.toString())));
            assertTrue(err.toString().contains("error: " + file + ":2:16: learning_rate must be within this"
                    + " search's range {log_uniform: [1.0E-4, 0.1]}, got 1.0"), err.toString());
            assertEquals(ResultsCli.FAILED, cli.run("enqueue", List.of("done", file.toString())));

            List<ControlEvent> published = read(bus, 2);
            assertEquals(2, published.size(), "refused configurations are not published: " + published);
            assertEquals(ControlType.ENQUEUE_TRIAL, published.get(0).type());
            assertEquals(reply.get("eventId").asText(), published.get(0).eventId());
            assertEquals(Map.of("learning_rate", 0.002, "batch_size", 32), published.get(0).config());
            assertTrue(published.get(0).requestedBy().startsWith("api 127.0.0.1"), published.get(0).requestedBy());
            assertEquals(Map.of("batch_size", 16), published.get(1).config());
            assertEquals("live", published.get(1).searchId());
        }
    }

    private static void assertRefused(HttpResponse<String> r, String reasonStart) throws Exception {
        assertEquals(400, r.statusCode(), r.body());
        String error = JSON.readTree(r.body()).get("error").asText();
        assertTrue(error.startsWith(reasonStart), error);
    }

    private static HttpResponse<String> post(AggregatorService service, String path, String authorization,
                                             String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(service.url() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every record on the control topic, read until {@code expected} arrived and a while longer for extra ones. */
    private static List<ControlEvent> read(BusConfig bus, int expected) throws Exception {
        Properties p = bus.kafkaClientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ControlEvent> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(bus.controlTopic()));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (var r : c.poll(Duration.ofMillis(200))) {
                    out.add(EventCodec.decodeControl(r.value()));
                }
                if (out.size() >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
            }
        }
        return out;
    }
}
