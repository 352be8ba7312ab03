package io.hpo.driver.bus;

import io.hpo.events.BusConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A search's one live driver. The driver joins the consumer group {@code hpo-driver.<search id>} on the lease topic's
 * partition 0; Kafka's group coordinator gives that partition to one member at a time, and the cooperative sticky
 * assignor leaves it with the member that has it when another joins. So the first driver holds the lease while its
 * background thread polls, a second one is assigned nothing and refuses, and a driver that dies without leaving (kill
 * -9, a lost machine) loses the lease when its session times out. A holder that has not confirmed its membership with
 * the coordinator for longer than the session allows (the broker restarting, or a network partition in which the
 * coordinator may give the lease to another driver) launches nothing until it is confirmed again: {@link #require()}
 * waits. It reports the lease {@link #lost()}, for good, when the coordinator says another member has it or dropped
 * this one, or after {@link #UNCONFIRMED_LIMIT_SESSIONS} sessions without a confirmation: trials another driver may
 * have launched meanwhile are unknown to this one.
 */
public final class DriverLease implements AutoCloseable {
    /**
     * How long the group coordinator keeps a driver that stopped heartbeating (killed, cut off) as the lease holder;
     * within the broker's {@code group.min.session.timeout.ms} and {@code group.max.session.timeout.ms} (6 s and
     * 30 min by default). Shorter frees a killed driver's search sooner; longer rides out longer network hiccups.
     */
    public static final String SESSION_TIMEOUT = "hpo.driver.lease.session.timeout.ms";
    public static final String SESSION_TIMEOUT_DEFAULT = "10000";

    /** Group of the drivers of one search. */
    public static String group(String searchId) {
        return "hpo-driver." + searchId;
    }

    /** Session timeouts without a confirmation after which the lease counts as lost (2 minutes by default). */
    static final int UNCONFIRMED_LIMIT_SESSIONS = 12;

    private static final Duration POLL = Duration.ofMillis(200);
    /** How soon a confirmation the coordinator refused is tried again. */
    private static final Duration RETRY = Duration.ofMillis(500);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);
    /** Past the session timeout, how long a newcomer waits for its first assignment (a join takes a round trip or two). */
    private static final Duration ASSIGNMENT_MARGIN = Duration.ofSeconds(10);

    private final String searchId;
    private final String topic;
    private final TopicPartition lease;
    private final long heartbeatNanos;
    private final long maxSilenceNanos;
    private final long unconfirmedLimitNanos;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final CompletableFuture<Boolean> firstAssignment = new CompletableFuture<>();
    private final Thread poller;
    private volatile boolean closing;
    private volatile long confirmedAt;
    private volatile String lostReason;

    private DriverLease(BusConfig bus, String searchId, Duration sessionTimeout, Duration unconfirmedLimit) {
        this.unconfirmedLimitNanos = unconfirmedLimit.toNanos();
        this.searchId = searchId;
        this.topic = bus.leaseTopic();
        this.lease = new TopicPartition(topic, 0);
        Duration heartbeat = sessionTimeout.dividedBy(3);
        this.heartbeatNanos = heartbeat.toNanos();
        // the coordinator expires a member a session timeout after it last heard from it, at the earliest a
        // heartbeat interval before our last confirmation: stop launching before another driver can hold the lease
        this.maxSilenceNanos = sessionTimeout.minus(heartbeat).toNanos();
        Properties p = bus.kafkaClientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group(searchId));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "hpo-driver-lease-" + searchId);
        // the classic protocol: its session timeout is the client's to choose, and its assignor runs in a member
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Long.toString(sessionTimeout.toMillis()));
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Long.toString(heartbeat.toMillis()));
        // the rebalance timeout: how long a join waits for a member that has stopped polling
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Long.toString(sessionTimeout.multipliedBy(3).toMillis()));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        this.poller = new Thread(this::hold, "driver-lease-" + searchId);
        poller.setDaemon(true);
    }

    /**
     * Takes the lease of {@code searchId}, or refuses: another live driver holds it, or the group coordinator did
     * not answer within the session timeout and a margin (a driver killed without leaving holds the lease until
     * its session times out, so a newcomer waits that long for it).
     */
    public static DriverLease acquire(BusConfig bus, String searchId, Duration sessionTimeout)
            throws LeaseRefusedException {
        return acquire(bus, searchId, sessionTimeout, sessionTimeout.multipliedBy(UNCONFIRMED_LIMIT_SESSIONS));
    }

    /** @param unconfirmedLimit how long without a confirmation before the lease counts as lost */
    static DriverLease acquire(BusConfig bus, String searchId, Duration sessionTimeout, Duration unconfirmedLimit)
            throws LeaseRefusedException {
        createTopic(bus);
        DriverLease l = new DriverLease(bus, searchId, sessionTimeout, unconfirmedLimit);
        l.poller.start();
        Duration wait = sessionTimeout.plus(ASSIGNMENT_MARGIN);
        try {
            if (l.firstAssignment.get(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                return l;
            }
            l.close();
            throw new LeaseRefusedException("search " + searchId + " is already being run by another driver (it "
                    + "holds the lease in consumer group " + group(searchId) + " on " + l.topic + "): wait for it "
                    + "to end or stop it; a driver killed without stopping keeps the lease for "
                    + sessionTimeout.toSeconds() + " s (" + SESSION_TIMEOUT + ")");
        } catch (TimeoutException e) {
            l.close();
            throw new LeaseRefusedException("search " + searchId + ": Kafka at " + bus.bootstrapServers()
                    + " gave no member of consumer group " + group(searchId) + " the lease on " + l.topic
                    + " within " + wait.toSeconds() + " s; is the group coordinator up?");
        } catch (ExecutionException e) {
            l.close();
            throw new LeaseRefusedException("search " + searchId + ": could not join consumer group "
                    + group(searchId) + " on " + l.topic + " at " + bus.bootstrapServers() + ": "
                    + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            l.close();
            throw new LeaseRefusedException("search " + searchId + ": interrupted while taking its lease");
        }
    }

    /** Why this driver may no longer launch trials of its search, or empty while it holds the lease. */
    public Optional<String> lost() {
        String why = lostReason;
        if (why != null) {
            return Optional.of(why);
        }
        long silent = System.nanoTime() - confirmedAt;
        if (silent > unconfirmedLimitNanos) {
            return Optional.of("its membership of consumer group " + group(searchId) + " not confirmed by Kafka's "
                    + "group coordinator for " + TimeUnit.NANOSECONDS.toSeconds(silent) + " s");
        }
        return Optional.empty();
    }

    /**
     * Whether the coordinator confirmed the membership recently enough that no other driver can hold the lease: a
     * session timeout less a heartbeat, since the coordinator expires a member a session after it last heard from
     * it.
     */
    boolean confirmed() {
        return System.nanoTime() - confirmedAt <= maxSilenceNanos;
    }

    /**
     * Returns once the lease is confirmed, waiting while it is not (Kafka unreachable for a while: the broker
     * restarting); throws when the lease is {@link #lost()}.
     */
    public void require() {
        while (lost().isEmpty() && !confirmed()) {
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LeaseLostException("search " + searchId + ": interrupted while waiting for Kafka to "
                        + "confirm its driver lease");
            }
        }
        lost().ifPresent(why -> {
            throw new LeaseLostException("search " + searchId + " lost its driver lease (" + why + "): another "
                    + "driver may be running it now, so this one launches no more trials and stops; once no other "
                    + "driver runs it, go on with --resume " + searchId);
        });
    }

    /** Leaves the group: the next driver of the search gets the lease at once. */
    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            poller.join(ADMIN_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The poll thread: the consumer's only user, keeping the membership alive and confirming it. */
    private void hold() {
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // called after every rebalance, with nothing new for a member that gets nothing
                    if (!firstAssignment.isDone()) {
                        confirmedAt = System.nanoTime();
                        firstAssignment.complete(consumer.assignment().contains(lease));
                    }
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (partitions.contains(lease) && !closing) {
                        lostReason = "Kafka's group coordinator gave the lease to another member of "
                                + group(searchId);
                    }
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    if (partitions.contains(lease) && !closing) {
                        lostReason = "Kafka's group coordinator dropped this driver from " + group(searchId)
                                + " (its session timed out)";
                    }
                }
            });
            long nextConfirmation = System.nanoTime();
            while (!closing) {
                consumer.poll(POLL);
                if (firstAssignment.getNow(false) && System.nanoTime() - nextConfirmation >= 0) {
                    // a refused commit (a rebalance under way) is tried again soon, not a heartbeat later
                    nextConfirmation = System.nanoTime() + (confirm() ? heartbeatNanos : RETRY.toNanos());
                }
            }
        } catch (WakeupException e) {
            // close() asked the thread to stop
        } catch (RuntimeException e) {
            firstAssignment.completeExceptionally(e);
            if (lostReason == null) {
                lostReason = "its consumer failed: " + e.getMessage();
            }
        } finally {
            // leaving the group frees the lease at once; a coordinator out of reach does not hold up the exit
            try {
                consumer.close(CloseOptions.timeout(Duration.ofNanos(heartbeatNanos)));
            } catch (RuntimeException e) {
                // not left: the lease frees when the session times out
            }
        }
    }

    /**
     * A commit names the member and its generation, so the coordinator accepts it only from a current member that
     * has not been replaced: proof that the lease was still held when the commit was sent.
     */
    private boolean confirm() {
        long sent = System.nanoTime();
        try {
            consumer.commitSync(Map.of(lease, new OffsetAndMetadata(0)), Duration.ofNanos(heartbeatNanos));
            confirmedAt = sent;
            return true;
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            // not confirmed this time (a rebalance under way, the coordinator unreachable): lost() counts the silence
            return false;
        }
    }

    private static void createTopic(BusConfig bus) throws LeaseRefusedException {
        Properties p = bus.kafkaClientProperties();
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(p)) {
            // one partition, whatever the broker's num.partitions: each search's lease is its partition 0
            admin.createTopics(List.of(new NewTopic(bus.leaseTopic(), Optional.of(1), Optional.empty())))
                    .all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new LeaseRefusedException("could not create the lease topic " + bus.leaseTopic() + " at "
                        + bus.bootstrapServers() + " (" + BusConfig.LEASE_TOPIC + "): " + e.getCause().getMessage());
            }
        } catch (TimeoutException e) {
            throw new LeaseRefusedException("could not create the lease topic " + bus.leaseTopic() + " at "
                    + bus.bootstrapServers() + " within " + ADMIN_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LeaseRefusedException("interrupted while creating the lease topic " + bus.leaseTopic());
        }
    }
}
