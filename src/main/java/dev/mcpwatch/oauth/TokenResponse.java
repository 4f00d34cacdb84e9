package dev.mcpwatch.oauth;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * A successful token response (RFC 6749 §5.1): the access token, when it expires, a refresh token if
 * one came, and whether the token is DPoP-bound (RFC 9449 §5).
 */
record TokenResponse(String accessToken, Instant expiresAt, String refreshToken, String scope, Instant refreshExpiresAt, boolean dpopBound) {

    /** {@code proved}: the request carried a DPoP proof, so a DPoP-bound token is expected and usable. */
    static TokenResponse parse(JsonNode json, Instant now, boolean proved) throws OAuthException {
        String token = json.path("access_token").stringValue(null);
        if (token == null || token.isEmpty()) {
            throw new OAuthException("the token response has no access_token");
        }
        String type = json.path("token_type").stringValue("Bearer");
        boolean dpop = type.equalsIgnoreCase("DPoP");
        if (!type.equalsIgnoreCase("Bearer") && !(dpop && proved)) {
            throw new OAuthException("the token response is of type " + OAuthHttp.clip(type) + "; mcpwatch uses Bearer tokens, and "
                    + "DPoP tokens it asked for with a proof");
        }
        long expiresIn = json.path("expires_in").asLong(0);
        long refreshIn = json.path("refresh_token_expires_in").asLong(0);
        return new TokenResponse(token, expiresIn > 0 ? now.plusSeconds(expiresIn) : null, json.path("refresh_token").stringValue(null),
                json.path("scope").stringValue(null), refreshIn > 0 ? now.plusSeconds(refreshIn) : null, dpop);
    }

    @Override
    public String toString() {
        return "TokenResponse[expiresAt=" + expiresAt + ", refresh=" + (refreshToken != null) + ", scope=" + scope + "]";
    }
}
