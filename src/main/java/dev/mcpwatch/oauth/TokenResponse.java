package dev.mcpwatch.oauth;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/** A successful token response (RFC 6749 §5.1): the access token, when it expires, and a refresh token if one came. */
record TokenResponse(String accessToken, Instant expiresAt, String refreshToken, String scope, Instant refreshExpiresAt) {

    static TokenResponse parse(JsonNode json, Instant now) throws OAuthException {
        String token = json.path("access_token").stringValue(null);
        if (token == null || token.isEmpty()) {
            throw new OAuthException("the token response has no access_token");
        }
        String type = json.path("token_type").stringValue("Bearer");
        if (!type.equalsIgnoreCase("Bearer")) {
            throw new OAuthException("the token response is of type " + OAuthHttp.clip(type) + "; mcpwatch sends Bearer tokens only "
                    + "(DPoP-bound tokens are not supported)");
        }
        long expiresIn = json.path("expires_in").asLong(0);
        long refreshIn = json.path("refresh_token_expires_in").asLong(0);
        return new TokenResponse(token, expiresIn > 0 ? now.plusSeconds(expiresIn) : null, json.path("refresh_token").stringValue(null),
                json.path("scope").stringValue(null), refreshIn > 0 ? now.plusSeconds(refreshIn) : null);
    }

    @Override
    public String toString() {
        return "TokenResponse[expiresAt=" + expiresAt + ", refresh=" + (refreshToken != null) + ", scope=" + scope + "]";
    }
}
