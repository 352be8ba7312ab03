package io.hpo.aggregator.api;

import io.hpo.events.ControlEvent;
import io.hpo.events.EventPublisher;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Who may change a search through the API, and where the change goes. Without a token the API is read-only;
 * with one, a request must carry {@code Authorization: Bearer <token>}, and accepted requests are published to
 * the control topic, where the search's driver acts on them.
 */
public final class ControlRequests implements AutoCloseable {
    private static final String BEARER = "bearer ";

    private final byte[] tokenDigest;
    private final EventPublisher publisher;

    private ControlRequests(byte[] tokenDigest, EventPublisher publisher) {
        this.tokenDigest = tokenDigest;
        this.publisher = publisher;
    }

    /** An API that changes nothing. */
    public static ControlRequests readOnly() {
        return new ControlRequests(null, null);
    }

    /** Accepts requests carrying {@code token}; publishes them with {@code publisher} (closed with this). */
    public static ControlRequests withToken(String token, EventPublisher publisher) {
        return new ControlRequests(sha256(token), publisher);
    }

    boolean enabled() {
        return tokenDigest != null;
    }

    /** Whether the Authorization header carries the token; compares digests in constant time. */
    boolean authorized(String authorization) {
        if (!enabled() || authorization == null || authorization.length() < BEARER.length()
                || !authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return false;
        }
        return MessageDigest.isEqual(tokenDigest, sha256(authorization.substring(BEARER.length()).trim()));
    }

    /** Publishes the request and waits until the broker has it; throws if it could not be delivered. */
    void publish(ControlEvent event) {
        publisher.publish(event);
        publisher.flush();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public void close() {
        if (publisher != null) {
            publisher.close();
        }
    }
}
