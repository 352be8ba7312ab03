package io.hpo.driver.notify;

import io.hpo.driver.SearchOutcome;
import io.hpo.driver.SearchStatus;
import io.hpo.space.spec.NotifySpec;
import io.hpo.space.spec.SearchSpec;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Tells a search's webhook (the spec's {@code notify}) how the search ended, without holding the search up: the
 * driver reports the end after the search's outcome is recorded on the event bus, the delivery runs on a thread of
 * its own while Spark stops, and the driver waits for it at most the delivery deadline before it exits. A spec
 * without {@code notify}, or an ending it does not list, posts nothing.
 */
public final class SearchNotifier {
    /** Beyond the deadline, for the delivery thread to log its last line. */
    private static final Duration GRACE = Duration.ofSeconds(1);

    private final SearchSpec spec;
    private final WebhookSettings settings;
    private final PrintStream log;
    private Thread delivery;

    /** Warns here, once, when the spec posts its end but no secret signs it. */
    public SearchNotifier(SearchSpec spec, WebhookSettings settings, PrintStream log) {
        this.spec = spec;
        this.settings = settings;
        this.log = log;
        if (spec.notification().isPresent() && settings.secret().isEmpty()) {
            log.println("warning: notify.webhook is set but no secret is (hpo.driver.notify.secret, its .file, or "
                    + "HPO_NOTIFY_SECRET): the search's end is posted unsigned");
        }
    }

    /** The search ended with {@code outcome}, already recorded. */
    public void ended(SearchOutcome outcome) {
        post(outcome.status(), () -> SearchReport.ended(spec, outcome, now(), settings.dashboardUrl()));
    }

    /** The search stopped on {@code error} after this driver started it at {@code startedMs}. */
    public void failed(String searchId, long startedMs, String error) {
        post(SearchStatus.FAILED, () -> SearchReport.failed(spec, searchId, error, Instant.ofEpochMilli(startedMs),
                now(), settings.dashboardUrl()));
    }

    /** Waits for the delivery under way, if any, at most the delivery deadline; what is left then is dropped. */
    public void awaitDelivery() throws InterruptedException {
        if (delivery != null) {
            delivery.join(settings.deadline().plus(GRACE).toMillis());
        }
    }

    /** In milliseconds, like the start time beside it. */
    private static Instant now() {
        return Instant.ofEpochMilli(System.currentTimeMillis());
    }

    private void post(SearchStatus status, Supplier<SearchReport> report) {
        NotifySpec notify = spec.notification().orElse(null);
        // one post per driver run: a failure while reporting an end is not a second ending
        if (notify == null || !notify.posts(status.name()) || delivery != null) {
            return;
        }
        byte[] body;
        try {
            body = report.get().json();
        } catch (RuntimeException e) {
            // the search's end is recorded; a summary that cannot be written must not turn it into a failure
            log.println("warning: the search's end was not posted to its webhook: " + e);
            return;
        }
        // HTTP/1.1: over plain http the JDK client would otherwise offer an h2c upgrade with the POST, which some
        // receivers mishandle
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.requestTimeout()).build();
        WebhookDelivery webhook = new WebhookDelivery(client, settings, log);
        delivery = new Thread(() -> {
            try {
                webhook.post(URI.create(notify.webhook()), body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.println("warning: the search's end was not posted to its webhook: " + e);
            }
        }, "webhook-delivery");
        // a delivery never keeps the driver's JVM alive past the wait in awaitDelivery
        delivery.setDaemon(true);
        delivery.start();
    }
}
