package io.hpo.deploy;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one local service in the foreground until the process is told to stop (SIGTERM), then stops it cleanly.
 * The launcher starts one of these per service in the background for `./hpo up`.
 * <pre>ServiceMain kafka|postgres DATA_DIR PORT</pre>
 */
public final class ServiceMain {
    private ServiceMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3 || !(args[0].equals("kafka") || args[0].equals("postgres"))) {
            System.err.println("usage: ServiceMain kafka|postgres DATA_DIR PORT");
            System.exit(2);
        }
        Path data = Path.of(args[1]);
        int port = Integer.parseInt(args[2]);
        AutoCloseable service;
        if (args[0].equals("kafka")) {
            LocalKafkaBroker broker = LocalKafkaBroker.start(data, port);
            System.out.println("Kafka broker listening on " + broker.bootstrapServers() + " (pid " + broker.pid()
                    + ", data " + data + ")");
            service = broker;
        } else {
            LocalPostgres pg = LocalPostgres.start(data, port);
            System.out.println("PostgreSQL listening on " + pg.jdbcUrl() + " (data " + data + ")");
            service = pg;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                System.err.println("stopping " + args[0] + ": " + e.getMessage());
            }
            stopped.countDown();
        }, "service-stop"));
        stopped.await();
    }
}
