package dev.mcpwatch.testkit;

import dev.mcpwatch.probe.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OAuth 2.1 authorization server written to the RFCs, for tests: RFC 8414 metadata, a token
 * endpoint for client_credentials (client_secret_basic, client_secret_post, private_key_jwt verified
 * with the client's public key), refresh_token (rotating, revocable) and authorization_code (PKCE S256
 * checked), an authorization endpoint that approves at once (the person said yes) and redirects with
 * code, state and iss, and dynamic client registration. Every token request is recorded. A
 * {@link Protected} wraps an MCP handler so that it takes only this server's access tokens.
 */
public final class AuthorizationServer implements FixtureServer.Handler {
    public static final String CLIENT_ID = "monitor-client";
    public static final String CLIENT_SECRET = "s3cret-" + java.util.UUID.randomUUID();

    private final FixtureServer server;
    private final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
    private final Set<String> accessTokens = ConcurrentHashMap.newKeySet();
    private final Map<String, String> refreshTokens = new ConcurrentHashMap<>(); // token -> scope
    private final Map<String, String> codes = new ConcurrentHashMap<>(); // code -> challenge
    private final AtomicInteger issued = new AtomicInteger();
    private volatile long expiresIn = 3600;
    private volatile PublicKey clientKey;
    private volatile boolean refuseRefresh;

    public AuthorizationServer() {
        this.server = FixtureServer.http(this);
    }

    public String issuer() {
        return server.url("");
    }

    public AuthorizationServer expiresIn(long seconds) {
        this.expiresIn = seconds;
        return this;
    }

    /** Accepts private_key_jwt assertions signed with the key of this public key. */
    public AuthorizationServer clientKey(PublicKey key) {
        this.clientKey = key;
        return this;
    }

    /** Refresh tokens are refused from now on (revoked, or the session ended). */
    public void refuseRefresh() {
        this.refuseRefresh = true;
    }

    /** A refresh token this server will accept, as a login would have left it. */
    public String issueRefreshToken(String scope) {
        String token = "rt-" + issued.incrementAndGet() + "-" + java.util.UUID.randomUUID();
        refreshTokens.put(token, scope == null ? "" : scope);
        return token;
    }

    public boolean valid(String accessToken) {
        return accessTokens.contains(accessToken);
    }

    /** Each token request's form parameters, plus "auth" (basic, post, private_key_jwt, none). */
    public List<Map<String, String>> tokenRequests() {
        return List.copyOf(tokenRequests);
    }

    public List<FixtureServer.Seen> requests() {
        return server.requests();
    }

    @Override
    public void handle(FixtureServer.Request http) throws Exception {
        switch (http.method() + " " + http.path()) {
            case "GET /.well-known/oauth-authorization-server" -> http.json(200, metadata());
            case "POST /token" -> token(http);
            case "POST /register" -> {
                ObjectNode r = Json.object();
                r.put("client_id", "registered-" + issued.incrementAndGet());
                r.put("token_endpoint_auth_method", "none");
                http.json(201, r);
            }
            case "GET /authorize" -> authorize(http);
            default -> http.json(404, Json.object().put("error", "not_found"));
        }
    }

    private ObjectNode metadata() {
        ObjectNode m = Json.object();
        m.put("issuer", issuer());
        m.put("authorization_endpoint", issuer() + "/authorize");
        m.put("token_endpoint", issuer() + "/token");
        m.put("registration_endpoint", issuer() + "/register");
        m.putArray("grant_types_supported").add("client_credentials").add("authorization_code").add("refresh_token");
        m.putArray("token_endpoint_auth_methods_supported").add("client_secret_basic").add("client_secret_post").add("private_key_jwt")
                .add("none");
        m.putArray("code_challenge_methods_supported").add("S256");
        m.putArray("scopes_supported").add("mcp:read").add("offline_access");
        m.put("authorization_response_iss_parameter_supported", true);
        return m;
    }

    private void authorize(FixtureServer.Request http) throws Exception {
        Map<String, String> q = form(http.query());
        String code = "code-" + issued.incrementAndGet();
        codes.put(code, q.getOrDefault("code_challenge", ""));
        String location = q.get("redirect_uri") + "?code=" + code + "&state=" + enc(q.get("state")) + "&iss=" + enc(issuer());
        http.setHeader("Location", location);
        http.empty(302);
    }

