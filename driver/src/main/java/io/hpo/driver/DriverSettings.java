package io.hpo.driver;

import io.hpo.driver.bus.DriverLease;
import io.hpo.driver.notify.WebhookSettings;
import io.hpo.events.BusConfig;
import io.hpo.events.Secrets;
import org.apache.spark.SparkConf;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The driver's settings: every {@code hpo.*} key (see {@link BusConfig} and the constants below) from JVM system
 * properties, overridden by the Spark configuration's {@code spark.hpo.*} keys (what {@code spark-submit --conf}
 * passes).
 */
final class DriverSettings {
    static final String SPARK_PREFIX = "spark.";
    /** Port of the driver's Prometheus endpoint ({@code /metrics}); empty (the default) serves none, 0 a free port. */
    static final String METRICS_PORT = "hpo.driver.metrics.port";
    static final String METRICS_PORT_DEFAULT = "";
    /** Interface the driver's metrics endpoint binds to; set 0.0.0.0 for a Prometheus on another machine. */
    static final String METRICS_HOST = "hpo.driver.metrics.host";
    static final String METRICS_HOST_DEFAULT = "127.0.0.1";

    /**
     * How many times a trial runs again, from scratch as its next attempt, after its Spark job failed because an
     * executor was lost; other failures end the trial FAILED at once.
     */
    static final String TRIAL_RETRIES = "hpo.trial.retries";
    static final String TRIAL_RETRIES_DEFAULT = "2";

    /**
     * GPUs each trial worker (one Spark task) trains on: 0 (CPU) or 1. With 1 the driver asks Spark for GPU
     * scheduling ({@link GpuScheduling}) and each worker trains on the GPU Spark assigned its task.
     */
    static final String WORKER_GPUS = "hpo.worker.gpus";
    static final String WORKER_GPUS_DEFAULT = "0";

    /**
     * The aggregator's HTTP API, which the driver reads earlier searches' trials from for a spec's
     * strategy.warm_start (and only then): the local stack's by default; {@code ./hpo} passes its HPO_API_PORT, the
     * hpo-search Helm chart the aggregator's Service.
     */
    static final String AGGREGATOR_URL = "hpo.driver.aggregator.url";
    static final String AGGREGATOR_URL_DEFAULT = "http://127.0.0.1:8088";

    /**
     * Key of the HMAC signature of the search-end summaries posted to a spec's {@code notify.webhook}; best given
     * through the environment as {@link #NOTIFY_SECRET_ENV} (a Spark {@code --conf} shows on the command line), or
     * as a file. Never logged. Without one the summaries go unsigned, with a warning.
     */
    static final String NOTIFY_SECRET = "hpo.driver.notify.secret";
    /** A file holding the notify secret (e.g. a mounted Kubernetes Secret); used when the key is not set. */
    static final String NOTIFY_SECRET_FILE = "hpo.driver.notify.secret.file";
    /** The environment variable read when neither notify secret key is set. */
    static final String NOTIFY_SECRET_ENV = "HPO_NOTIFY_SECRET";
    /** Most tries of one webhook delivery. */
    static final String NOTIFY_ATTEMPTS = "hpo.driver.notify.attempts";
    static final String NOTIFY_ATTEMPTS_DEFAULT = "5";
    private static final int MAX_NOTIFY_ATTEMPTS = 100;
    /**
     * Most time one webhook delivery may take, tries and waits included, milliseconds; also the longest the driver
     * waits for it after the search before it exits.
     */
    static final String NOTIFY_DEADLINE_MS = "hpo.driver.notify.deadline.ms";
    static final String NOTIFY_DEADLINE_MS_DEFAULT = "60000";
    /** Most time one try waits to connect, and then for an answer, milliseconds. */
    static final String NOTIFY_REQUEST_TIMEOUT_MS = "hpo.driver.notify.request.timeout.ms";
    static final String NOTIFY_REQUEST_TIMEOUT_MS_DEFAULT = "10000";
    /** Wait before a delivery's second try, milliseconds; each later wait doubles. */
    static final String NOTIFY_BACKOFF_MS = "hpo.driver.notify.backoff.ms";
    static final String NOTIFY_BACKOFF_MS_DEFAULT = "1000";
    /** The dashboard's address, for the summary's link to the search's page; empty (the default) leaves it out. */
    static final String NOTIFY_DASHBOARD_URL = "hpo.driver.notify.dashboard.url";

    private DriverSettings() {
    }

    static WebhookSettings webhook(SparkConf conf) {
        return webhook(settings(conf), System.getenv());
    }

