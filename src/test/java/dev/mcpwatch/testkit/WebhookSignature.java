package dev.mcpwatch.testkit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The check a webhook receiver makes, written from the documented scheme and not from mcpwatch's
 * code: HMAC-SHA256 over {@code timestamp + "." + body}, compared in constant time, and a timestamp
 * at most 5 minutes from the receiver's clock.
 */
public final class WebhookSignature {
    private WebhookSignature() {}

    public static boolean verifies(Receiver.Seen req, String secret) throws GeneralSecurityException {
        String timestamp = req.header("X-Mcpwatch-Timestamp");
        String given = req.header("X-Mcpwatch-Signature");
        if (timestamp == null || given == null) {
            return false;
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal((timestamp + "." + req.body()).getBytes(StandardCharsets.UTF_8)));
        boolean fresh = Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp)) <= 300;
        return fresh && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII));
    }
}
