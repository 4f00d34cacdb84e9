package dev.mcpwatch.alert;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring acknowledgement links. A token is {@code INCIDENT.EXPIRES.SIGNATURE}: the
 * incident id, the expiry in Unix seconds, and base64url(HMAC-SHA256(secret,
 * "mcpwatch-ack:" + INCIDENT + ":" + EXPIRES)). It grants one thing, acknowledging that incident
 * until it expires; changing the secret revokes every link out there.
 */
public final class AckLinks {
    private static final String PURPOSE = "mcpwatch-ack:";

    private final byte[] secret;

    public AckLinks(String secret) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    /** An incident a valid token names. */
    public record Verified(long incidentId, long expiresAtMs) {}

    /** A token that cannot be used, with a sentence for the person holding it. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    public String token(long incidentId, long expiresAtMs) {
        long expires = expiresAtMs / 1000;
        return incidentId + "." + expires + "." + sign(incidentId, expires);
    }

    public Verified verify(String token, long nowMs) throws Invalid {
        String[] parts = token == null ? new String[0] : token.split("\\.");
        if (parts.length != 3) {
            throw new Invalid("this acknowledgement link is malformed");
        }
        long incident;
        long expires;
        try {
            incident = Long.parseLong(parts[0]);
            expires = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            throw new Invalid("this acknowledgement link is malformed");
        }
        byte[] expected = sign(incident, expires).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, parts[2].getBytes(StandardCharsets.US_ASCII))) {
            throw new Invalid("this acknowledgement link is not valid (altered, or signed with another secret)");
        }
        if (expires * 1000 < nowMs) {
            throw new Invalid("this acknowledgement link expired; acknowledge from the dashboard, the API or mcpwatch ack " + incident);
        }
        return new Verified(incident, expires * 1000);
    }

    private String sign(long incidentId, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] sig = mac.doFinal((PURPOSE + incidentId + ":" + expires).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
