package io.hpo.aggregator.api;

import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * One live-update stream: events wait in a queue of their own and are written one after the other without
 * blocking (a write to a client that stopped reading stays pending while its socket buffer is full). When the
 * queue is full the client has fallen too far behind: its connection is closed, and its browser reconnects and
 * re-reads the current state.
 */
final class LiveClient extends IteratingCallback {
    private static final Logger LOG = LoggerFactory.getLogger(LiveClient.class);

    private final Response response;
    private final Callback exchange;
    private final EndPoint endPoint;
    private final int capacity;
    private final Consumer<LiveClient> onEnd;
    private final Deque<ByteBuffer> queue = new ArrayDeque<>();

    /** Writes to {@code response}; completes {@code exchange} and calls {@code onEnd} when the stream ends. */
    LiveClient(Response response, Callback exchange, EndPoint endPoint, int capacity, Consumer<LiveClient> onEnd) {
        this.response = response;
        this.exchange = exchange;
        this.endPoint = endPoint;
        this.capacity = capacity;
        this.onEnd = onEnd;
    }

    /** Queues an event and returns at once; drops the client when its queue is full. */
    void offer(String event) {
        boolean full;
        synchronized (queue) {
            full = queue.size() >= capacity;
            if (!full) {
                queue.add(ByteBuffer.wrap(event.getBytes(StandardCharsets.UTF_8)));
            }
        }
        if (full) {
            LOG.info("dropping live-update client {}: {} events behind", endPoint.getRemoteSocketAddress(), capacity);
            end("live-update client fell " + capacity + " events behind");
        } else {
            iterate();
        }
    }

    /** Closes the stream's connection; a write still pending fails with it, which ends the stream. */
    void end(String why) {
        IOException cause = new IOException(why);
        abort(cause);
        endPoint.close(cause);
    }

    @Override
    protected Action process() {
        ByteBuffer next;
        synchronized (queue) {
            next = queue.poll();
        }
        if (next == null) {
            return Action.IDLE;
        }
        response.write(false, next, this);
        return Action.SCHEDULED;
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
        LOG.debug("live-update client left: {}", cause.toString());
        onEnd.accept(this);
        exchange.failed(cause);
    }
}