    private void token(FixtureServer.Request http) throws Exception {
        Map<String, String> f = form(new String(http.body(), StandardCharsets.UTF_8));
        String auth = authenticate(http, f);
        Map<String, String> seen = new LinkedHashMap<>(f);
        seen.remove("client_secret");
        seen.put("auth", auth == null ? "refused" : auth);
        tokenRequests.add(seen);
        String grant = f.getOrDefault("grant_type", "");
        if (auth == null) {
            http.json(401, error("invalid_client", "client authentication failed"));
            return;
        }
        String scope = f.get("scope");
        String refresh = null;
        switch (grant) {
            case "client_credentials" -> { }
            case "refresh_token" -> {
                String was = f.get("refresh_token");
                if (refuseRefresh || was == null || refreshTokens.remove(was) == null) {
                    http.json(400, error("invalid_grant", "the refresh token is no longer valid"));
                    return;
                }
                refresh = issueRefreshToken(scope); // rotation: the old one is gone
            }
            case "authorization_code" -> {
                String challenge = codes.remove(f.getOrDefault("code", ""));
                if (challenge == null || !challenge.equals(s256(f.getOrDefault("code_verifier", "")))) {
                    http.json(400, error("invalid_grant", "unknown code or PKCE verifier mismatch"));
                    return;
                }
                refresh = issueRefreshToken(scope);
            }
            default -> {
                http.json(400, error("unsupported_grant_type", grant));
                return;
            }
        }
        String token = "at-" + issued.incrementAndGet();
        accessTokens.add(token);
        ObjectNode r = Json.object();
        r.put("access_token", token);
        r.put("token_type", "Bearer");
        r.put("expires_in", expiresIn);
        if (refresh != null) {
            r.put("refresh_token", refresh);
        }
        http.json(200, r);
    }

    /** How the client authenticated, or null when it failed. */
    private String authenticate(FixtureServer.Request http, Map<String, String> f) throws Exception {
        String basic = http.header("Authorization");
        if (basic != null && basic.startsWith("Basic ")) {
            String[] pair = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8).split(":", 2);
            return dec(pair[0]).equals(CLIENT_ID) && dec(pair[1]).equals(CLIENT_SECRET) ? "client_secret_basic" : null;
        }
        if (f.containsKey("client_secret")) {
            return CLIENT_ID.equals(f.get("client_id")) && CLIENT_SECRET.equals(f.get("client_secret")) ? "client_secret_post" : null;
        }
        if (f.containsKey("client_assertion")) {
            return assertionValid(f.get("client_assertion")) ? "private_key_jwt" : null;
        }
        return "none";
    }

    private boolean assertionValid(String jwt) throws Exception {
        String[] parts = jwt.split("\\.");
        if (clientKey == null || parts.length != 3) {
            return false;
        }
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
        s.initVerify(clientKey);
        s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        if (!s.verify(Base64.getUrlDecoder().decode(parts[2]))) {
            return false;
        }
        JsonNode claims = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
        long now = System.currentTimeMillis() / 1000;
        return CLIENT_ID.equals(claims.path("iss").stringValue(null)) && CLIENT_ID.equals(claims.path("sub").stringValue(null))
                && issuer().equals(claims.path("aud").stringValue(null)) && claims.path("exp").asLong() > now;
    }

    private static ObjectNode error(String code, String description) {
        return Json.object().put("error", code).put("error_description", description);
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return out;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            out.put(dec(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : dec(pair.substring(eq + 1)));
        }
        return out;
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }

    private static String s256(String verifier) throws Exception {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    }

    public void close() {
        server.close();
    }

    /**
     * An MCP endpoint behind this authorization server: 401 with a Bearer challenge naming its
     * RFC 9728 metadata unless the request carries one of the server's access tokens.
     */
    public FixtureServer.Handler protect(FixtureServer.Handler mcp, java.util.function.Supplier<String> resource) {
        return http -> {
            if (http.path().equals("/.well-known/oauth-protected-resource/mcp")) {
                ObjectNode prm = Json.object();
                prm.put("resource", resource.get());
                prm.putArray("authorization_servers").add(issuer());
                prm.putArray("scopes_supported").add("mcp:read");
                http.json(200, prm);
                return;
            }
            String auth = http.header("Authorization");
            if (auth == null || !auth.startsWith("Bearer ") || !valid(auth.substring(7))) {
                String base = resource.get().replaceAll("/mcp$", "");
                http.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\", resource_metadata=\"" + base
                        + "/.well-known/oauth-protected-resource/mcp\"");
                http.json(401, Json.object().put("error", "invalid_token"));
                return;
            }
            mcp.handle(http);
        };
    }
}
