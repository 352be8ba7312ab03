package io.hpo.events;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether a bus's brokers answer, asked before a process commits to work that needs them: a driver that finds
 * Kafka down after starting Spark and loading the data has spent minutes to print a stack trace.
 */
public final class BrokerCheck {

    private BrokerCheck() {
    }

    /** Why no broker of {@code bus} answered within {@code timeout}, or empty when one did. */
    public static Optional<String> problem(BusConfig bus, Duration timeout) {
        Properties props = bus.kafkaClientProperties();
        int millis = (int) timeout.toMillis();
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (TimeoutException | ExecutionException e) {
            return Optional.of("no Kafka broker answered at " + bus.bootstrapServers() + " within "
                    + timeout.toSeconds() + " s (" + BusConfig.BOOTSTRAP_SERVERS + "): start it (./hpo up) or"
                    + " point " + BusConfig.BOOTSTRAP_SERVERS + " at a running one");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while checking the Kafka broker at " + bus.bootstrapServers());
        }
    }
}
