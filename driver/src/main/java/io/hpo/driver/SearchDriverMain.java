package io.hpo.driver;

import io.hpo.driver.bus.DriverLease;
import io.hpo.driver.bus.LeaseLostException;
import io.hpo.driver.bus.LeaseRefusedException;
import io.hpo.driver.history.LifecycleLog;
import io.hpo.driver.history.RecordedSearch;
import io.hpo.driver.warm.ResultsApi;
import io.hpo.driver.warm.WarmStartException;
import io.hpo.driver.warm.WarmStarts;
import io.hpo.driver.notify.SearchNotifier;
import io.hpo.driver.notify.WebhookSettings;
import io.hpo.events.BrokerCheck;
import io.hpo.events.BusConfig;
import io.hpo.space.checkpoint.CheckpointException;
import io.hpo.space.sampler.FinishedTrial;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecException;
import io.hpo.space.spec.SpecLoader;
import io.hpo.space.spec.SpecWriter;
import io.hpo.worker.data.DataException;
import io.hpo.worker.gpu.Nd4jBackends;
import org.apache.kafka.common.KafkaException;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The Spark application: {@code spark-submit --class io.hpo.driver.SearchDriverMain hpo-driver.jar SPEC.yaml
 * [--search-id ID]} or {@code ... --resume ID}. The spec is read and checked before Spark starts, so a broken spec
 * costs no cluster time. A search id that the lifecycle topic already holds goes on from its recorded history
 * (its finished trials are not run again); {@code --resume} takes the spec it was recorded with. A search has one
 * live driver: before reading its history or starting Spark the driver takes the search's {@link DriverLease}, and
 * refuses when another driver holds it. Once the search has ended (its end recorded) or failed, a spec's
 * {@code notify} webhook is told, and the driver waits for that delivery at most its deadline before it exits.
 * Exit codes: 0 the search ran (or had already finished), 2 bad arguments, spec, data (data is checked before any
 * trial starts), no Kafka broker answering, another driver running the search, or a strategy.warm_start that
 * cannot be read (an unknown search, an aggregator that does not answer, the search itself; all checked before Spark
 * starts),
 * 1 the search failed (a lost lease included: the driver stops launching trials).
 */
public final class SearchDriverMain {
    /** Spark's own retries of a lost task within an averaging round before the round fails (see README). */
    static final String TASK_MAX_FAILURES_DEFAULT = "2";
    /** How long a new search waits for a Kafka broker to answer before it gives up, before Spark starts. */
    static final Duration BROKER_CHECK_TIMEOUT = Duration.ofSeconds(10);

