package io.hpo.events;

import java.io.Serializable;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where events go. Every key is a constant with a default; {@code hpo.kafka.client.*} keys pass through to the Kafka
 * clients unchanged (security.protocol, sasl.*, ssl.*, ...), and {@code hpo.kafka.client.file.*} keys name files
 * holding such a setting's value (a mounted secret). Values of client settings are never shown.
 */
public final class BusConfig implements Serializable {
    /** Kafka bootstrap servers. */
    public static final String BOOTSTRAP_SERVERS = "hpo.kafka.bootstrap.servers";
    public static final String BOOTSTRAP_SERVERS_DEFAULT = "127.0.0.1:19092";
    /** Topic of per-step training metrics, keyed by trial id. */
    public static final String STEPS_TOPIC = "hpo.topic.steps";
    public static final String STEPS_TOPIC_DEFAULT = "hpo.steps";
    /** Topic of search and trial lifecycle events, keyed by trial id (search id for search events). */
    public static final String LIFECYCLE_TOPIC = "hpo.topic.lifecycle";
    public static final String LIFECYCLE_TOPIC_DEFAULT = "hpo.lifecycle";
    /** Topic of requests to running searches (cancel a search or a trial), keyed by search id. */
    public static final String CONTROL_TOPIC = "hpo.topic.control";
    public static final String CONTROL_TOPIC_DEFAULT = "hpo.control";
    /** Topic where the aggregator parks records it cannot read, with their source coordinates and the error. */
    public static final String DEAD_LETTER_TOPIC = "hpo.topic.dead.letter";
    public static final String DEAD_LETTER_TOPIC_DEFAULT = "hpo.dead-letter";
    /**
     * Single-partition topic whose partition 0 is a search's driver lease: the driver that the consumer group
     * {@code hpo-driver.<search id>} gives it is the search's one live driver. Nothing is ever written to it.
     */
    public static final String LEASE_TOPIC = "hpo.topic.leases";
    public static final String LEASE_TOPIC_DEFAULT = "hpo.leases";
    /** Prefix of settings handed to the Kafka clients as they are, without the prefix. */
    public static final String KAFKA_PASSTHROUGH_PREFIX = "hpo.kafka.client.";
    /**
     * Prefix of client settings read from a file: {@code hpo.kafka.client.file.sasl.jaas.config=/run/secrets/jaas}
     * sets {@code sasl.jaas.config} to the file's content. A value given directly wins.
     */
    public static final String KAFKA_PASSTHROUGH_FILE_PREFIX = KAFKA_PASSTHROUGH_PREFIX + "file.";

    private final TreeMap<String, String> values;

    private BusConfig(Map<String, String> values) {
        this.values = new TreeMap<>(values);
    }

    public static BusConfig defaults() {
        return new BusConfig(Map.of());
    }

    /** Reads every {@code hpo.*} key of the given map; unknown keys outside the passthrough prefix are kept but unused. */
    public static BusConfig from(Map<String, String> settings) {
        TreeMap<String, String> v = new TreeMap<>();
        settings.forEach((k, val) -> {
            if (k.startsWith("hpo.kafka.") || k.startsWith("hpo.topic.")) {
                v.put(k, val);
            }
        });
        return new BusConfig(v);
    }

    public BusConfig withBootstrapServers(String servers) {
        return with(BOOTSTRAP_SERVERS, servers);
    }

    /** A copy with one setting changed. */
    public BusConfig with(String key, String value) {
        TreeMap<String, String> v = new TreeMap<>(values);
        v.put(key, value);
        return new BusConfig(v);
    }

    public String bootstrapServers() {
        return values.getOrDefault(BOOTSTRAP_SERVERS, BOOTSTRAP_SERVERS_DEFAULT);
    }

    public String stepsTopic() {
        return values.getOrDefault(STEPS_TOPIC, STEPS_TOPIC_DEFAULT);
    }

    public String lifecycleTopic() {
        return values.getOrDefault(LIFECYCLE_TOPIC, LIFECYCLE_TOPIC_DEFAULT);
    }

    public String controlTopic() {
        return values.getOrDefault(CONTROL_TOPIC, CONTROL_TOPIC_DEFAULT);
    }

    public String deadLetterTopic() {
        return values.getOrDefault(DEAD_LETTER_TOPIC, DEAD_LETTER_TOPIC_DEFAULT);
    }

    public String leaseTopic() {
        return values.getOrDefault(LEASE_TOPIC, LEASE_TOPIC_DEFAULT);
    }

    /** All settings as {@code hpo.*} keys, e.g. to forward them to Spark executors. */
    public Map<String, String> asMap() {
        return Map.copyOf(values);
    }

    /** Base Kafka client properties: bootstrap servers plus every passthrough setting, file settings read. */
    public Properties kafkaClientProperties() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers());
        values.forEach((k, val) -> {
            if (k.startsWith(KAFKA_PASSTHROUGH_FILE_PREFIX)) {
                String clientKey = k.substring(KAFKA_PASSTHROUGH_FILE_PREFIX.length());
                Secrets.valueOrFile(values, KAFKA_PASSTHROUGH_PREFIX + clientKey, k)
                        .ifPresent(v -> p.put(clientKey, v));
            } else if (k.startsWith(KAFKA_PASSTHROUGH_PREFIX)) {
                p.put(k.substring(KAFKA_PASSTHROUGH_PREFIX.length()), val);
            }
        });
        return p;
    }

    @Override
    public String toString() {
        // passthrough values may hold credentials (sasl.jaas.config, ssl passwords): show keys only
        return "BusConfig{bootstrap=" + bootstrapServers() + ", steps=" + stepsTopic() + ", lifecycle="
                + lifecycleTopic() + ", control=" + controlTopic() + ", deadLetter=" + deadLetterTopic()
                + ", leases=" + leaseTopic()
                + ", clientKeys=" + values.keySet().stream()
                .filter(k -> k.startsWith(KAFKA_PASSTHROUGH_PREFIX)).toList() + "}";
    }
}
