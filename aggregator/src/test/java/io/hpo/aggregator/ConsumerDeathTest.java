package io.hpo.aggregator;

import io.hpo.aggregator.config.AggregatorConfig;
import io.hpo.aggregator.cli.ResultsCli;
import io.hpo.aggregator.support.Events;
import io.hpo.aggregator.support.TestServices;
import io.hpo.deploy.LocalAggregator;
import io.hpo.events.BusConfig;
import io.hpo.events.EventPublisher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The aggregator as its own process, deployed without one of its classes (the class that writes a batch), as a
 * broken jar would be: its API starts, the first batch ends the consumer thread with a NoClassDefFoundError, and
 * the process exits with a non-zero status instead of serving results that no longer advance.
 */
class ConsumerDeathTest {
    private static final String MISSING = "io/hpo/aggregator/store/BatchWriter.class";

    @Test
    void anErrorEndingAConsumerExitsTheProcessWithAFailureStatus(@TempDir Path dir) throws Exception {
        BusConfig bus = TestServices.freshBus();
        Map<String, String> settings = TestServices.serviceSettings(bus);
        settings.put(AggregatorConfig.POLL_MS, "100");
        settings.put(AggregatorConfig.GROUP_ID, "death-" + bus.stepsTopic());
        Path log = dir.resolve("aggregator.log");
        try (LocalAggregator aggregator = LocalAggregator.start(classpathWithout(MISSING, dir.resolve("classes")),
                settings, Map.of(), log); EventPublisher publisher = new EventPublisher(bus)) {
            publisher.publish(Events.started("doomed"));
            publisher.flush();
            int status = aggregator.waitFor(Duration.ofSeconds(90));
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(ResultsCli.FAILED, status, output);
            assertTrue(output.contains("java.lang.NoClassDefFoundError: io/hpo/aggregator/store/BatchWriter"), output);
            assertTrue(output.contains("an event consumer has died, exiting with status 1"), output);
        }
    }

    /** This JVM's classpath, with the aggregator's classes copied to {@code copy} less {@code missing}. */
    private static String classpathWithout(String missing, Path copy) {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.exists(p.resolve("io/hpo/aggregator/AggregatorMain.class"))) {
                copyTree(p, copy);
                try {
                    Files.delete(copy.resolve(missing));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                entries.add(copy.toString());
            } else {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
