package io.hpo.driver.bus;

import io.hpo.events.BusConfig;

import java.time.Duration;

/**
 * A driver's lease in a JVM of its own, so a test can SIGKILL its holder: {@code LeaseHolderMain BOOTSTRAP SEARCH_ID
 * SESSION_MS} prints {@code held} once it holds the lease, then holds it until killed.
 */
public final class LeaseHolderMain {
    private LeaseHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        BusConfig bus = BusConfig.defaults().withBootstrapServers(args[0]);
        DriverLease lease = DriverLease.acquire(bus, args[1], Duration.ofMillis(Long.parseLong(args[2])));
        System.out.println("held");
        System.out.flush();
        while (lease.lost().isEmpty()) {
            Thread.sleep(100);
        }
        System.out.println("lost: " + lease.lost().get());
    }
}
