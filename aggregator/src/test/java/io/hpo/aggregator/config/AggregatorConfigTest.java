package io.hpo.aggregator.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AggregatorConfigTest {

    @Test
    void defaults() {
        AggregatorConfig c = AggregatorConfig.resolve(Map.of(), Map.of(), Map.of());
        assertEquals("127.0.0.1", c.httpHost());
        assertEquals(8088, c.httpPort());
        assertEquals("jdbc:postgresql://127.0.0.1:15432/hpo", c.jdbcUrl());
        assertEquals("hpo", c.user());
        assertEquals("", c.password());
        assertEquals("hpo-aggregator", c.groupId());
        assertEquals(500, c.pollInterval().toMillis());
        assertEquals(60_000, c.kafkaDownAfter().toMillis());
        assertEquals(3, c.recordAttempts());
        assertEquals(List.of(), c.allowedHosts());
        assertEquals(64, c.liveClients());
        assertEquals(30_000, c.httpIdleTimeout().toMillis());
        assertEquals("127.0.0.1:19092", c.bus().bootstrapServers());
        assertEquals("hpo.steps", c.bus().stepsTopic());
    }

    @Test
    void systemPropertiesBeatEnvironmentBeatsFile() {
        AggregatorConfig c = AggregatorConfig.resolve(
                Map.of("hpo.store.user", "file", "hpo.aggregator.http.port", "1", "hpo.aggregator.group.id", "g-file"),
                Map.of("HPO_STORE_USER", "env", "HPO_AGGREGATOR_HTTP_PORT", "2", "HPO_KAFKA_BOOTSTRAP_SERVERS", "k:1",
                        "PATH", "/bin"),
                Map.of("hpo.aggregator.http.port", "3", "hpo.topic.steps", "s", "java.home", "/jdk"));
        assertEquals("env", c.user());
        assertEquals(3, c.httpPort());
        assertEquals("g-file", c.groupId());
        assertEquals("k:1", c.bus().bootstrapServers());
        assertEquals("s", c.bus().stepsTopic());
    }

    @Test
    void passwordFromEnvironmentOrFileAndNeverShown(@TempDir Path dir) throws Exception {
        assertEquals("s3cret", AggregatorConfig.resolve(Map.of(), Map.of("HPO_STORE_PASSWORD", "s3cret"), Map.of())
                .password());
        Path secret = dir.resolve("pw");
        Files.writeString(secret, "from-file\n");
        AggregatorConfig c = AggregatorConfig.resolve(Map.of("hpo.store.password.file", secret.toString()), Map.of(),
                Map.of());
        assertEquals("from-file", c.password());
        assertFalse(c.toString().contains("from-file"));
        assertFalse(AggregatorConfig.of(Map.of(AggregatorConfig.PASSWORD, "s3cret")).toString().contains("s3cret"));
    }

    @Test
    void anApiBeyondLoopbackNeedsAToken() {
        for (String loopback : new String[] {"127.0.0.1", "127.0.0.2", "localhost", "::1"}) {
            AggregatorConfig.of(Map.of(AggregatorConfig.HTTP_HOST, loopback)).requireTokenBeyondLoopback();
        }
        AggregatorConfig.of(Map.of()).requireTokenBeyondLoopback();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AggregatorConfig.of(Map.of(AggregatorConfig.HTTP_HOST, "0.0.0.0")).requireTokenBeyondLoopback());
        assertEquals("hpo.aggregator.http.host=0.0.0.0 is not a loopback address: set hpo.aggregator.api.token"
                + " (HPO_AGGREGATOR_API_TOKEN) or hpo.aggregator.api.token.file to the cancel endpoints' bearer token,"
                + " or bind hpo.aggregator.http.host to 127.0.0.1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AggregatorConfig.of(Map.of(AggregatorConfig.HTTP_HOST,
                "0.0.0.0", AggregatorConfig.API_TOKEN, " ")).requireTokenBeyondLoopback(), "a blank token is none");
        AggregatorConfig.of(Map.of(AggregatorConfig.HTTP_HOST, "0.0.0.0", AggregatorConfig.API_TOKEN, "t"))
                .requireTokenBeyondLoopback();
    }

    @Test
    void theJdbcUrlIsShownWithoutCredentials() {
        String shown = AggregatorConfig.of(Map.of(AggregatorConfig.JDBC_URL,
                "jdbc:postgresql://u:pw-in-userinfo@db:5432/hpo?ssl=true&password=pw-in-query")).toString();
        assertTrue(shown.contains("jdbc=jdbc:postgresql://db:5432/hpo?ssl=true,"), shown);
        assertFalse(shown.contains("pw-in"), shown);
    }

    @Test
    void readsAPropertiesFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("aggregator.properties");
        Files.writeString(file, "hpo.aggregator.poll.ms=50\nhpo.kafka.client.security.protocol=SSL\n");
        AggregatorConfig c = AggregatorConfig.load(file);
        assertEquals(50, c.pollInterval().toMillis());
        assertEquals("SSL", c.bus().kafkaClientProperties().getProperty("security.protocol"));
    }

    @Test
    void allowedHostsAreAListOfNames() {
        assertEquals(List.of("results.example.org", "aggregator"), AggregatorConfig.resolve(Map.of(),
                Map.of("HPO_AGGREGATOR_API_ALLOWED_HOSTS", " results.example.org, ,aggregator "), Map.of())
                .allowedHosts());
    }

    @Test
    void badNumbersAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AggregatorConfig.of(Map.of(AggregatorConfig.HTTP_PORT, "eighty")).httpPort());
        assertEquals("hpo.aggregator.http.port must be an integer, got 'eighty'", e.getMessage());
    }
}
