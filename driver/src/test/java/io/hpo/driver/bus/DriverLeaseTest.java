package io.hpo.driver.bus;

import io.hpo.deploy.LocalKafkaBroker;
import io.hpo.events.BusConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One live driver per search, on a real broker: a second driver of a search is refused while the first holds the
 * lease, and gets it once the first has left, or has been killed and its session has timed out; different searches
 * do not share a lease; a holder cut off from Kafka reports the lease lost.
 */
class DriverLeaseTest {
    /** The broker's smallest allowed session timeout (group.min.session.timeout.ms), so a killed holder expires soon. */
    private static final Duration SESSION = Duration.ofSeconds(6);

    @TempDir
    static Path dir;
    private static LocalKafkaBroker kafka;
    private static BusConfig bus;

    @BeforeAll
    static void startKafka() {
        kafka = LocalKafkaBroker.start(dir.resolve("kafka"), 0);
        bus = BusConfig.defaults().withBootstrapServers(kafka.bootstrapServers());
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void aSecondDriverIsRefusedWhileTheFirstHoldsTheLeaseAndGetsItOnceTheFirstLeaves() throws Exception {
        String search = "search-" + UUID.randomUUID();
        try (DriverLease first = DriverLease.acquire(bus, search, SESSION)) {
            long started = System.nanoTime();
            LeaseRefusedException refused = assertThrows(LeaseRefusedException.class,
                    () -> DriverLease.acquire(bus, search, SESSION));
            assertEquals("search " + search + " is already being run by another driver (it holds the lease in "
                    + "consumer group hpo-driver." + search + " on hpo.leases): wait for it to end or stop it; a "
                    + "driver killed without stopping keeps the lease for 6 s (hpo.driver.lease.session.timeout.ms)",
                    refused.getMessage());
            long refusedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            System.out.println("second driver refused after " + refusedMs + " ms");
            assertTrue(refusedMs < SESSION.toMillis(), "refused at once, not after a timeout: " + refusedMs + " ms");
            Thread.sleep(SESSION.toMillis()); // past a session: the holder kept the lease through the rebalance
            assertEquals(Optional.empty(), first.lost(), "the first driver still holds the lease");
        }
        long started = System.nanoTime();
        try (DriverLease next = DriverLease.acquire(bus, search, SESSION)) {
            assertEquals(Optional.empty(), next.lost());
            assertTrue(seconds(started) < SESSION.toSeconds(), "a lease left is free at once: " + seconds(started));
        }
    }

    @Test
    void differentSearchesHoldTheirOwnLeases() throws Exception {
        try (DriverLease a = DriverLease.acquire(bus, "search-a-" + UUID.randomUUID(), SESSION);
             DriverLease b = DriverLease.acquire(bus, "search-b-" + UUID.randomUUID(), SESSION)) {
            assertEquals(Optional.empty(), a.lost());
            assertEquals(Optional.empty(), b.lost());
        }
    }

    /** kill -9: no close, no leaving the group; the lease frees when the holder's session times out. */
    @Test
    void aKilledDriversLeaseFreesWhenItsSessionTimesOut() throws Exception {
        String search = "search-" + UUID.randomUUID();
        Process holder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), LeaseHolderMain.class.getName(),
                kafka.bootstrapServers(), search, Long.toString(SESSION.toMillis())))
                .redirectError(dir.resolve("holder.err").toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("held", out.readLine());
            assertThrows(LeaseRefusedException.class, () -> DriverLease.acquire(bus, search, SESSION));
        } finally {
            holder.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        long killed = System.nanoTime();
        try (DriverLease next = DriverLease.acquire(bus, search, SESSION)) {
            assertEquals(Optional.empty(), next.lost());
            long freedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            System.out.println("lease of a SIGKILLed holder taken " + freedMs + " ms after the kill (session "
                    + SESSION.toMillis() + " ms)");
            assertTrue(freedMs <= SESSION.plusSeconds(5).toMillis(), "free a session after the kill: " + freedMs);
        }
    }

    /**
     * A network partition, as the holder sees it: no coordinator answers. Within a session the holder stops counting
     * on the lease (it launches nothing: {@code require} waits), and after the limit it reports it lost for good.
     * A broker that comes back sooner leaves the lease with its holder (FaultToleranceIT restarts one mid-search).
     */
    @Test
    void aHolderCutOffFromKafkaHoldsBackThenReportsTheLeaseLost() throws Exception {
        LocalKafkaBroker own = LocalKafkaBroker.start(dir.resolve("kafka-cut"), 0);
        String search = "search-" + UUID.randomUUID();
        Duration limit = SESSION.multipliedBy(2);
        try (DriverLease lease = DriverLease.acquire(
                BusConfig.defaults().withBootstrapServers(own.bootstrapServers()), search, SESSION, limit)) {
            lease.require();
            own.close();
            long cut = System.nanoTime();
            while (lease.confirmed() && seconds(cut) < 3 * SESSION.toSeconds()) {
                Thread.sleep(100);
            }
            long heldBackMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut);
            assertTrue(heldBackMs <= SESSION.toMillis(), "unconfirmed within a session: " + heldBackMs + " ms");
            assertEquals(Optional.empty(), lease.lost(), "not lost yet: the broker may come back");
            LeaseLostException e = assertThrows(LeaseLostException.class, lease::require);
            long lostMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut);
            System.out.println("lease unconfirmed " + heldBackMs + " ms and lost " + lostMs
                    + " ms after the broker stopped");
            assertTrue(lostMs >= limit.toMillis() - SESSION.toMillis() && lostMs <= limit.plusSeconds(2).toMillis(),
                    "require waited until the limit: " + lostMs + " ms");
            assertTrue(e.getMessage().startsWith("search " + search + " lost its driver lease ("), e.getMessage());
            assertTrue(e.getMessage().endsWith("launches no more trials and stops; once no other driver runs it, go on"
                    + " with --resume " + search), e.getMessage());
        } finally {
            own.close();
        }
    }

    private static long seconds(long since) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
    }
}
