package io.hpo.driver.notify;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** What a receiver computes to check a delivery (docs/spec.md shows the same check), written apart from the driver's. */
public final class Receivers {
    private Receivers() {
    }

    public static String signature(String secret, String timestamp, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] signed = (timestamp + "." + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(signed));
    }
}
