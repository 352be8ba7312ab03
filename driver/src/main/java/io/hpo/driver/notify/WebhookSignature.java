package io.hpo.driver.notify;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The {@code X-Hpo-Signature} header: {@code sha256=} and the hex HMAC-SHA256, keyed with the shared secret, of the
 * {@code X-Hpo-Timestamp} value, a dot and the body's bytes. The timestamp is signed so that a receiver which
 * refuses old timestamps cannot be sent a captured delivery again later.
 */
public final class WebhookSignature {
    static final String ALGORITHM = "HmacSHA256";
    static final String PREFIX = "sha256=";

    private WebhookSignature() {
    }

    public static String of(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            // every Java runtime must provide HmacSHA256
            throw new IllegalStateException(e);
        }
    }
}
