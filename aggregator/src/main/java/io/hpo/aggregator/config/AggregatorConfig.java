package io.hpo.aggregator.config;

import io.hpo.aggregator.store.JdbcUrls;
import io.hpo.events.BusConfig;
import io.hpo.events.Secrets;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The aggregator's settings. Every key is a constant with a default. A key is looked up, first match wins, in:
 * system properties, the environment (key upper-cased, dots as underscores: {@code hpo.store.user} is
 * {@code HPO_STORE_USER}), the properties file given with {@code --config}, then the default.
 */
public final class AggregatorConfig {
    /** Interface the HTTP API binds to; loopback unless deliberately exposed, and then only with an API token. */
    public static final String HTTP_HOST = "hpo.aggregator.http.host";
    public static final String HTTP_HOST_DEFAULT = "127.0.0.1";
    /** Port of the HTTP API; 0 picks a free one. */
    public static final String HTTP_PORT = "hpo.aggregator.http.port";
    public static final String HTTP_PORT_DEFAULT = "8088";
    /**
     * Host names, comma-separated, that requests may carry in their Host header besides localhost, IP literals and
     * {@link #HTTP_HOST}: the names clients reach the API by (a DNS name, a compose service). Any other name is
     * refused, so a web page that rebinds its own DNS name to this address cannot read the API.
     */
    public static final String API_ALLOWED_HOSTS = "hpo.aggregator.api.allowed.hosts";
    public static final String API_ALLOWED_HOSTS_DEFAULT = "";
    /** Most clients of the live-update stream ({@code /api/events}) at once; one more gets 503. */
    public static final String API_LIVE_CLIENTS = "hpo.aggregator.api.live.clients";
    public static final String API_LIVE_CLIENTS_DEFAULT = "64";
    /**
     * How long a connection may send nothing (a request read half-way, an idle keep-alive connection) before it is
     * closed, milliseconds.
     */
    public static final String HTTP_IDLE_TIMEOUT_MS = "hpo.aggregator.http.idle.timeout.ms";
    public static final String HTTP_IDLE_TIMEOUT_MS_DEFAULT = "30000";
    /** JDBC URL of the results database. */
    public static final String JDBC_URL = "hpo.store.jdbc.url";
    public static final String JDBC_URL_DEFAULT = "jdbc:postgresql://127.0.0.1:15432/hpo";
    /** Database user. */
    public static final String USER = "hpo.store.user";
    public static final String USER_DEFAULT = "hpo";
    /** Database password; best given through the environment as HPO_STORE_PASSWORD. Never logged. */
    public static final String PASSWORD = "hpo.store.password";
    /** A file whose first line is the database password (e.g. a mounted secret); used when no password is set. */
    public static final String PASSWORD_FILE = "hpo.store.password.file";
    /**
     * Bearer token that unlocks the API's mutating endpoints (cancel); without one the API is read-only. Best given
     * through the environment as HPO_AGGREGATOR_API_TOKEN. Never logged.
     */
    public static final String API_TOKEN = "hpo.aggregator.api.token";
    /** A file holding the API token (e.g. a mounted secret); used when no token is set. */
    public static final String API_TOKEN_FILE = "hpo.aggregator.api.token.file";
    /** Kafka consumer group of the aggregator: instances sharing it split the partitions. */
    public static final String GROUP_ID = "hpo.aggregator.group.id";
    public static final String GROUP_ID_DEFAULT = "hpo-aggregator";
    /** Longest wait of one Kafka poll, milliseconds. */
    public static final String POLL_MS = "hpo.aggregator.poll.ms";
    public static final String POLL_MS_DEFAULT = "500";
    /**
     * Most records one poll returns, and so one transaction stores: larger batches amortise the fixed round trips of
     * a batch; a batch the database refuses is retried one event at a time, so this also bounds that work.
     */
    public static final String MAX_POLL_RECORDS = "hpo.aggregator.max.poll.records";
    public static final String MAX_POLL_RECORDS_DEFAULT = "5000";
    /**
     * Consumer threads, each with its own database connection; the steps topic gets at least as many partitions.
     * Two keep a 2-core machine's database and decoding busy at once.
     */
    public static final String CONSUMERS = "hpo.aggregator.consumers";
    public static final String CONSUMERS_DEFAULT = "2";
    /** Upper bound of the back-off between retries of a batch the database refused, milliseconds. */
    public static final String RETRY_MAX_MS = "hpo.aggregator.retry.max.ms";
    public static final String RETRY_MAX_MS_DEFAULT = "30000";
    /**
     * How long no Kafka broker may answer the consumers before {@code /health} reports DOWN, milliseconds: an idle
     * consumer and one cut off from the brokers both poll nothing, so only time without answers tells them apart.
     */
    public static final String KAFKA_DOWN_AFTER_MS = "hpo.aggregator.kafka.down.after.ms";
    public static final String KAFKA_DOWN_AFTER_MS_DEFAULT = "60000";
    /**
     * Times a record is tried whose write fails the same way with an error that is not the database's (a bug a
     * record triggers): then it goes to the dead-letter topic and ingestion goes on. Database outages are retried
     * without limit.
     */
    public static final String RECORD_ATTEMPTS = "hpo.aggregator.record.attempts";
    public static final String RECORD_ATTEMPTS_DEFAULT = "3";

    private static final String ENV_PREFIX = "HPO_";

    private final Map<String, String> settings;

    private AggregatorConfig(Map<String, String> settings) {
        this.settings = Map.copyOf(settings);
    }

