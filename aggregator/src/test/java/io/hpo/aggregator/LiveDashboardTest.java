package io.hpo.aggregator;

import io.hpo.aggregator.config.AggregatorConfig;
import io.hpo.aggregator.support.Events;
import io.hpo.aggregator.support.TestServices;
import io.hpo.deploy.Promtool;
import io.hpo.deploy.RequiredTool;
import io.hpo.events.BusConfig;
import io.hpo.events.EventPublisher;
import io.hpo.events.LifecycleEvent;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live side of the service with the real broker and database: server-sent events, metrics, dashboard files. */
class LiveDashboardTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aStepReachingKafkaIsAnnouncedWithinASecondAndCounted() throws Exception {
        BusConfig bus = TestServices.freshBus();
        Map<String, String> settings = TestServices.serviceSettings(bus);
        settings.put(AggregatorConfig.GROUP_ID, "live-" + bus.stepsTopic());
        String s = "live <b>search</b>";

        try (AggregatorService service = AggregatorService.start(AggregatorConfig.of(settings));
             EventPublisher publisher = new EventPublisher(bus)) {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            HTTP.sendAsync(HttpRequest.newBuilder(URI.create(service.url() + "/api/events")).build(),
                    HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> {
                assertEquals("text/event-stream; charset=utf-8", r.headers().firstValue("Content-Type").orElse(null));
                r.body().forEach(lines::add);
            });
            assertEquals(": connected", awaitLine(lines, ": connected", 30_000));

            // the first batch also waits for the consumer's partition assignment; measure the second
            publisher.publish(Events.started(s));
            publisher.flush();
            assertNotNull(awaitLine(lines, "data: ", 60_000));
            publisher.publish(LifecycleEvent.trialCreated(s, "t1", Events.config(2e-3, 32)));
            publisher.publish(Events.step(s, "t1", 1, 0, 3.9));
            publisher.flush();
            long acknowledged = System.nanoTime();
            String data = awaitLine(lines, "data: ", 5_000);
            long latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - acknowledged);
            assertEquals("data: [\"live <b>search</b>\"]", data);
            assertTrue(latencyMs < 1000, "update announced " + latencyMs + " ms after the step reached Kafka");

            // the announcement may come from the batch holding TRIAL_CREATED alone, before the step's batch is stored
            String metrics = awaitMetrics(service.url(), "hpo_aggregator_records_ingested_total{topic=\"steps\"} 1.0");
            assertTrue(metrics.contains("hpo_aggregator_records_ingested_total{topic=\"lifecycle\"} 2.0"), metrics);
            // one write per polled batch: the three records may come in two or three polls
            double writes = value(metrics, "hpo_aggregator_store_write_seconds_count");
            assertTrue(writes >= 2 && writes <= 3, metrics);
            // a step marks its trial RUNNING even before TRIAL_STARTED arrives
            assertTrue(metrics.contains("hpo_trials{search_id=\"live <b>search</b>\",state=\"RUNNING\"} 1.0"), metrics);
            assertTrue(metrics.contains("hpo_aggregator_ingest_healthy 1.0"), metrics);
            assertTrue(metrics.contains("hpo_search_running{search_id=\"live <b>search</b>\"} 1.0"), metrics);
            assertTrue(metrics.contains("hpo_aggregator_consumer_lag_records 0.0"), metrics);
            Optional<Promtool> promtool = Promtool.find();
            RequiredTool.require(promtool.isPresent(), "promtool", "prometheus");
            Promtool.Result check = promtool.get().checkMetrics(metrics);
            assertTrue(check.ok(), check.output());
        }
    }

    @Test
    void theDashboardIsServedFromTheJar() throws Exception {
        BusConfig bus = TestServices.freshBus();
        Map<String, String> settings = TestServices.serviceSettings(bus);
        try (AggregatorService service = AggregatorService.start(AggregatorConfig.of(settings))) {
            String index = get(service.url() + "/", "text/html; charset=utf-8");
            assertTrue(index.contains("<script src=\"/assets/app.js\"></script>"), index);
            assertTrue(get(service.url() + "/assets/app.js", "text/javascript; charset=utf-8").contains("EventSource"));
            get(service.url() + "/assets/charts.js", "text/javascript; charset=utf-8");
            assertTrue(index.contains("<script src=\"/assets/spaceviews.js\"></script>"), index);
            assertTrue(get(service.url() + "/assets/spaceviews.js", "text/javascript; charset=utf-8")
                    .contains("parallelCoordinates"));
            get(service.url() + "/assets/style.css", "text/css; charset=utf-8");
            for (String path : new String[] {"/assets/nope.js", "/assets/..%2Fdashboard%2Fapp.js", "/assets/"}) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(service.url() + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(404, r.statusCode(), path);
            }
        }
    }

    private static String awaitMetrics(String url, String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String metrics = get(url + "/metrics", "text/plain; version=0.0.4; charset=utf-8");
        while (!metrics.contains(expected) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            metrics = get(url + "/metrics", "text/plain; version=0.0.4; charset=utf-8");
        }
        assertTrue(metrics.contains(expected), metrics);
        return metrics;
    }

    private static String awaitLine(BlockingQueue<String> lines, String prefix, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            String line = lines.poll(deadline - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("no line starting with '" + prefix + "' within " + timeoutMs + " ms");
    }

    private static double value(String exposition, String series) {
        return exposition.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .orElseThrow(() -> new AssertionError("no series " + series + " in\n" + exposition));
    }

    private static String get(String url, String contentType) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        assertEquals(contentType, r.headers().firstValue("Content-Type").orElse(null), url);
        return r.body();
    }
}
