package dev.mcpwatch.oauth;

import dev.mcpwatch.probe.Authorizer;
import dev.mcpwatch.probe.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import okhttp3.HttpUrl;
import tools.jackson.databind.node.ObjectNode;

/**
 * One monitor's OAuth client, kept across its probes. With {@code client_credentials} and
 * {@code jwt_bearer} it gets tokens by itself; with {@code authorization_code} it renews the grant of
 * {@code mcpwatch auth login} with its refresh token, and only the login (interactive) sends a person
 * to the browser. Access tokens are cached until {@link #EARLY} before they expire. When the
 * authorization server offers DPoP (ES256), tokens are requested bound to a key of the monitor's and
 * every request carries a fresh proof (RFC 9449), with the nonces either server asks for.
 * Thread-safe (one lock; probes of one monitor do not overlap anyway).
 */
final class OAuthAuthorizer implements Authorizer {
    /** A token this close to its expiry is renewed before use rather than sent. */
    static final Duration EARLY = Duration.ofSeconds(60);
    /** Authorizations one login may start (a server that keeps asking for more scope is not followed forever). */
    private static final int MAX_AUTHORIZATIONS = 3;

    private final String monitorId;
    private final OAuthSettings settings;
    private final InstantSource clock;
    private final GrantStore grants;
    private final LoopbackLogin login; // null unless this is `mcpwatch auth login`

    private Discovery.Found found;
    private String accessToken;
    /** The token is DPoP-bound: each request carries a proof made with {@link #dpop}. */
    private boolean dpopBound;
    private DpopKey dpop;
    private String resourceNonce;
    private String serverNonce;
    private Instant expiresAt;
    private String grantedScope;
    private GrantStore.Grant grant;
    private boolean grantLoaded;
    private String problem;
    private int authorizations;

    OAuthAuthorizer(String monitorId, OAuthSettings settings, InstantSource clock, GrantStore grants, LoopbackLogin login) {
        this.monitorId = monitorId;
        this.settings = settings;
        this.clock = clock;
        this.grants = grants;
        this.login = login;
    }

    @Override
    public synchronized Map<String, String> headers(String method, HttpUrl url, Side side) {
        if (accessToken != null && expiresAt != null && !clock.instant().plus(EARLY).isBefore(expiresAt) && found != null) {
            // Expiring: renew now with what the last discovery found, rather than send it and be refused.
            accessToken = null;
            try {
                obtain(new OAuthHttp(side), null, null);
            } catch (OAuthException e) {
                problem = e.getMessage();
            }
        }
        if (accessToken == null) {
            return Map.of();
        }
        if (!dpopBound) {
            return Map.of("Authorization", "Bearer " + accessToken);
        }
        return Map.of("Authorization", "DPoP " + accessToken, "DPoP", dpop.proof(method, url, accessToken, resourceNonce, clock.instant()));
    }

    @Override
    public synchronized boolean renew(Challenge challenge, Side side) {
        OAuthHttp http = new OAuthHttp(side);
        if (dpopBound && accessToken != null && "use_dpop_nonce".equals(challenge.params().get("error"))) {
            // RFC 9449 §9: the server wants its nonce in the proof; the token is fine.
            if (challenge.dpopNonce() == null || challenge.dpopNonce().equals(resourceNonce)) {
                problem = "the server asks for a DPoP nonce but sends none new";
                return false;
            }
            resourceNonce = challenge.dpopNonce();
            return true;
        }
        try {
            Discovery.Found now = Discovery.discover(http, challenge.url(), challenge.params(), settings);
            if (found != null && !Discovery.sameIssuer(found.issuer(), now.issuer())) {
                accessToken = null; // a token of the old authorization server is of no use at the new one
            }
            found = now;
            boolean stepUp = challenge.status() == 403;
            String challenged = challenge.params().get("scope");
            obtain(http, stepUp ? challenged : null, challenged);
            problem = null;
            return true;
        } catch (OAuthException e) {
            problem = e.getMessage();
            accessToken = null;
            return false;
        }
    }