    /** Reads system properties, the environment and the optional properties file. */
    public static AggregatorConfig load(Path file) {
        Map<String, String> fromFile = file == null ? Map.of() : readProperties(file);
        return resolve(fromFile, System.getenv(), toMap(System.getProperties()));
    }

    /** Settings given explicitly, as {@code hpo.*} keys (tests, embedding). */
    public static AggregatorConfig of(Map<String, String> settings) {
        return new AggregatorConfig(settings);
    }

    static AggregatorConfig resolve(Map<String, String> file, Map<String, String> env, Map<String, String> sysProps) {
        Map<String, String> merged = new HashMap<>();
        file.forEach((k, v) -> putIfHpo(merged, k, v));
        env.forEach((k, v) -> {
            if (k.startsWith(ENV_PREFIX)) {
                merged.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        sysProps.forEach((k, v) -> putIfHpo(merged, k, v));
        return new AggregatorConfig(merged);
    }

    private static void putIfHpo(Map<String, String> target, String key, String value) {
        if (key.startsWith("hpo.")) {
            target.put(key, value);
        }
    }

    private static Map<String, String> readProperties(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        return toMap(p);
    }

    private static Map<String, String> toMap(Properties p) {
        Map<String, String> m = new HashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    public AggregatorConfig with(String key, String value) {
        Map<String, String> m = new HashMap<>(settings);
        m.put(key, value);
        return new AggregatorConfig(m);
    }

    private String get(String key, String defaultValue) {
        String v = settings.get(key);
        return v == null || v.isBlank() ? defaultValue : v.trim();
    }

    public String httpHost() {
        return get(HTTP_HOST, HTTP_HOST_DEFAULT);
    }

    public int httpPort() {
        return intValue(HTTP_PORT, HTTP_PORT_DEFAULT);
    }

    /** The names of {@link #API_ALLOWED_HOSTS}, trimmed, blanks left out. */
    public List<String> allowedHosts() {
        return Arrays.stream(get(API_ALLOWED_HOSTS, API_ALLOWED_HOSTS_DEFAULT).split(","))
                .map(String::trim).filter(h -> !h.isEmpty()).toList();
    }

    public int liveClients() {
        return intValue(API_LIVE_CLIENTS, API_LIVE_CLIENTS_DEFAULT);
    }

    public Duration httpIdleTimeout() {
        return Duration.ofMillis(intValue(HTTP_IDLE_TIMEOUT_MS, HTTP_IDLE_TIMEOUT_MS_DEFAULT));
    }

    public String jdbcUrl() {
        return get(JDBC_URL, JDBC_URL_DEFAULT);
    }

    public String user() {
        return get(USER, USER_DEFAULT);
    }

    /** The password, else the password file's content, else empty. */
    public String password() {
        return Secrets.valueOrFile(settings, PASSWORD, PASSWORD_FILE).orElse("");
    }

    /** The API token, else the token file's content; empty (a read-only API) when neither is set or it is blank. */
    public Optional<String> apiToken() {
        return Secrets.valueOrFile(settings, API_TOKEN, API_TOKEN_FILE).filter(t -> !t.isBlank());
    }

    public String groupId() {
        return get(GROUP_ID, GROUP_ID_DEFAULT);
    }

    public Duration pollInterval() {
        return Duration.ofMillis(intValue(POLL_MS, POLL_MS_DEFAULT));
    }

    public int consumers() {
        return intValue(CONSUMERS, CONSUMERS_DEFAULT);
    }

    public int maxPollRecords() {
        return intValue(MAX_POLL_RECORDS, MAX_POLL_RECORDS_DEFAULT);
    }

    public Duration retryMax() {
        return Duration.ofMillis(intValue(RETRY_MAX_MS, RETRY_MAX_MS_DEFAULT));
    }

    public Duration kafkaDownAfter() {
        return Duration.ofMillis(intValue(KAFKA_DOWN_AFTER_MS, KAFKA_DOWN_AFTER_MS_DEFAULT));
    }

    public int recordAttempts() {
        return intValue(RECORD_ATTEMPTS, RECORD_ATTEMPTS_DEFAULT);
    }

    /**
     * Refuses an API that other machines can reach without an API token: whoever deploys the aggregator on the
     * network decides then who may cancel searches, instead of finding out when a runaway search needs stopping.
     */
    public void requireTokenBeyondLoopback() {
        if (apiToken().isEmpty() && !isLoopback(httpHost())) {
            throw new IllegalArgumentException(HTTP_HOST + "=" + httpHost() + " is not a loopback address: set "
                    + API_TOKEN + " (HPO_AGGREGATOR_API_TOKEN) or " + API_TOKEN_FILE + " to the cancel endpoints'"
                    + " bearer token, or bind " + HTTP_HOST + " to " + HTTP_HOST_DEFAULT);
        }
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            // the server could not bind it either; it is not known to be loopback
            return false;
        }
    }

    /** Kafka bootstrap servers, topic names and client passthrough settings. */
    public BusConfig bus() {
        return BusConfig.from(settings);
    }

    private int intValue(String key, String defaultValue) {
        String v = get(key, defaultValue);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'");
        }
    }

    @Override
    public String toString() {
        return "AggregatorConfig{http=" + httpHost() + ":" + httpPort() + ", jdbc=" + JdbcUrls.redacted(jdbcUrl())
                + ", user=" + user()
                + ", group=" + groupId() + ", consumers=" + consumers() + ", poll=" + pollInterval().toMillis()
                + "ms, batch=" + maxPollRecords() + ", api " + (apiToken().isPresent() ? "token set" : "read-only")
                + ", " + bus() + "}";
    }
}
