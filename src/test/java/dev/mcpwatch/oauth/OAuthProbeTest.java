package dev.mcpwatch.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.ProbeSpec;
import dev.mcpwatch.probe.Prober;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.OAuthGrantStore;
import dev.mcpwatch.testkit.AuthorizationServer;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.ModernMcp;
import dev.mcpwatch.testkit.SilentServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * Monitors of servers behind OAuth, against a real HTTP authorization server and a protected modern
 * MCP server: discovery from the 401, the three ways a client authenticates, the token cache on a
 * settable clock, the kept login renewed with its (rotating, sealed) refresh token, and what happens
 * when it cannot be renewed.
 */
class OAuthProbeTest {
    private static final String KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));

    private final AuthorizationServer as = new AuthorizationServer();
    private final ModernMcp mcp = ModernMcp.modernOnly();
    private final AtomicReference<String> resource = new AtomicReference<>();
    private final FixtureServer server = FixtureServer.http(as.protect(mcp, resource::get));
    private final Clock clock = new Clock(Instant.now()); // now: the signed assertions are checked against the real time
    private final Prober prober = new Prober();

    OAuthProbeTest() {
        resource.set(server.url("/mcp"));
    }

    @AfterEach
    void stop() {
        server.close();
        as.close();
    }

    @Test
    void clientCredentialsWithSecretBasicReachTheServerAndNameTheResource() {
        OAuthClients clients = OAuthClients.unattended(clock, null);
        ProbeResult r = prober.probe(spec(clients, clientCredentials(null, null, null)));

        assertThat(r.failure()).isNull();
        assertThat(r.tools().names()).contains("search");
        assertThat(as.tokenRequests()).singleElement().satisfies(t -> assertThat(t)
                .containsEntry("grant_type", "client_credentials")
                .containsEntry("auth", "client_secret_basic")
                .containsEntry("resource", server.url("/mcp"))
                .containsEntry("scope", "mcp:read")); // from the resource's metadata, as nothing else named one
        assertThat(r.credentials().grant()).isEqualTo("client_credentials");
        assertThat(r.credentials().issuer()).isEqualTo(as.issuer());
    }

    @Test
    void clientSecretPostSendsTheSecretInTheBody() {
        ProbeResult r = prober.probe(spec(OAuthClients.unattended(clock, null),
                clientCredentials(OAuthSettings.Method.CLIENT_SECRET_POST, null, null)));

        assertThat(r.failure()).isNull();
        assertThat(as.tokenRequests()).singleElement().satisfies(t -> assertThat(t).containsEntry("auth", "client_secret_post"));
        assertThat(as.requests()).filteredOn(s -> s.path().equals("/token"))
                .allSatisfy(s -> assertThat(s.header("Authorization")).isNull());
    }

    @Test
    void privateKeyJwtIsSignedForTheAuthorizationServer() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair key = g.generateKeyPair();
        as.clientKey(key.getPublic());
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";

        ProbeResult r = prober.probe(spec(OAuthClients.unattended(clock, null),
                new OAuthSettings(OAuthSettings.CLIENT_CREDENTIALS, AuthorizationServer.CLIENT_ID, null, OAuthSettings.Method.PRIVATE_KEY_JWT,
                        pem, "ES256", null, null, null, null, null, null)));

        assertThat(r.failure()).isNull();
        assertThat(as.tokenRequests()).singleElement().satisfies(t -> assertThat(t).containsEntry("auth", "private_key_jwt")
                .containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
    }

    @Test
    void theTokenIsCachedUntilShortlyBeforeItExpiresThenRenewedBeforeUse() {
        as.expiresIn(600);
        OAuthClients clients = OAuthClients.unattended(clock, null);
        OAuthSettings settings = clientCredentials(null, null, null);

        ProbeResult first = prober.probe(spec(clients, settings));
        clock.advance(Duration.ofMinutes(8));
        ProbeResult cached = prober.probe(spec(clients, settings));
        int unauthorizedBefore = unauthorized();
        clock.advance(Duration.ofSeconds(100)); // 20 s left: inside the renewal margin
        ProbeResult renewed = prober.probe(spec(clients, settings));

        assertThat(List.of(first, cached, renewed)).allSatisfy(r -> assertThat(r.failure()).isNull());
        assertThat(as.tokenRequests()).hasSize(2);
        assertThat(unauthorized()).as("the renewal happened before the request, not after a 401").isEqualTo(unauthorizedBefore);
        assertThat(renewed.credentials().tokenExpiresAt()).isEqualTo(clock.instant().plusSeconds(600));
    }

    @Test
    void aKeptLoginIsRenewedWithItsRefreshTokenWhichRotatesAndStaysSealed() throws Exception {
        try (Database db = Databases.sqlite()) {
            GrantStore grants = GrantStore.open(new OAuthGrantStore(db), KEY);
            String refresh = as.issueRefreshToken("mcp:read offline_access");
            grants.save("m1", new GrantStore.Grant(as.issuer(), "registered-1", null, OAuthSettings.Method.NONE, refresh,
                    "mcp:read offline_access", null, null), clock.millis());

            ProbeResult r = prober.probe(spec(OAuthClients.unattended(clock, grants), login()));

            assertThat(r.failure()).isNull();
            assertThat(as.tokenRequests()).singleElement().satisfies(t -> assertThat(t).containsEntry("grant_type", "refresh_token")
                    .containsEntry("refresh_token", refresh).containsEntry("resource", server.url("/mcp")));
            GrantStore.Grant kept = grants.load("m1");
            assertThat(kept.refreshToken()).isNotEqualTo(refresh).startsWith("rt-");
            assertThat(rows(db)).singleElement().satisfies(row -> assertThat(row).startsWith("m1," + as.issuer() + ",registered-1,v1:")
                    .doesNotContain(kept.refreshToken()).doesNotContain(refresh));
            assertThatThrownBy(() -> GrantStore.open(new OAuthGrantStore(db), "another-key-of-at-least-thirty-two-chars!").load("m1"))
                    .isInstanceOf(OAuthException.class).hasMessageContaining("cannot be decrypted with MCPWATCH_OAUTH_KEY");
        }
    }

    @Test
    void aRefusedRefreshAuthWallsTheMonitorWithTheReasonAndTellsToLogInAgain() throws Exception {
        try (Database db = Databases.sqlite()) {
            GrantStore grants = GrantStore.open(new OAuthGrantStore(db), KEY);
            grants.save("m1", new GrantStore.Grant(as.issuer(), "registered-1", null, OAuthSettings.Method.NONE,
                    as.issueRefreshToken("mcp:read"), "mcp:read", null, null), clock.millis());
            as.refuseRefresh();

            ProbeResult r = prober.probe(spec(OAuthClients.unattended(clock, grants), login()));

            assertThat(r.reason()).isEqualTo(Reason.AUTH_REQUIRED);
            assertThat(r.failure().message()).contains("OAuth: the refresh token was refused")
                    .contains("invalid_grant (the refresh token is no longer valid)")
                    .contains("log in again with `mcpwatch auth login m1`");
        }
    }

    @Test
    void aMonitorThatNeverLoggedInSaysHowTo() throws Exception {
        try (Database db = Databases.sqlite()) {
            ProbeResult r = prober.probe(spec(OAuthClients.unattended(clock, GrantStore.open(new OAuthGrantStore(db), KEY)), login()));

            assertThat(r.reason()).isEqualTo(Reason.AUTH_REQUIRED);
            assertThat(r.failure().message()).contains("this monitor has no login yet; run `mcpwatch auth login m1` once");
            assertThat(as.tokenRequests()).isEmpty();
        }
    }

    @Test
    void theLoginRunsThroughTheLoopbackRedirectWithPkceAndKeepsTheRefreshToken() throws Exception {
        try (Database db = Databases.sqlite()) {
            GrantStore grants = GrantStore.open(new OAuthGrantStore(db), KEY);
            ByteArrayOutputStream shown = new ByteArrayOutputStream();
            OkHttpClient browser = new OkHttpClient.Builder().followRedirects(true).build();
            OAuthClients interactive = OAuthClients.interactive(clock, grants, url -> {
                try (Response ignored = browser.newCall(new Request.Builder().url(url).build()).execute()) {
                    // following the redirect delivered the code to mcpwatch's listener
                }
            }, new PrintStream(shown, true, StandardCharsets.UTF_8), 0, Duration.ofSeconds(20));

            ProbeResult r = prober.probe(spec(interactive, login()));

            assertThat(r.failure()).isNull();
            assertThat(shown.toString(StandardCharsets.UTF_8)).contains(as.issuer() + "/authorize?response_type=code")
                    .contains("code_challenge_method=S256").contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A");
            assertThat(as.tokenRequests()).singleElement().satisfies(t -> assertThat(t).containsEntry("grant_type", "authorization_code")
                    .containsKey("code_verifier").hasEntrySatisfying("client_id", id -> assertThat(id).startsWith("registered-")));
            assertThat(grants.load("m1").refreshToken()).startsWith("rt-");
            // The next probe, unattended, renews the login by itself.
            ProbeResult later = prober.probe(spec(OAuthClients.unattended(clock, grants), login()));
            assertThat(later.failure()).isNull();
            assertThat(as.tokenRequests()).last().satisfies(t -> assertThat(t).containsEntry("grant_type", "refresh_token"));
        }
    }

    @Test
    void noSecretReachesTheResult() {
        ProbeResult r = prober.probe(spec(OAuthClients.unattended(clock, null), clientCredentials(null, null, null)));

        String json = Json.MAPPER.writeValueAsString(r);
        assertThat(json).doesNotContain(AuthorizationServer.CLIENT_SECRET).doesNotContain("at-");
        assertThat(clientCredentials(null, null, null).toString()).doesNotContain(AuthorizationServer.CLIENT_SECRET);
    }

    @Test
    void credentialsThatExpireSoonAreInTheResultForTheWarning() {
        Instant soon = clock.instant().plus(Duration.ofHours(40));
        ProbeResult r = prober.probe(spec(OAuthClients.unattended(clock, null), clientCredentials(null, null, soon)));

        assertThat(r.credentials().expiring()).singleElement().satisfies(e -> {
            assertThat(e.what()).isEqualTo("client secret");
            assertThat(e.at()).isEqualTo(soon);
        });
    }

    @Test
    void anAuthorizationServerThatNeverAnswersCostsTheProbeItsDeadlineAndNoMore() {
        AtomicReference<String> url = new AtomicReference<>();
        try (SilentServer silent = new SilentServer();
                FixtureServer walled = FixtureServer.http(http -> {
                    if (http.path().startsWith("/.well-known/oauth-protected-resource")) {
                        ObjectNode prm = Json.object();
                        prm.put("resource", url.get());
                        prm.putArray("authorization_servers").add(silent.url("http", ""));
                        http.json(200, prm);
                        return;
                    }
                    http.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                    http.json(401, Json.object().put("error", "invalid_token"));
                })) {
            url.set(walled.url("/mcp"));
            long start = System.nanoTime();
            ProbeResult r = prober.probe(ProbeSpec.http(walled.url("/mcp")).timeouts(ProbeSpec.Timeouts.withTotal(Duration.ofSeconds(4)))
                    .authorizer(OAuthClients.unattended(clock, null).forMonitor("m1", clientCredentials(null, null, null))).build());
            long ms = (System.nanoTime() - start) / 1_000_000;

            assertThat(r.reason()).isIn(Reason.AUTH_REQUIRED, Reason.TIMEOUT);
            assertThat(ms).as("bounded by the probe's 4 s deadline").isLessThan(6_000);
            assertThat(silent.accepted()).isPositive();
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private ProbeSpec spec(OAuthClients clients, OAuthSettings settings) {
        return ProbeSpec.http(server.url("/mcp")).authorizer(clients.forMonitor("m1", settings)).build();
    }

    private static OAuthSettings clientCredentials(OAuthSettings.Method method, String scope, Instant secretExpires) {
        return new OAuthSettings(OAuthSettings.CLIENT_CREDENTIALS, AuthorizationServer.CLIENT_ID, AuthorizationServer.CLIENT_SECRET, method,
                null, null, scope, null, null, secretExpires, null, null);
    }

    private static OAuthSettings login() {
        return new OAuthSettings(OAuthSettings.AUTHORIZATION_CODE, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** Requests to the MCP endpoint without credentials: each was answered 401. */
    private int unauthorized() {
        return (int) server.requests().stream().filter(s -> s.path().equals("/mcp") && s.header("Authorization") == null).count();
    }

    private static List<String> rows(Database db) throws Exception {
        return db.read(c -> {
            List<String> out = new java.util.ArrayList<>();
            try (var rs = c.createStatement().executeQuery("SELECT monitor_id, issuer, client_id, sealed FROM oauth_grants")) {
                while (rs.next()) {
                    out.add(rs.getString(1) + "," + rs.getString(2) + "," + rs.getString(3) + "," + rs.getString(4));
                }
            }
            return out;
        });
    }

    /** A clock the test moves. */
    static final class Clock implements InstantSource {
        private volatile Instant now;

        Clock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

}
