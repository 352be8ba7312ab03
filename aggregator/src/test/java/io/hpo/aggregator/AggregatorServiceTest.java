package io.hpo.aggregator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.aggregator.config.AggregatorConfig;
import io.hpo.aggregator.support.Await;
import io.hpo.aggregator.support.Events;
import io.hpo.aggregator.support.TestServices;
import io.hpo.events.BusConfig;
import io.hpo.events.EventPublisher;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleType;
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
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole service against the real broker and database, then the CLI entry point on what it stored. */
class AggregatorServiceTest {

    @Test
    void servesWhatItConsumesAndTheCliReadsIt(@TempDir Path dir) throws Exception {
        BusConfig bus = TestServices.freshBus();
        Map<String, String> settings = TestServices.serviceSettings(bus);
        settings.put(AggregatorConfig.POLL_MS, "100");
        settings.put(AggregatorConfig.GROUP_ID, "service-" + bus.stepsTopic());
        String s = "svc";

        try (AggregatorService service = AggregatorService.start(AggregatorConfig.of(settings));
             EventPublisher publisher = new EventPublisher(bus)) {
            publisher.publish(Events.started(s));
            publisher.publish(LifecycleEvent.trialCreated(s, "t1", Events.config(2e-3, 32)));
            for (int i = 1; i <= 5; i++) {
                publisher.publish(Events.step(s, "t1", i, 0, 4.0 - i * 0.1));
            }
            publisher.publish(Events.evaluated(s, "t1", 5, 3.3, 5120));
            publisher.publish(Events.ended(s, "t1", LifecycleType.TRIAL_COMPLETED, 5, null));
            publisher.publish(LifecycleEvent.searchFinished(s, "COMPLETED"));
            publisher.flush();

            HttpClient http = HttpClient.newHttpClient();
            ObjectMapper json = new ObjectMapper();
            Await.until(Duration.ofSeconds(60), "the search to finish in the API", () -> {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(service.url() + "/api/searches/" + s))
                        .build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 && json.readTree(r.body()).get("status").asText().equals("FINISHED");
            });
            Await.until(Duration.ofSeconds(30), "every event stored", () -> service.store().countSteps(s) == 5
                    && service.store().counts(s).lifecycleEvents() == 5);
            JsonNode health = json.readTree(http.send(HttpRequest.newBuilder(URI.create(service.url() + "/health"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            assertEquals("UP", health.get("status").asText());
            assertEquals(10, health.get("ingest").get("recordsIngested").asLong());

            Path config = dir.resolve("aggregator.properties");
            Files.writeString(config, AggregatorConfig.JDBC_URL + "=" + settings.get(AggregatorConfig.JDBC_URL) + "\n"
                    + AggregatorConfig.USER + "=" + settings.get(AggregatorConfig.USER) + "\n"
                    + AggregatorConfig.PASSWORD + "=" + settings.get(AggregatorConfig.PASSWORD) + "\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = AggregatorMain.run(new String[] {"--config", config.toString(), "best", s},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("learning_rate: 0.002"), out.toString());
            assertEquals(2, AggregatorMain.run(new String[] {"--config", config.toString(), "best", "nope"},
                    new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())));
        }
    }
}
