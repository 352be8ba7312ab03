package io.hpo.aggregator.api;

import io.hpo.aggregator.config.AggregatorConfig;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Server-sent events on {@code GET /api/events}: after each stored batch, one {@code update} event whose data is
 * the JSON array of the search ids the batch touched. Clients re-read what changed through the JSON API. At most
 * {@code maxClients} streams are open at once. Each client has its own short queue, written without blocking
 * ({@link LiveClient}); a client whose queue is full is too slow and is dropped, so neither ingestion nor the other
 * clients ever wait for one. A comment line every {@value #HEARTBEAT_SECONDS} s keeps proxies from closing idle
 * streams and finds clients that went away.
 */
public final class LiveUpdates implements AutoCloseable {
    static final int HEARTBEAT_SECONDS = 15;
    /** A stream on which nothing could be written for two heartbeats is stalled: its connection is closed. */
    static final Duration STREAM_IDLE_TIMEOUT = Duration.ofSeconds(2L * HEARTBEAT_SECONDS);
    /** Events a client may have waiting; a burst of batches fits, a client that stopped reading does not. */
    static final int QUEUE_CAPACITY = 32;

    private final int maxClients;
    private final Set<LiveClient> clients = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hpo-live-updates");
        t.setDaemon(true);
        return t;
    });

    public LiveUpdates() {
        this(Integer.parseInt(AggregatorConfig.API_LIVE_CLIENTS_DEFAULT));
    }

    public LiveUpdates(int maxClients) {
        if (maxClients < 1) {
            throw new IllegalArgumentException("live-update clients must be at least 1, got " + maxClients);
        }
        this.maxClients = maxClients;
        publisher.scheduleAtFixedRate(() -> sendToAll(": heartbeat\n\n"), HEARTBEAT_SECONDS, HEARTBEAT_SECONDS,
                TimeUnit.SECONDS);
    }

    /**
     * Takes over the request: the response stays open until the client leaves, falls behind or the server stops.
     * Returns false, having taken nothing over, when {@code maxClients} streams are already open.
     */
    boolean subscribe(Request request, Response response, Callback callback) {
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        LiveClient client = new LiveClient(response, callback, endPoint, QUEUE_CAPACITY, clients::remove);
        synchronized (clients) {
            if (clients.size() >= maxClients) {
                return false;
            }
            clients.add(client);
        }
        endPoint.setIdleTimeout(STREAM_IDLE_TIMEOUT.toMillis());
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        // the retry hint makes browsers reconnect quickly after an aggregator restart
        client.offer("retry: 1000\n: connected\n\n");
        return true;
    }

    int maxClients() {
        return maxClients;
    }

    /** Tells every subscriber that these searches changed. */
    public void searchesChanged(Collection<String> searchIds) {
        if (searchIds.isEmpty() || clients.isEmpty()) {
            return;
        }
        String data = Json.MAPPER.valueToTree(Set.copyOf(searchIds)).toString();
        publisher.execute(() -> sendToAll("event: update\ndata: " + data + "\n\n"));
    }

    int subscribers() {
        return clients.size();
    }

    private void sendToAll(String message) {
        clients.forEach(c -> c.offer(message));
    }

    @Override
    public void close() {
        publisher.shutdownNow();
        clients.forEach(c -> c.end("server stopping"));
        clients.clear();
    }
}
