package io.hpo.aggregator;

import io.hpo.aggregator.config.AggregatorConfig;
import io.hpo.aggregator.support.Await;
import io.hpo.aggregator.support.Events;
import io.hpo.aggregator.support.TestServices;
import io.hpo.deploy.LocalAggregator;
import io.hpo.deploy.LocalPostgres;
import io.hpo.events.BusConfig;
import io.hpo.events.EventPublisher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The aggregator as its own process, with its database password, a SASL client setting and an API token in the
 * environment, Kafka's client logging at INFO: it works, and none of the three values appears in its output.
 */
class SecretsNotLoggedTest {

    @Test
    void secretsFromTheEnvironmentAreUsedButNeverLogged(@TempDir Path dir) throws Exception {
        String suffix = UUID.randomUUID().toString().replace("-", "");
        String user = "u_" + suffix.substring(0, 12);
        String password = "pg-secret-" + suffix;
        String jaasSecret = "kafka-secret-" + suffix;
        String token = "api-secret-" + suffix;
        BusConfig bus = TestServices.freshBus();
        Map<String, String> settings = new HashMap<>(TestServices.serviceSettings(bus));
        settings.remove(AggregatorConfig.PASSWORD);
        settings.put(AggregatorConfig.USER, user);
        settings.put(AggregatorConfig.POLL_MS, "100");
        settings.put("org.slf4j.simpleLogger.log.org.apache.kafka", "info");
        grantSchema(settings.get(AggregatorConfig.JDBC_URL), user, password);

        Map<String, String> env = Map.of(
                "HPO_STORE_PASSWORD", password,
                // PLAINTEXT ignores it, but every client is configured with it and Kafka logs its configuration
                "HPO_KAFKA_CLIENT_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule"
                        + " required username=\"u\" password=\"" + jaasSecret + "\";",
                "HPO_AGGREGATOR_API_TOKEN", token);
        Path log = dir.resolve("aggregator.log");
        try (LocalAggregator aggregator = LocalAggregator.start(System.getProperty("java.class.path"), settings, env,
                log); EventPublisher publisher = new EventPublisher(bus)) {
            publisher.publish(Events.started("secret-search"));
            publisher.flush();
            HttpClient http = HttpClient.newHttpClient();
            Await.until(Duration.ofSeconds(60), "the event stored with the password from the environment", () ->
                    http.send(HttpRequest.newBuilder(URI.create(aggregator.url() + "/api/searches/secret-search"))
                            .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
            HttpResponse<String> cancel = http.send(HttpRequest.newBuilder(URI.create(aggregator.url()
                            + "/api/searches/nope/cancel")).header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, cancel.statusCode(), "the token from the environment is accepted: " + cancel.body());
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(output.contains("starting with AggregatorConfig{"), output);
        assertTrue(output.contains("clientKeys=[hpo.kafka.client.sasl.jaas.config]"), output);
        assertTrue(output.contains("sasl.jaas.config = [hidden]"), "Kafka's own config dump ran and hid it: " + output);
        for (String secret : new String[] {password, jaasSecret, token}) {
            assertFalse(output.contains(secret), "a secret in the log:\n" + output);
        }
        AggregatorConfig config = AggregatorConfig.of(Map.of(AggregatorConfig.PASSWORD, password,
                "hpo.kafka.client.sasl.jaas.config", jaasSecret, AggregatorConfig.API_TOKEN, token));
        for (String secret : new String[] {password, jaasSecret, token}) {
            assertFalse(config.toString().contains(secret), config.toString());
        }
    }

    /**
     * A role of its own with a password nobody else uses, allowed into the test's schema; created by the server's
     * superuser (the embedded server's {@code postgres}, trusted on loopback).
     */
    private static void grantSchema(String jdbcUrl, String user, String password) throws Exception {
        LocalPostgres pg = TestServices.postgres();
        String schema = jdbcUrl.substring(jdbcUrl.indexOf("currentSchema=") + "currentSchema=".length());
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "");
             Statement st = c.createStatement()) {
            // DDL takes no bind parameters; every name and the password are generated above
            st.execute("CREATE ROLE " + user + " LOGIN PASSWORD '" + password + "'");
            st.execute("GRANT ALL ON SCHEMA " + schema + " TO " + user);
        }
    }
}