    /** The webhook settings from {@code settings}, the secret from {@code env} when the settings name none. */
    static WebhookSettings webhook(Map<String, String> settings, Map<String, String> env) {
        Optional<String> secret;
        try {
            secret = Secrets.valueOrFile(settings, NOTIFY_SECRET, NOTIFY_SECRET_FILE)
                    .or(() -> Optional.ofNullable(env.get(NOTIFY_SECRET_ENV)))
                    .filter(s -> !s.isBlank());
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        String dashboard = settings.getOrDefault(NOTIFY_DASHBOARD_URL, "").trim();
        int attempts = (int) wholeNumber(settings, NOTIFY_ATTEMPTS, NOTIFY_ATTEMPTS_DEFAULT, 1, MAX_NOTIFY_ATTEMPTS,
                "a whole number in [1, " + MAX_NOTIFY_ATTEMPTS + "]");
        return new WebhookSettings(secret, attempts,
                milliseconds(settings, NOTIFY_DEADLINE_MS, NOTIFY_DEADLINE_MS_DEFAULT, false),
                milliseconds(settings, NOTIFY_REQUEST_TIMEOUT_MS, NOTIFY_REQUEST_TIMEOUT_MS_DEFAULT, false),
                milliseconds(settings, NOTIFY_BACKOFF_MS, NOTIFY_BACKOFF_MS_DEFAULT, true),
                dashboard.isEmpty() ? Optional.empty() : Optional.of(dashboard));
    }

    private static Duration milliseconds(Map<String, String> settings, String key, String defaultValue,
                                         boolean zeroAllowed) {
        return Duration.ofMillis(wholeNumber(settings, key, defaultValue, zeroAllowed ? 0 : 1, Long.MAX_VALUE,
                zeroAllowed ? "a number of milliseconds >= 0" : "a number of milliseconds > 0"));
    }

    static BusConfig bus(SparkConf conf) {
        return BusConfig.from(settings(conf));
    }

    static OptionalInt metricsPort(SparkConf conf) {
        String port = settings(conf).getOrDefault(METRICS_PORT, METRICS_PORT_DEFAULT).trim();
        if (port.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(port));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(METRICS_PORT + " must be a port number, got '" + port + "'");
        }
    }

    static int trialRetries(SparkConf conf) {
        return (int) wholeNumber(conf, TRIAL_RETRIES, TRIAL_RETRIES_DEFAULT, 0, Integer.MAX_VALUE,
                "a whole number >= 0");
    }

    static int workerGpus(SparkConf conf) {
        String value = settings(conf).getOrDefault(WORKER_GPUS, WORKER_GPUS_DEFAULT).trim();
        if (value.equals("0") || value.equals("1")) {
            return Integer.parseInt(value);
        }
        throw new IllegalArgumentException(WORKER_GPUS + " must be 0 (train on CPUs) or 1 (one GPU per trial "
                + "worker), got '" + value + "': a worker trains one model, which uses one GPU");
    }

    /** {@link DriverLease#SESSION_TIMEOUT}: how long a killed driver keeps its search's lease. */
    static Duration leaseSessionTimeout(SparkConf conf) {
        return Duration.ofMillis(wholeNumber(conf, DriverLease.SESSION_TIMEOUT, DriverLease.SESSION_TIMEOUT_DEFAULT, 1,
                Long.MAX_VALUE, "a number of milliseconds > 0"));
    }

    /** The setting {@code key} as a whole number in [min, max]; otherwise an error saying it must be {@code expected}. */
    private static long wholeNumber(SparkConf conf, String key, String defaultValue, long min, long max,
                                    String expected) {
        return wholeNumber(settings(conf), key, defaultValue, min, max, expected);
    }

    private static long wholeNumber(Map<String, String> settings, String key, String defaultValue, long min,
                                    long max, String expected) {
        String value = settings.getOrDefault(key, defaultValue).trim();
        try {
            long n = Long.parseLong(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the key's name
        }
        throw new IllegalArgumentException(key + " must be " + expected + ", got '" + value + "'");
    }

    static URI aggregatorUrl(SparkConf conf) {
        String value = settings(conf).getOrDefault(AGGREGATOR_URL, AGGREGATOR_URL_DEFAULT).trim();
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getQuery() == null && uri.getFragment() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below with the key's name
        }
        throw new IllegalArgumentException(AGGREGATOR_URL + " must be an http:// or https:// URL of the aggregator,"
                + " such as " + AGGREGATOR_URL_DEFAULT + ", got '" + value + "'");
    }

    static String metricsHost(SparkConf conf) {
        return settings(conf).getOrDefault(METRICS_HOST, METRICS_HOST_DEFAULT).trim();
    }

    private static Map<String, String> settings(SparkConf conf) {
        Map<String, String> settings = new HashMap<>();
        System.getProperties().forEach((k, v) -> settings.put(k.toString(), v.toString()));
        for (scala.Tuple2<String, String> kv : conf.getAllWithPrefix(SPARK_PREFIX + "hpo.")) {
            settings.put("hpo." + kv._1(), kv._2());
        }
        return settings;
    }
}
