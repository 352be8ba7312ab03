package io.hpo.driver;

import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The log configuration ./hpo gives the driver JVM (src/launcher/log4j2-driver.properties), in a logger context of
 * its own: libraries' INFO lines reach the file only, hpo's lines and every warning the terminal too.
 */
class DriverLogConfigTest {
    @Test
    void libraryInfoGoesToTheFileOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("driver.log");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        String previous = System.getProperty("hpo.log.file");
        System.setProperty("hpo.log.file", file.toString());
        // the console appender takes System.err as it is when the configuration starts
        System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
        LoggerContext context = new LoggerContext("driver-log-config-test");
        try {
            context.start(new PropertiesConfigurationFactory().getConfiguration(context,
                    ConfigurationSource.fromUri(Path.of("src/launcher/log4j2-driver.properties").toUri())));
            context.getLogger("org.apache.kafka.clients.consumer.ConsumerConfig").info("ConsumerConfig values: a = 1");
            context.getLogger("org.apache.spark.SparkContext").info("Running Spark version 3.5.8");
            context.getLogger("org.apache.spark.scheduler.TaskSetManager").warn("Lost task 0.0");
            context.getLogger("org.apache.hadoop.util.NativeCodeLoader").warn("Unable to load native-hadoop library");
            context.getLogger("io.hpo.driver.SearchRunner").info("trial-000 started");
        } finally {
            context.stop();
            System.setErr(stderr);
            if (previous == null) {
                System.clearProperty("hpo.log.file");
            } else {
                System.setProperty("hpo.log.file", previous);
            }
        }
        String terminal = console.toString(StandardCharsets.UTF_8);
        String log = Files.readString(file);
        assertTrue(terminal.contains("trial-000 started") && terminal.contains("Lost task 0.0"), terminal);
        assertFalse(terminal.contains("ConsumerConfig") || terminal.contains("Running Spark"), terminal);
        assertFalse(terminal.contains("native-hadoop"), "a warning that tells the user nothing: " + terminal);
        for (String line : new String[] {"ConsumerConfig values", "Running Spark", "Lost task", "trial-000 started"}) {
            assertTrue(log.contains(line), line + " in " + log);
        }
    }
}
