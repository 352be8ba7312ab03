package io.hpo.driver;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver's numeric settings from Spark conf: defaults, values, and refusals naming the key. */
class DriverSettingsTest {

    private static SparkConf conf(String key, String value) {
        return new SparkConf(false).set("spark." + key, value);
    }

    @Test
    void trialRetriesAreAWholeNumberFromZero() {
        assertEquals(2, DriverSettings.trialRetries(new SparkConf(false)));
        assertEquals(0, DriverSettings.trialRetries(conf("hpo.trial.retries", " 0 ")));
        for (String bad : new String[]{"-1", "two", "3000000000"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DriverSettings.trialRetries(conf("hpo.trial.retries", bad)));
            assertEquals("hpo.trial.retries must be a whole number >= 0, got '" + bad + "'", e.getMessage());
        }
    }

    @Test
    void theLeaseSessionIsAPositiveNumberOfMilliseconds() {
        assertEquals(Duration.ofSeconds(10), DriverSettings.leaseSessionTimeout(new SparkConf(false)));
        assertEquals(Duration.ofSeconds(6),
                DriverSettings.leaseSessionTimeout(conf("hpo.driver.lease.session.timeout.ms", "6000")));
        for (String bad : new String[]{"0", "-5", "10s"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DriverSettings.leaseSessionTimeout(conf("hpo.driver.lease.session.timeout.ms", bad)));
            assertEquals("hpo.driver.lease.session.timeout.ms must be a number of milliseconds > 0, got '" + bad
                    + "'", e.getMessage());
        }
    }

    @Test
    void theAggregatorUrlIsAnHttpUrl() {
        assertEquals(URI.create("http://127.0.0.1:8088"), DriverSettings.aggregatorUrl(new SparkConf(false)));
        assertEquals(URI.create("https://hpo-aggregator.hpo.svc:8088/"),
                DriverSettings.aggregatorUrl(conf("hpo.driver.aggregator.url", " https://hpo-aggregator.hpo.svc:8088/ ")));
        for (String bad : new String[]{"127.0.0.1:8088", "ftp://h/", "http://", "http://h:8088/?x=1", "http://a b"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DriverSettings.aggregatorUrl(conf("hpo.driver.aggregator.url", bad)));
            assertEquals("hpo.driver.aggregator.url must be an http:// or https:// URL of the aggregator, such as "
                    + "http://127.0.0.1:8088, got '" + bad + "'", e.getMessage());
        }
    }

    @Test
    void webhookDeliveriesHaveBoundedDefaults() {
        var webhook = DriverSettings.webhook(Map.of(), Map.of());
        assertEquals(Optional.empty(), webhook.secret());
        assertEquals(5, webhook.attempts());
        assertEquals(Duration.ofSeconds(60), webhook.deadline());
        assertEquals(Duration.ofSeconds(10), webhook.requestTimeout());
        assertEquals(Duration.ofSeconds(1), webhook.firstBackoff());
        assertEquals(Optional.empty(), webhook.dashboardUrl());
        var set = DriverSettings.webhook(Map.of("hpo.driver.notify.attempts", "2", "hpo.driver.notify.backoff.ms", "0",
                "hpo.driver.notify.dashboard.url", "http://h:8088/"), Map.of());
        assertEquals(2, set.attempts());
        assertEquals(Duration.ZERO, set.firstBackoff());
        assertEquals(Optional.of("http://h:8088/"), set.dashboardUrl());
    }

    @Test
    void theNotifySecretComesFromTheSettingItsFileOrTheEnvironmentAndIsNeverShown(@TempDir Path dir)
            throws IOException {
        Map<String, String> env = Map.of("HPO_NOTIFY_SECRET", "from-env");
        assertEquals(Optional.of("from-env"), DriverSettings.webhook(Map.of(), env).secret());
        Path file = Files.writeString(dir.resolve("secret"), "from-file\n");
        assertEquals(Optional.of("from-file"), DriverSettings.webhook(
                Map.of("hpo.driver.notify.secret.file", file.toString()), env).secret());
        var direct = DriverSettings.webhook(Map.of("hpo.driver.notify.secret", "direct-value"), env);
        assertEquals(Optional.of("direct-value"), direct.secret());
        assertFalse(direct.toString().contains("direct-value"), direct.toString());
        assertTrue(direct.toString().contains("secret set"), direct.toString());
        assertEquals(Optional.empty(), DriverSettings.webhook(Map.of(), Map.of("HPO_NOTIFY_SECRET", " ")).secret(),
                "a blank secret signs nothing");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DriverSettings.webhook(
                Map.of("hpo.driver.notify.secret.file", dir.resolve("missing").toString()), Map.of()));
        assertTrue(e.getMessage().startsWith("cannot read hpo.driver.notify.secret.file "), e.getMessage());
    }

    @Test
    void webhookSettingsOutOfRangeAreRefusedByName() {
        for (String[] bad : new String[][]{{"hpo.driver.notify.attempts", "0", "a whole number in [1, 100]"},
                {"hpo.driver.notify.attempts", "many", "a whole number in [1, 100]"},
                {"hpo.driver.notify.deadline.ms", "0", "a number of milliseconds > 0"},
                {"hpo.driver.notify.request.timeout.ms", "10s", "a number of milliseconds > 0"},
                {"hpo.driver.notify.backoff.ms", "-1", "a number of milliseconds >= 0"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DriverSettings.webhook(Map.of(bad[0], bad[1]), Map.of()));
            assertEquals(bad[0] + " must be " + bad[2] + ", got '" + bad[1] + "'", e.getMessage());
        }
    }
}
