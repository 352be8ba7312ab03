package io.hpo.driver.notify;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/**
 * Posts one JSON body to a webhook until it is accepted. Rule: a 2xx answer delivers; a connection error, a timeout,
 * a 5xx or a 429 is tried again after a wait that starts at the first backoff and doubles (or longer, when the
 * answer's {@code Retry-After} asks for more seconds), while tries are left and the deadline allows the wait; any other answer (a 3xx or another 4xx: the request itself is wrong, and
 * would be refused again) ends the delivery at once. Every try carries the same {@code X-Hpo-Delivery} id, so a
 * receiver can drop a repeat whose first answer was lost, and its own timestamp and signature. Each failure is
 * logged as a warning with its status; the secret never is.
 */
public final class WebhookDelivery {
    public static final String DELIVERY_HEADER = "X-Hpo-Delivery";
    public static final String TIMESTAMP_HEADER = "X-Hpo-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Hpo-Signature";
    public static final String ATTEMPT_HEADER = "X-Hpo-Attempt";

    private final HttpClient client;
    private final WebhookSettings settings;
    private final PrintStream log;

    public WebhookDelivery(HttpClient client, WebhookSettings settings, PrintStream log) {
        this.client = client;
        this.settings = settings;
        this.log = log;
    }

    /** How a delivery ended: whether it was accepted, after how many tries, and the last try's status. */
    public record Result(boolean delivered, int attempts, String lastStatus) {
    }

    /** Posts {@code body} to {@code url}, trying again as the rule above says; returns once it is settled. */
    public Result post(URI url, byte[] body) throws InterruptedException {
        String deliveryId = UUID.randomUUID().toString();
        String shown = shown(url);
        long deadline = System.nanoTime() + settings.deadline().toNanos();
        Duration backoff = settings.firstBackoff();
        for (int attempt = 1; ; attempt++) {
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            Try outcome = attempt(url, body, deliveryId, attempt, min(settings.requestTimeout(), left));
            if (outcome.delivered()) {
                log.println("search end posted to " + shown + ": " + outcome.status() + " (attempt " + attempt + ")");
                return new Result(true, attempt, outcome.status());
            }
            left = Duration.ofNanos(deadline - System.nanoTime());
            String failure = "webhook " + shown + " attempt " + attempt + " of " + settings.attempts() + ": "
                    + outcome.status();
            Duration wait = max(backoff, outcome.retryAfter());
            if (!outcome.retry() || attempt == settings.attempts() || wait.compareTo(left) >= 0) {
                String why = !outcome.retry() ? "not tried again: the receiver refused the request"
                        : attempt == settings.attempts() ? "no attempts left"
                        : "the " + settings.deadline().toMillis() + " ms delivery deadline would pass";
                log.println("warning: " + failure + "; " + why + ". The search's end is recorded all the same;"
                        + " the webhook did not get it");
                return new Result(false, attempt, outcome.status());
            }
            log.println("warning: " + failure + "; trying again in " + wait.toMillis() + " ms");
            Thread.sleep(wait.toMillis());
            backoff = backoff.multipliedBy(2);
        }
    }

    /** @param retryAfter the wait the receiver asked for ({@code Retry-After} in seconds), else zero */
    private record Try(boolean delivered, boolean retry, String status, Duration retryAfter) {
    }

    private Try attempt(URI url, byte[] body, String deliveryId, int attempt, Duration timeout)
            throws InterruptedException {
        String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout.isNegative() || timeout.isZero() ? Duration.ofMillis(1) : timeout)
                .header("Content-Type", "application/json")
                .header(DELIVERY_HEADER, deliveryId)
                .header(TIMESTAMP_HEADER, timestamp)
                .header(ATTEMPT_HEADER, String.valueOf(attempt))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        settings.secret().ifPresent(secret -> request.header(SIGNATURE_HEADER,
                WebhookSignature.of(secret, timestamp, body)));
        try {
            HttpResponse<Void> response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
            int code = response.statusCode();
            boolean delivered = code >= 200 && code < 300;
            Duration retryAfter = response.headers().firstValue("Retry-After").map(WebhookDelivery::seconds)
                    .orElse(Duration.ZERO);
            return new Try(delivered, !delivered && (code >= 500 || code == 429), "HTTP " + code, retryAfter);
        } catch (IOException e) {
            // connection refused or reset, an answer not within the timeout (HttpTimeoutException), a TLS failure
            return new Try(false, true, e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), Duration.ZERO);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** {@code Retry-After} as a number of seconds; its HTTP-date form, or anything else, counts as no request. */
    private static Duration seconds(String retryAfter) {
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(retryAfter.trim())));
        } catch (NumberFormatException e) {
            return Duration.ZERO;
        }
    }

    /** The URL as logs show it: without its query, which may carry a token. */
    static String shown(URI url) {
        return url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath());
    }
}
