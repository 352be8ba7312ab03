package io.hpo.driver;

import io.hpo.events.BusConfig;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecException;
import io.hpo.space.spec.SpecLoader;
import io.hpo.worker.data.DataException;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The Spark application: {@code spark-submit --class io.hpo.driver.SearchDriverMain hpo-driver.jar SPEC.yaml
 * [--search-id ID]}. The spec is read and checked before Spark starts, so a broken spec costs no cluster time.
 * Exit codes: 0 the search ran, 2 bad arguments, spec or data (data is checked before any trial starts), 1 the
 * search failed.
 */
public final class SearchDriverMain {
    private SearchDriverMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length != 1 && !(args.length == 3 && args[1].equals("--search-id"))) {
            System.err.println("usage: SearchDriverMain SPEC.yaml [--search-id ID]");
            return 2;
        }
        SearchSpec spec;
        String searchId;
        try {
            spec = SpecLoader.load(Path.of(args[0]));
            searchId = args.length == 3 ? SearchIds.requireValid(args[2]) : SearchIds.newId(spec.name());
        } catch (SpecException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        SparkConf conf = new SparkConf().setAppName("hpo " + spec.name() + " " + searchId);
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        BusConfig bus;
        OptionalInt metricsPort;
        try {
            bus = DriverSettings.bus(conf);
            metricsPort = DriverSettings.metricsPort(conf);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        System.out.println("search " + searchId + " from " + spec.origin() + ", events to " + bus);
        try (DriverMetrics metrics = new DriverMetrics();
             JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            metricsPort.ifPresent(port -> serveMetrics(metrics, DriverSettings.metricsHost(conf), port));
            SearchOutcome outcome = new SearchRunner(sc, bus, System.out, metrics).run(spec, searchId);
            outcome.best().ifPresent(b -> System.out.printf("best trial %s: validation loss %.4f%n", b.trialId(),
                    b.result().bestValLoss()));
            System.out.println("search id: " + searchId);
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("search " + searchId + " interrupted");
            return 1;
        } catch (DataException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            System.err.println("search " + searchId + " failed: " + e.getMessage());
            e.printStackTrace();
            return 1;
        }
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
