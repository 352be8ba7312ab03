package io.hpo.aggregator.api;

import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Server-sent events on {@code GET /api/events}: after each stored batch, one {@code update} event whose data is
 * the JSON array of the search ids the batch touched. Clients re-read what changed through the JSON API. Writes
 * happen on one thread of its own, so a slow client never stalls ingestion; a comment line every
 * {@value #HEARTBEAT_SECONDS} s keeps proxies from closing idle streams and finds clients that went away.
 */
public final class LiveUpdates implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveUpdates.class);
    static final int HEARTBEAT_SECONDS = 15;

    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hpo-live-updates");
        t.setDaemon(true);
        return t;
    });

    private record Subscriber(HttpExchange exchange, OutputStream out) {
    }

    public LiveUpdates() {
        writer.scheduleAtFixedRate(() -> sendToAll(": heartbeat\n\n"), HEARTBEAT_SECONDS, HEARTBEAT_SECONDS,
                TimeUnit.SECONDS);
    }

    /** Takes over the exchange: the response stays open until the client leaves or the server stops. */
    void subscribe(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(200, 0);
        Subscriber s = new Subscriber(ex, ex.getResponseBody());
        // the retry hint makes browsers reconnect quickly after an aggregator restart
        writer.execute(() -> {
            if (write(s, "retry: 1000\n: connected\n\n")) {
                subscribers.add(s);
            }
        });
    }

    /** Tells every subscriber that these searches changed. */
    public void searchesChanged(Collection<String> searchIds) {
        if (searchIds.isEmpty() || subscribers.isEmpty()) {
            return;
        }
        String data = Json.MAPPER.valueToTree(Set.copyOf(searchIds)).toString();
        writer.execute(() -> sendToAll("event: update\ndata: " + data + "\n\n"));
    }

    int subscribers() {
        return subscribers.size();
    }

    private void sendToAll(String message) {
        for (Subscriber s : subscribers) {
            if (!write(s, message)) {
                subscribers.remove(s);
            }
        }
    }

    private static boolean write(Subscriber s, String message) {
        try {
            s.out().write(message.getBytes(StandardCharsets.UTF_8));
            s.out().flush();
            return true;
        } catch (IOException e) {
            LOG.debug("live-update client left: {}", e.toString());
            s.exchange().close();
            return false;
        }
    }

    @Override
    public void close() {
        writer.shutdownNow();
        subscribers.forEach(s -> s.exchange().close());
        subscribers.clear();
    }
}