    private SearchDriverMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        boolean resume = args.length == 2 && args[0].equals("--resume");
        if (!resume && args.length != 1 && !(args.length == 3 && args[1].equals("--search-id"))) {
            System.err.println("usage: SearchDriverMain SPEC.yaml [--search-id ID] | SearchDriverMain --resume ID");
            return 2;
        }
        SparkConf conf = new SparkConf();
        Settings settings;
        try {
            settings = new Settings(DriverSettings.bus(conf), DriverSettings.metricsPort(conf),
                    DriverSettings.trialRetries(conf), DriverSettings.leaseSessionTimeout(conf),
                    new ResultsApi(DriverSettings.aggregatorUrl(conf), DriverSettings.AGGREGATOR_URL),
                    DriverSettings.webhook(conf));
            GpuScheduling.apply(conf, DriverSettings.workerGpus(conf),
                    Nd4jBackends.cudaPackaged(SearchDriverMain.class.getClassLoader()));
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        SearchSpec given;
        String searchId;
        try {
            given = resume ? null : SpecLoader.load(Path.of(args[0]));
            searchId = resume ? SearchIds.requireValid(args[1])
                    : args.length == 3 ? SearchIds.requireValid(args[2]) : SearchIds.newId(given.name());
        } catch (SpecException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        BusConfig bus = settings.bus();
        Optional<String> busDown = BrokerCheck.problem(bus, BROKER_CHECK_TIMEOUT);
        if (busDown.isPresent()) {
            System.err.println("error: " + busDown.get());
            return 2;
        }
        // the lease before the history: what another driver records up to the moment this one holds it is read
        try (DriverLease lease = DriverLease.acquire(bus, searchId, settings.leaseSession())) {
            return runHolding(lease, conf, settings, args, given, searchId);
        } catch (LeaseRefusedException | KafkaException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
    }

    /** The search, once this driver holds its lease; {@code given} is the spec of a submit, null on --resume. */
    private static int runHolding(DriverLease lease, SparkConf conf, Settings settings, String[] args,
                                  SearchSpec given, String searchId) {
        BusConfig bus = settings.bus();
        SearchSpec spec;
        RecordedSearch prior;
        try {
            if (given == null) {
                prior = LifecycleLog.read(bus, searchId, System.err);
                if (!prior.exists()) {
                    System.err.println("error: no search " + searchId + " on " + bus.lifecycleTopic() + " at "
                            + bus.bootstrapServers() + ": nothing to resume");
                    return 2;
                }
                spec = SpecLoader.parseRecorded(prior.specYaml(), "search " + searchId + " (recorded spec)");
            } else {
                spec = given;
                prior = args.length == 3 ? LifecycleLog.read(bus, searchId, System.err)
                        : RecordedSearch.none(searchId);
                if (prior.exists() && !SpecWriter.records(prior.specYaml(), spec)) {
                    System.err.println("error: search " + searchId + " was recorded with a different spec than "
                            + args[0] + "; resume it with --resume " + searchId + " or give a new search id");
                    return 2;
                }
            }
        } catch (SpecException | IllegalArgumentException | IllegalStateException | KafkaException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        if (prior.finished()) {
            System.out.println("search " + searchId + " already finished (" + prior.finalStatus()
                    + "); nothing to do");
            return 0;
        }
        List<FinishedTrial> warm;
        try {
            // read again on a resume: earlier searches that had finished give the same trials, and so the same
            // suggestions
            warm = WarmStarts.load(spec, searchId, settings.results(), System.out);
        } catch (WarmStartException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        conf.setAppName("hpo " + spec.name() + " " + searchId);
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        conf.setIfMissing("spark.task.maxFailures", TASK_MAX_FAILURES_DEFAULT);
        System.out.println("search " + searchId + " from " + spec.origin() + ", events to " + bus);
        SearchNotifier notifier = new SearchNotifier(spec, settings.webhook(), System.out);
        long started = System.currentTimeMillis();
        try (DriverMetrics metrics = new DriverMetrics();
             JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            settings.metricsPort().ifPresent(port -> serveMetrics(metrics, DriverSettings.metricsHost(conf), port));
            SearchOutcome outcome = new SearchRunner(sc, bus, System.out, metrics, settings.retries()).fencedBy(lease)
                    .run(spec, searchId, prior, warm);
            notifier.ended(outcome);
            outcome.best().ifPresent(b -> System.out.printf("best trial %s: validation loss %.4f%n", b.trialId(),
                    b.result().bestValLoss()));
            System.out.println("search id: " + searchId);
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("search " + searchId + " interrupted");
            return 1;
        } catch (DataException | CheckpointException e) {
            System.err.println("error: " + e.getMessage());
            notifier.failed(searchId, started, e.getMessage());
            return 2;
        } catch (LeaseLostException e) {
            System.err.println("error: " + e.getMessage());
            notifier.failed(searchId, started, e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            System.err.println("search " + searchId + " failed: " + e.getMessage());
            e.printStackTrace();
            notifier.failed(searchId, started, String.valueOf(e.getMessage()));
            return 1;
        } finally {
            awaitDelivery(notifier);
        }
    }

    /** After Spark has stopped: the search's end is recorded, and its webhook gets at most its deadline. */
    private static void awaitDelivery(SearchNotifier notifier) {
        try {
            notifier.awaitDelivery();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The driver's settings, all read and checked before anything starts. */
    private record Settings(BusConfig bus, OptionalInt metricsPort, int retries, Duration leaseSession,
                            ResultsApi results, WebhookSettings webhook) {
    }

    /** A taken port costs the search its metrics endpoint, not its run. */
    private static void serveMetrics(DriverMetrics metrics, String host, int port) {
        try {
            metrics.serve(host, port);
            System.out.println("driver metrics on http://" + host + ":" + metrics.port() + "/metrics");
        } catch (UncheckedIOException e) {
            System.err.println("warning: " + e.getMessage() + "; the search runs without a metrics endpoint");
        }
    }
}
