package io.hpo.aggregator.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.aggregator.AggregatorService;
import io.hpo.aggregator.config.AggregatorConfig;
import io.hpo.aggregator.support.Events;
import io.hpo.aggregator.support.SampleSearch;
import io.hpo.aggregator.support.TestServices;
import io.hpo.events.BusConfig;
import io.hpo.events.ControlEvent;
import io.hpo.events.ControlType;
import io.hpo.events.EventCodec;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cancel endpoints: read-only without a token, bearer token checked, running things only, onto hpo.control. */
class ControlApiTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "tok-" + Long.toHexString(System.nanoTime());

    @Test
    void withoutATokenTheApiIsReadOnlyAndListensOnLoopbackOnly() throws Exception {
        BusConfig bus = TestServices.freshBus();
        try (AggregatorService service = AggregatorService.start(AggregatorConfig.of(TestServices.serviceSettings(bus)))) {
            running(service, "live");
            HttpResponse<String> r = post(service, "/api/searches/live/cancel", "Bearer anything");
            assertEquals(403, r.statusCode());
            assertEquals("API is read-only: set hpo.aggregator.api.token", JSON.readTree(r.body()).get("error").asText());
            assertEquals(403, post(service, "/api/searches/live/trials/t1/cancel", null).statusCode());
            assertEquals(405, post(service, "/api/searches/live", null).statusCode());

            assertTrue(service.url().startsWith("http://127.0.0.1:"), service.url());
            int port = URI.create(service.url()).getPort();
            Optional<InetAddress> outside = nonLoopbackAddress();
            if (outside.isPresent()) {
                try (Socket s = new Socket()) {
                    assertThrows(ConnectException.class,
                            () -> s.connect(new InetSocketAddress(outside.get(), port), 2000));
                }
            } else {
                System.out.println("no non-loopback IPv4 address on this machine: only the bound host is checked");
            }
        }
    }

    @Test
    void withATokenCancelRequestsAreCheckedAndPublished(@TempDir Path dir) throws Exception {
        BusConfig bus = TestServices.freshBus().with(BusConfig.CONTROL_TOPIC, "control-" + Long.toHexString(System.nanoTime()));
        Map<String, String> settings = TestServices.serviceSettings(bus);
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
        settings.put(AggregatorConfig.API_TOKEN_FILE, tokenFile.toString());
        try (AggregatorService service = AggregatorService.start(AggregatorConfig.of(settings))) {
            running(service, "live");
            SampleSearch.store(service.store(), "done");
            String cancelT1 = "/api/searches/live/trials/t1/cancel";

            assertEquals(401, post(service, cancelT1, null).statusCode());
            assertEquals("Bearer", post(service, cancelT1, null).headers().firstValue("WWW-Authenticate").orElse(null));
            assertEquals(401, post(service, cancelT1, "Bearer " + TOKEN + "x").statusCode());
            assertEquals(401, post(service, cancelT1, "Basic " + TOKEN).statusCode());
            assertEquals(401, post(service, cancelT1, TOKEN).statusCode());
            String auth = "Bearer " + TOKEN;
            assertEquals(404, post(service, "/api/searches/nope/cancel", auth).statusCode());
            assertEquals(404, post(service, "/api/searches/live/trials/nope/cancel", auth).statusCode());
            HttpResponse<String> ended = post(service, "/api/searches/live/trials/t2/cancel", auth);
            assertEquals(409, ended.statusCode());
            assertTrue(ended.body().contains("already ended: COMPLETED"), ended.body());
            assertEquals(409, post(service, "/api/searches/done/cancel", auth).statusCode());
            assertEquals(409, post(service, "/api/searches/done/trials/t1/cancel", auth).statusCode());

            HttpResponse<String> trial = post(service, cancelT1, auth);
            assertEquals(202, trial.statusCode(), trial.body());
            assertEquals("CANCEL_TRIAL", JSON.readTree(trial.body()).get("accepted").asText());
            assertEquals(202, post(service, "/api/searches/live/cancel", "bearer " + TOKEN).statusCode());

            List<ConsumerRecord<String, byte[]>> published = read(bus, 2);
            assertEquals(2, published.size());
            ControlEvent first = EventCodec.decodeControl(published.get(0).value());
            ControlEvent second = EventCodec.decodeControl(published.get(1).value());
            assertEquals(List.of("live", "live"), published.stream().map(ConsumerRecord::key).toList());
            assertEquals(ControlType.CANCEL_TRIAL, first.type());
            assertEquals("t1", first.trialId());
            assertEquals(JSON.readTree(trial.body()).get("eventId").asText(), first.eventId());
            assertTrue(first.requestedBy().startsWith("api 127.0.0.1"), first.requestedBy());
            assertEquals(ControlType.CANCEL_SEARCH, second.type());
            assertEquals("live", second.searchId());
        }
    }

    /** A search with t1 running and t2 completed. */
    private static void running(AggregatorService service, String s) throws Exception {
        service.store().applyBatch(List.of(Events.step(s, "t1", 1, 0, 4.0)), List.of(Events.started(s),
                LifecycleEvent.trialCreated(s, "t1", Events.config(1e-3, 16)), LifecycleEvent.trialStarted(s, "t1", 1, null),
                LifecycleEvent.trialCreated(s, "t2", Events.config(2e-3, 16)),
                Events.ended(s, "t2", LifecycleType.TRIAL_COMPLETED, 5, null)));
    }

    private static HttpResponse<String> post(AggregatorService service, String path, String authorization)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(service.url() + path))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<ConsumerRecord<String, byte[]>> read(BusConfig bus, int expected) {
        Properties p = bus.kafkaClientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(bus.controlTopic()));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (ni.isUp() && !ni.isLoopback()) {
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        return Optional.of(a);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