    /**
     * Gets a new access token. {@code extraScope} is a scope the server asked for on top of what was
     * granted (step-up); {@code challengedScope} is the challenge's scope for a first request.
     */
    private void obtain(OAuthHttp http, String extraScope, String challengedScope) throws OAuthException {
        if (settings.isUnattended()) {
            String scope = scope(challengedScope, extraScope, false);
            Map<String, String> form = new LinkedHashMap<>();
            if (OAuthSettings.JWT_BEARER.equals(settings.grant())) {
                form.put("grant_type", OAuthSettings.JWT_BEARER_GRANT_TYPE);
                form.put("assertion", assertion());
            } else {
                form.put("grant_type", "client_credentials");
            }
            form.put("scope", scope);
            form.put("resource", found.resource());
            take(token(http, form, settings.clientId(), settings.clientSecret(), method(null)), scope);
            return;
        }
        loadGrant();
        boolean sameServer = grant != null && Discovery.sameIssuer(grant.issuer(), found.issuer());
        if (sameServer && grant.refreshToken() != null && (extraScope == null || covered(extraScope))) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "refresh_token");
            form.put("refresh_token", grant.refreshToken());
            form.put("resource", found.resource());
            try {
                TokenResponse t = token(http, form, grant.clientId(), grant.clientSecret(), grant.method());
                take(t, grant.scope());
                if (t.refreshToken() != null && !t.refreshToken().equals(grant.refreshToken())) {
                    keep(new GrantStore.Grant(grant.issuer(), grant.clientId(), grant.clientSecret(), grant.method(), t.refreshToken(),
                            grant.scope(), t.refreshExpiresAt() != null ? t.refreshExpiresAt() : grant.refreshExpiresAt(), grant.dpopKey()));
                }
                return;
            } catch (OAuthException refused) {
                if (login == null) {
                    throw new OAuthException("the refresh token was refused (" + refused.getMessage() + "); log in again with "
                            + "`mcpwatch auth login " + monitorId + "`");
                }
            }
        }
        if (login == null) {
            if (grant == null) {
                throw new OAuthException("this monitor has no login yet; run `mcpwatch auth login " + monitorId + "` once");
            }
            if (!sameServer) {
                throw new OAuthException("the server now names authorization server " + OAuthHttp.clip(found.issuer()) + ", not "
                        + OAuthHttp.clip(grant.issuer()) + " where mcpwatch logged in; run `mcpwatch auth login " + monitorId + "` again");
            }
            throw new OAuthException(grant.refreshToken() == null ? "the login gave no refresh token, so it cannot be renewed; run "
                    + "`mcpwatch auth login " + monitorId + "` again (or ask the server for offline_access)"
                    : "the server asks for scope " + OAuthHttp.clip(extraScope) + " that the login did not grant; run `mcpwatch auth login "
                    + monitorId + "` again");
        }
        authorize(http, scope(challengedScope, extraScope, true));
    }

    /** The workload's identity token: configured, or read from its file now (platforms rotate it there). */
    private String assertion() throws OAuthException {
        if (settings.assertionFile() == null) {
            if (settings.assertion() == null || settings.assertion().isEmpty()) {
                throw new OAuthException("jwt_bearer needs auth.assertion, which is empty: is its environment variable set?");
            }
            return settings.assertion();
        }
        try {
            String token = java.nio.file.Files.readString(settings.assertionFile()).strip();
            if (token.isEmpty()) {
                throw new OAuthException("the assertion file " + settings.assertionFile() + " is empty");
            }
            return token;
        } catch (java.io.IOException e) {
            throw new OAuthException("cannot read the assertion file " + settings.assertionFile() + ": " + e.getMessage());
        }
    }

    /** The interactive authorization-code flow with PKCE: register (or use the configured client), send the person, redeem the code. */
    private void authorize(OAuthHttp http, String scope) throws OAuthException {
        if (++authorizations > MAX_AUTHORIZATIONS) {
            throw new OAuthException("the server still refused after " + MAX_AUTHORIZATIONS + " authorizations; stopping");
        }
        HttpUrl authorizeUrl = found.endpoint("authorization_endpoint");
        Pkce pkce = Pkce.create();
        String state = Pkce.random(16);
        try (LoopbackLogin.Listener listener = login.listen()) {
            Client client = client(http, listener.redirectUri());
            HttpUrl.Builder url = authorizeUrl.newBuilder()
                    .addQueryParameter("response_type", "code")
                    .addQueryParameter("client_id", client.id())
                    .addQueryParameter("redirect_uri", listener.redirectUri())
                    .addQueryParameter("code_challenge", pkce.challenge())
                    .addQueryParameter("code_challenge_method", "S256")
                    .addQueryParameter("state", state)
                    .addQueryParameter("resource", found.resource());
            if (scope != null) {
                url.addQueryParameter("scope", scope);
            }
            Map<String, String> back = listener.await(url.build()).params();
            if (back.containsKey("error")) {
                throw new OAuthException("the authorization server refused the login: " + OAuthHttp.clip(back.get("error"))
                        + (back.containsKey("error_description") ? " (" + OAuthHttp.clip(back.get("error_description")) + ")" : ""));
            }
            if (!state.equals(back.get("state"))) {
                throw new OAuthException("the login came back with another state; it is not the login mcpwatch started");
            }
            checkIssuer(back.get("iss"));
            String code = back.get("code");
            if (code == null || code.isEmpty()) {
                throw new OAuthException("the login came back without a code");
            }
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "authorization_code");
            form.put("code", code);
            form.put("redirect_uri", listener.redirectUri());
            form.put("code_verifier", pkce.verifier());
            form.put("resource", found.resource());
            TokenResponse t = token(http, form, client.id(), client.secret(), client.method());
            take(t, scope);
            keep(new GrantStore.Grant(found.issuer(), client.id(), client.secret(), client.method(), t.refreshToken(),
                    t.scope() != null ? t.scope() : scope, t.refreshExpiresAt(), dpop == null ? null : dpop.export()));
        }
    }

    /** RFC 9207: an iss in the redirect must be the issuer exactly; one the server promised must be there. */
    private void checkIssuer(String iss) throws OAuthException {
        boolean promised = found.server().path("authorization_response_iss_parameter_supported").asBoolean(false);
        if (iss == null && promised) {
            throw new OAuthException("the login came back without iss although the authorization server promises it (RFC 9207); "
                    + "it may come from another server, so mcpwatch does not redeem it");
        }
        if (iss != null && !iss.equals(found.issuer())) {
            throw new OAuthException("the login came back from issuer " + OAuthHttp.clip(iss) + ", not " + OAuthHttp.clip(found.issuer())
                    + " (RFC 9207); mcpwatch does not redeem it");
        }
    }

    private record Client(String id, String secret, OAuthSettings.Method method) {}

    /** The client to log in as: configured (pre-registered, or a metadata-document URL), else registered now (RFC 7591). */
    private Client client(OAuthHttp http, String redirectUri) throws OAuthException {
        boolean cimd = found.server().path("client_id_metadata_document_supported").asBoolean(false);
        if (settings.clientId() != null) {
            if (settings.clientId().startsWith("https://") && settings.clientSecret() == null && !cimd) {
                throw new OAuthException("the configured client id is a metadata-document URL, but " + OAuthHttp.clip(found.issuer())
                        + " does not support client id metadata documents; configure a registered client id");
            }
            return new Client(settings.clientId(), settings.clientSecret(), method(null));
        }
        if (grant != null && Discovery.sameIssuer(grant.issuer(), found.issuer()) && grant.clientId() != null) {
            return new Client(grant.clientId(), grant.clientSecret(), grant.method());
        }
        if (!found.server().path("registration_endpoint").isString()) {
            throw new OAuthException(OAuthHttp.clip(found.issuer()) + " offers no dynamic client registration; register mcpwatch "
                    + "there and configure auth.client_id (and client_secret)");
        }
        ObjectNode body = Json.object();
        body.put("client_name", "mcpwatch");
        body.putArray("redirect_uris").add(redirectUri);
        body.putArray("grant_types").add("authorization_code").add("refresh_token");
        body.putArray("response_types").add("code");
        body.put("application_type", "native");
        body.put("token_endpoint_auth_method", "none");
        if (settings.scope() != null) {
            body.put("scope", settings.scope());
        }
        OAuthHttp.Answer a = http.postJson(found.endpoint("registration_endpoint"), body);
        if (!a.ok() || !a.json().path("client_id").isString()) {
            throw new OAuthException("dynamic client registration at " + OAuthHttp.clip(found.issuer()) + " failed: " + a.error());
        }
        String secret = a.json().path("client_secret").stringValue(null);
        String said = a.json().path("token_endpoint_auth_method").stringValue(null);
        OAuthSettings.Method m = said != null ? OAuthSettings.Method.fromWireName(said) : secret == null
                ? OAuthSettings.Method.NONE : method(secret);
        return new Client(a.json().get("client_id").stringValue(), secret, m);
    }

    /** The configured method, else the first the server supports of basic, post (with a secret), private_key_jwt (with a key), none. */
    private OAuthSettings.Method method(String secret) {
        if (settings.method() != null) {
            return settings.method();
        }
        List<String> supported = found.list("token_endpoint_auth_methods_supported");
        String s = secret != null ? secret : settings.clientSecret();
        if (s != null) {
            if (supported.isEmpty() || supported.contains("client_secret_basic")) {
                return OAuthSettings.Method.CLIENT_SECRET_BASIC;
            }
            if (supported.contains("client_secret_post")) {
                return OAuthSettings.Method.CLIENT_SECRET_POST;
            }
        }
        if (settings.privateKey() != null) {
            return OAuthSettings.Method.PRIVATE_KEY_JWT;
        }
        return s != null ? OAuthSettings.Method.CLIENT_SECRET_BASIC : OAuthSettings.Method.NONE;
    }

    /** A token request with the client's authentication. */
    private TokenResponse token(OAuthHttp http, Map<String, String> form, String clientId, String secret, OAuthSettings.Method method)
            throws OAuthException {
        HttpUrl endpoint = found.endpoint("token_endpoint");
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, String> body = new LinkedHashMap<>(form);
        switch (method) {
            case CLIENT_SECRET_BASIC -> {
                requireSecret(secret, method);
                // RFC 6749 §2.3.1: both parts form-urlencoded before joining.
                String pair = formEncode(clientId) + ":" + formEncode(secret);
                headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
            }
            case CLIENT_SECRET_POST -> {
                requireSecret(secret, method);
                body.put("client_id", clientId);
                body.put("client_secret", secret);
            }
            case PRIVATE_KEY_JWT -> {
                if (settings.privateKey() == null || settings.privateKey().isEmpty()) {
                    throw new OAuthException("private_key_jwt needs auth.private_key (a PKCS#8 PEM from the environment)"
                            + (settings.privateKey() == null ? "" : ", which is empty: is its environment variable set?"));
                }
                body.put("client_id", clientId);
                body.put("client_assertion_type", ClientAssertion.TYPE);
                body.put("client_assertion", ClientAssertion.sign(clientId, found.issuer(), settings.privateKey(),
                        settings.signingAlgorithm(), clock.instant()));
            }
            case NONE -> {
                if (clientId != null) {
                    body.put("client_id", clientId);
                }
            }
        }
        boolean proving = found.list("dpop_signing_alg_values_supported").contains("ES256");
        if (proving && dpop == null) {
            dpop = DpopKey.generate();
        }
        if (proving) {
            headers.put("DPoP", dpop.proof("POST", endpoint, null, serverNonce, clock.instant()));
        }
        OAuthHttp.Answer a = http.postForm(endpoint, body, headers);
        if (proving && a.status() == 400 && a.json() != null && "use_dpop_nonce".equals(a.json().path("error").stringValue(null))
                && a.dpopNonce() != null && !a.dpopNonce().equals(serverNonce)) {
            serverNonce = a.dpopNonce(); // RFC 9449 §8: once more, with the nonce the server asked for
            headers.put("DPoP", dpop.proof("POST", endpoint, null, serverNonce, clock.instant()));
            a = http.postForm(endpoint, body, headers);
        }
        if (!a.ok()) {
            throw new OAuthException("the token request to " + OAuthHttp.redacted(endpoint) + " (" + form.get("grant_type") + ", "
                    + method.wireName() + ") was refused: " + a.error());
        }
        return TokenResponse.parse(a.json(), clock.instant(), proving);
    }

    private static void requireSecret(String secret, OAuthSettings.Method method) throws OAuthException {
        if (secret == null || secret.isEmpty()) {
            throw new OAuthException(method.wireName() + " needs auth.client_secret" + (secret == null ? ""
                    : ", which is empty: is its environment variable set?"));
        }
    }

    private void take(TokenResponse t, String requestedScope) {
        accessToken = t.accessToken();
        dpopBound = t.dpopBound();
        expiresAt = t.expiresAt();
        grantedScope = t.scope() != null ? t.scope() : requestedScope;
    }

    private void keep(GrantStore.Grant g) throws OAuthException {
        grant = g;
        grantLoaded = true;
        if (grants == null) {
            throw new OAuthException(SecretBox.VARIABLE + " is not set: mcpwatch keeps the login's refresh token encrypted with it "
                    + "(create one with: openssl rand -base64 32)");
        }
        grants.save(monitorId, g, clock.millis());
    }

    private void loadGrant() throws OAuthException {
        if (grants == null) {
            throw new OAuthException(SecretBox.VARIABLE + " is not set, so mcpwatch cannot read the login it keeps encrypted "
                    + "(set it as when you ran `mcpwatch auth login " + monitorId + "`)");
        }
        if (!grantLoaded) {
            grant = grants.load(monitorId);
            if (grant != null && grant.dpopKey() != null) {
                dpop = DpopKey.restore(grant.dpopKey()); // its refresh token is bound to this key
            }
        }
        grantLoaded = true;
    }

    /**
     * The scope to ask for: the configured one, else the challenge's, else what the resource's metadata
     * lists; on a step-up the union of what was granted and what is asked for now (SEP-2350). For a
     * login, offline_access is added when the authorization server lists it, so that a refresh token comes.
     */
    private String scope(String challenged, String extra, boolean forLogin) {
        Set<String> scopes = new LinkedHashSet<>();
        if (extra != null && grantedScope != null) {
            scopes.addAll(split(grantedScope));
        }
        if (settings.scope() != null) {
            scopes.addAll(split(settings.scope()));
        } else if (challenged != null) {
            scopes.addAll(split(challenged));
        } else if (!found.resourceScopes().isEmpty()) {
            scopes.addAll(found.resourceScopes());
        }
        if (extra != null) {
            scopes.addAll(split(extra));
        }
        if (forLogin && !scopes.isEmpty() && found.list("scopes_supported").contains("offline_access")) {
            scopes.add("offline_access");
        }
        return scopes.isEmpty() ? null : String.join(" ", scopes);
    }

    private boolean covered(String scope) {
        Set<String> have = new LinkedHashSet<>(split(grant.scope() == null ? "" : grant.scope()));
        return have.containsAll(split(scope));
    }

    private static List<String> split(String scope) {
        List<String> out = new ArrayList<>();
        for (String s : scope.split("\\s+")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private static String formEncode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized String problem() {
        return problem;
    }

    @Override
    public synchronized CredentialInfo info() {
        List<Expiring> expiring = new ArrayList<>();
        if (settings.secretExpires() != null) {
            expiring.add(new Expiring(settings.privateKey() != null ? "client key" : "client secret", settings.secretExpires()));
        }
        if (grant != null && grant.refreshExpiresAt() != null) {
            expiring.add(new Expiring("refresh token", grant.refreshExpiresAt()));
        }
        return new CredentialInfo(settings.grant(), found == null ? null : found.issuer(), expiresAt, expiring);
    }
}
