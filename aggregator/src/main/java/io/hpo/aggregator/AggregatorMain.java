package io.hpo.aggregator;

import io.hpo.aggregator.cli.ResultsCli;
import io.hpo.aggregator.config.AggregatorConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar hpo-aggregator.jar [--config FILE] [serve | searches | leaderboard ID [--wait S] | best ID |
 * curve ID TRIAL | watch ID | pareto ID [--cost MEASURE] | importance ID | scaling ID [--budget FLOPS] |
 * enqueue ID CONFIG.yaml]}. {@code serve} (the default) runs until SIGTERM/SIGINT, or exits with
 * {@value ResultsCli#FAILED} when an error ends an event consumer; the others print and exit.
 */
public final class AggregatorMain {
    static {
        // before the first logger exists: Kafka's clients log every rebalance at INFO; -D settings still win
        setDefault("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    }

    private static final Logger LOG = LoggerFactory.getLogger(AggregatorMain.class);

    private AggregatorMain() {
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path configFile = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config")) {
                if (i + 1 == args.length) {
                    err.println("--config needs a file");
                    return ResultsCli.USAGE;
                }
                configFile = Path.of(args[++i]);
            } else if (args[i].equals("--help") || args[i].equals("-h")) {
                out.println(ResultsCli.USAGE_TEXT);
                return ResultsCli.OK;
            } else {
                rest.add(args[i]);
            }
        }
        AggregatorConfig config;
        try {
            config = AggregatorConfig.load(configFile);
        } catch (RuntimeException e) {
            err.println(e.getMessage());
            return ResultsCli.USAGE;
        }
        String command = rest.isEmpty() ? "serve" : rest.get(0);
        List<String> commandArgs = rest.isEmpty() ? List.of() : rest.subList(1, rest.size());
        if (command.equals("serve")) {
            return commandArgs.isEmpty() ? serve(config, err) : usage(err, "serve takes no arguments");
        }
        return new ResultsCli(config, out, err).run(command, commandArgs);
    }

    private static int usage(PrintStream err, String problem) {
        err.println(problem);
        err.println(ResultsCli.USAGE_TEXT);
        return ResultsCli.USAGE;
    }

    /**
     * Runs until the JVM is asked to stop, or until an error ends a consumer: then it returns FAILED, so that a
     * supervisor restarts the process rather than leave an API serving results that no longer advance. Either
     * way the shutdown hook closes everything in order ({@code System.exit} runs it too).
     */
    private static int serve(AggregatorConfig config, PrintStream err) {
        AggregatorService service;
        try {
            service = AggregatorService.start(config);
        } catch (IllegalArgumentException e) {
            // a setting to change: the message says which, a stack trace would bury it
            err.println(e.getMessage());
            return ResultsCli.USAGE;
        } catch (Exception e) {
            LOG.error("aggregator failed to start", e);
            err.println("aggregator failed to start: " + e.getMessage());
            return ResultsCli.FAILED;
        }
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            done.countDown();
        }, "hpo-aggregator-stop"));
        service.consumerFailure().thenRun(done::countDown);
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (service.consumerFailure().isDone()) {
            LOG.error("an event consumer has died, exiting with status {}", ResultsCli.FAILED);
            return ResultsCli.FAILED;
        }
        return ResultsCli.OK;
    }
}
