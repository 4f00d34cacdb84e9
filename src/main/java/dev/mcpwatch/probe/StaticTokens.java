package dev.mcpwatch.probe;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * When a configured bearer token expires, if it says so: a JWT's {@code exp} (read, not verified;
 * only the expiry leaves this class, never the token). Such a token is the operator's to renew, so
 * its expiry goes into the result for the 72-hour warning.
 */
final class StaticTokens {
    private StaticTokens() {}

    /** What the configured headers tell about expiring credentials, or null when nothing. */
    static Authorizer.CredentialInfo info(Map<String, String> headers) {
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getKey().equalsIgnoreCase("Authorization") && h.getValue().regionMatches(true, 0, "Bearer ", 0, 7)) {
                Instant exp = jwtExpiry(h.getValue().substring(7).strip());
                if (exp != null) {
                    return new Authorizer.CredentialInfo("static", null, null, List.of(new Authorizer.Expiring("bearer token", exp)));
                }
            }
        }
        return null;
    }

    static Instant jwtExpiry(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3 || parts[1].length() > 8192) {
            return null;
        }
        try {
            JsonNode claims = Json.MAPPER.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            return claims != null && claims.path("exp").isNumber() ? Instant.ofEpochSecond(claims.get("exp").asLong()) : null;
        } catch (RuntimeException notAJwt) {
            return null;
        }
    }
}
