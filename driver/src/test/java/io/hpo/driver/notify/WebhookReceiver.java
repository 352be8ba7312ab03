package io.hpo.driver.notify;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on a free loopback port that records every request to {@code /hook} and answers with the
 * statuses it was given, in turn (the last one from then on); a status of 0 never answers. An answer that is not
 * 2xx carries the {@code Retry-After} value given, if any.
 */
public final class WebhookReceiver implements AutoCloseable {
    /** One request as it arrived. */
    /** @param receivedNanos when it arrived, on {@link System#nanoTime()} */
    public record Request(Map<String, List<String>> headers, byte[] body, long receivedNanos) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final Deque<Integer> statuses;
    private final String retryAfter;
    private final List<Request> requests = new ArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    private WebhookReceiver(HttpServer server, List<Integer> statuses, String retryAfter) {
        this.server = server;
        this.statuses = new ArrayDeque<>(statuses);
        this.retryAfter = retryAfter;
    }

    public static WebhookReceiver answering(Integer... statuses) throws IOException {
        return answering(null, statuses);
    }

    /** @param retryAfter the {@code Retry-After} header of every answer that is not 2xx; null for none */
    public static WebhookReceiver answering(String retryAfter, Integer... statuses) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        WebhookReceiver receiver = new WebhookReceiver(server, List.of(statuses), retryAfter);
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status = receiver.record(new Request(Map.copyOf(exchange.getRequestHeaders()), body,
                    System.nanoTime()));
            if (status == 0) {
                try {
                    receiver.closing.await(5, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else {
                if (receiver.retryAfter != null && (status < 200 || status > 299)) {
                    exchange.getResponseHeaders().set("Retry-After", receiver.retryAfter);
                }
                exchange.sendResponseHeaders(status, -1);
            }
            exchange.close();
        });
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "webhook-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return receiver;
    }

    private synchronized int record(Request request) {
        requests.add(request);
        return statuses.size() > 1 ? statuses.poll() : statuses.peek();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook?token=query-token");
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
