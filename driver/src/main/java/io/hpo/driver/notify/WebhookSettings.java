package io.hpo.driver.notify;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the driver delivers a search's end to its webhook (the keys are in the driver's settings).
 *
 * @param secret         key of the deliveries' HMAC signature; empty sends them unsigned. Never logged
 * @param attempts       most tries of one delivery
 * @param deadline       most time one delivery may take, all tries and waits between them included; also the
 *                       longest the driver waits for it before it exits
 * @param requestTimeout most time one try waits for an answer
 * @param firstBackoff   wait before the second try; each later wait doubles
 * @param dashboardUrl   the dashboard's address, for the summary's link to the search; empty when not known
 */
public record WebhookSettings(Optional<String> secret, int attempts, Duration deadline, Duration requestTimeout,
                              Duration firstBackoff, Optional<String> dashboardUrl) {

    public WebhookSettings {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(dashboardUrl, "dashboardUrl");
        if (attempts < 1 || deadline.isNegative() || deadline.isZero() || requestTimeout.isNegative()
                || requestTimeout.isZero() || firstBackoff.isNegative()) {
            throw new IllegalArgumentException("attempts must be at least 1 and the times positive");
        }
    }

    /** Says whether there is a secret, never what it is. */
    @Override
    public String toString() {
        return "WebhookSettings[secret " + (secret.isPresent() ? "set" : "unset") + ", attempts " + attempts
                + ", deadline " + deadline + ", request timeout " + requestTimeout + ", first backoff " + firstBackoff
                + ", dashboard " + dashboardUrl.orElse("unknown") + "]";
    }
}
