package io.hpo.driver;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
