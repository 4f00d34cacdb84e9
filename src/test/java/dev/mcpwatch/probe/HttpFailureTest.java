package dev.mcpwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.ScriptedMcp;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.node.ObjectNode;

/**
 * The HTTP layer between the network and MCP: pages that are not MCP, error statuses, rate limits,
 * redirects (bounded, never in a loop, credentials kept to their origin), auth walls with their
 * RFC 9728 metadata, and a session the server forgot.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpFailureTest {
    private static final String LOGIN_PAGE = """
            <!doctype html>
            <html><head><title>Sign in · Acme SSO</title></head>
            <body><form method="post" action="/login"><input name="user"><input name="password" type="password"></form></body></html>
            """;

    private final Prober prober = new Prober();

    // ---- bodies and statuses ----------------------------------------------------------------

    @Test
    void htmlLoginPageIsNotMcpAndNamesThePageTitle() {
        // An SSO proxy in front of the server answers every request with its login page.
        try (FixtureServer server = FixtureServer.http(http -> http.respond(200, "text/html; charset=utf-8", LOGIN_PAGE))) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.NOT_MCP, Layer.HTTP, Phase.DISCOVER);
            assertThat(r.failure().message()).isEqualTo("discover returned a text/html body titled 'Sign in · Acme SSO', not JSON-RPC");
            assertThat(Timings.of(r, Phase.DISCOVER).httpStatus()).isEqualTo(200);
        }
    }

    @Test
    void plainTextBodyIsNotMcp() {
        ScriptedMcp mcp = ScriptedMcp.legacy().on("initialize", ScriptedMcp.raw(200, "text/plain", "OK"));
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.NOT_MCP, Layer.HTTP, Phase.INITIALIZE);
            assertThat(r.failure().message()).isEqualTo("initialize returned a text/plain body starting 'OK', not JSON-RPC");
        }
    }

    @Test
    void serverErrorIsHttpErrorWithTheStatus() {
        ScriptedMcp mcp = ScriptedMcp.legacy().on("initialize", ScriptedMcp.raw(500, "text/plain", "upstream crashed"));
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.HTTP_ERROR, Layer.HTTP, Phase.INITIALIZE);
            assertThat(r.failure().message()).isEqualTo("HTTP 500 from initialize: upstream crashed");
            assertThat(Timings.of(r, Phase.INITIALIZE).httpStatus()).isEqualTo(500);
        }
    }

    @Test
    void tooManyRequestsIsRateLimitedWithRetryAfter() {
        ScriptedMcp mcp = ScriptedMcp.legacy().on("initialize", (http, msg) -> {
            http.setHeader("Retry-After", "30");
            http.respond(429, "text/plain", "slow down");
        });
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.RATE_LIMITED, Layer.HTTP, Phase.INITIALIZE);
            assertThat(r.failure().message()).isEqualTo("Rate limited (HTTP 429) in initialize; Retry-After: 30");
            assertThat(Timings.of(r, Phase.INITIALIZE).httpStatus()).isEqualTo(429);
        }
    }

    @Test
    void forbiddenWithoutABearerChallengeIsHttpError() {
        ScriptedMcp mcp = ScriptedMcp.legacy().on("initialize", ScriptedMcp.raw(403, "text/plain", "Forbidden: address not allowed"));
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.HTTP_ERROR, Layer.HTTP, Phase.INITIALIZE);
            assertThat(r.failure().message()).isEqualTo("HTTP 403 from initialize: Forbidden: address not allowed");
            assertThat(r.auth()).isNull();
        }
    }

    // ---- redirects --------------------------------------------------------------------------

    @Test
    void redirectLoopIsDetectedAtTheFirstRepeat() {
        try (FixtureServer server = FixtureServer.http(http -> {
            http.setHeader("Location", http.path().equals("/a") ? "/b" : "/a");
            http.empty(307);
        })) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/a")).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.REDIRECT_LOOP, Layer.HTTP, Phase.DISCOVER);
            assertThat(r.failure().message()).isEqualTo("Redirect loop in discover: " + server.url("/a") + " → "
                    + server.url("/b") + " → " + server.url("/a"));
            assertThat(server.requests()).extracting(FixtureServer.Seen::path).containsExactly("/a", "/b");
        }
    }

    @Test
    void moreThanFiveRedirectsIsARedirectLoop() {
        // /hop/0 → /hop/1 → … never repeats, never ends.
        try (FixtureServer server = FixtureServer.http(http -> {
            int n = Integer.parseInt(http.path().substring("/hop/".length()));
            http.setHeader("Location", "/hop/" + (n + 1));
            http.empty(308);
        })) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/hop/0")).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.REDIRECT_LOOP, Layer.HTTP, Phase.DISCOVER);
            assertThat(r.failure().message()).isEqualTo("More than 5 redirects in discover (last to " + server.url("/hop/6") + ")");
            assertThat(server.requests()).extracting(FixtureServer.Seen::path)
                    .containsExactly("/hop/0", "/hop/1", "/hop/2", "/hop/3", "/hop/4", "/hop/5");
        }
    }

    @Test
    void oneTemporaryRedirectToTheRealEndpointIsHealthyWithAWarning() {
        ScriptedMcp mcp = ScriptedMcp.legacy();
        try (FixtureServer server = FixtureServer.http(http -> {
            if (http.path().equals("/old")) {
                http.setHeader("Location", "/mcp");
                http.empty(307);
            } else {
                mcp.handle(http);
            }
        })) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/old")).build());

            assertThat(r.failure()).isNull();
            assertThat(r.tools().names()).containsExactly("echo", "health");
            assertThat(r.warnings()).contains("endpoint redirects (HTTP 307) to " + server.url("/mcp")
                    + "; point the monitor at the final URL");
            // The redirect is followed once; every later step goes to the final URL directly.
            assertThat(server.requests()).filteredOn(s -> s.path().equals("/old")).hasSize(1);
            assertThat(server.requests()).filteredOn(s -> s.method().equals("POST") && s.path().equals("/mcp"))
                    .extracting(s -> Json.MAPPER.readTree(s.body()).path("method").stringValue())
                    .containsExactly("server/discover", "initialize", "notifications/initialized", "tools/list");
        }
    }

    @Test
    void crossOriginRedirectKeepsConfiguredHeadersAtHome() {
        try (FixtureServer elsewhere = FixtureServer.http(ScriptedMcp.legacy());
                FixtureServer home = FixtureServer.http(http -> {
                    http.setHeader("Location", elsewhere.url("/mcp"));
                    http.empty(307);
                })) {
            ProbeResult r = prober.probe(ProbeSpec.http(home.url("/mcp")).header("Authorization", "Bearer s3cret").build());

            assertThat(r.failure()).isNull();
            assertThat(r.warnings()).contains("configured headers were not sent to 127.0.0.1 after a cross-origin redirect");
            assertThat(home.requests()).isNotEmpty().allSatisfy(s -> assertThat(s.header("Authorization")).isEqualTo("Bearer s3cret"));
            // Not on the redirected request, and not on any later step sent straight to the new origin.
            assertThat(elsewhere.requests()).hasSizeGreaterThanOrEqualTo(4)
                    .allSatisfy(s -> assertThat(s.header("Authorization")).isNull());
        }
    }

    // ---- auth walls -------------------------------------------------------------------------

    @Test
    void bearerChallengeWithResourceMetadataIsAuthRequiredWithWhatTheMetadataSays() {
        try (FixtureServer server = FixtureServer.http(http -> {
            String origin = "http://" + http.header("Host");
            if (http.path().equals("/oauth/resource.json")) {
                http.json(200, protectedResource(origin + "/mcp"));
            } else {
                http.setHeader("WWW-Authenticate", "Bearer realm=\"acme\", resource_metadata=\"" + origin + "/oauth/resource.json\"");
                http.respond(401, "application/json", "{\"error\":\"unauthorized\"}");
            }
        })) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).header("Authorization", "Bearer expired").build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.AUTH_REQUIRED, Layer.HTTP, Phase.DISCOVER);
            assertThat(r.failure().message()).isEqualTo("Authorization required (HTTP 401, Bearer) in discover; "
                    + "protected-resource metadata names authorization server https://auth.example.com");
            AuthInfo auth = r.auth();
            assertThat(auth.status()).isEqualTo(401);
            assertThat(auth.scheme()).isEqualTo("Bearer");
            assertThat(auth.realm()).isEqualTo("acme");
            assertThat(auth.resourceMetadataUrl()).isEqualTo(server.url("/oauth/resource.json"));
            assertThat(auth.metadataFound()).isTrue();
            assertThat(auth.metadataProblem()).isNull();
            assertThat(auth.resource()).isEqualTo(server.url("/mcp"));
            assertThat(auth.authorizationServers()).containsExactly("https://auth.example.com");
            assertThat(auth.scopesSupported()).containsExactly("mcp:read", "mcp:tools");
            assertThat(auth.bearerMethodsSupported()).containsExactly("header");
            // The metadata is public: the probe fetches it without the configured credentials.
            assertThat(server.requests()).filteredOn(s -> s.path().equals("/oauth/resource.json")).singleElement()
                    .satisfies(s -> assertThat(s.header("Authorization")).isNull());
        }
    }

    @Test
    void bearerChallengeWithoutResourceMetadataFetchesTheWellKnownUrl() {
        try (FixtureServer server = FixtureServer.http(http -> {
            if (http.path().equals("/.well-known/oauth-protected-resource/mcp")) {
                http.json(200, protectedResource("http://" + http.header("Host") + "/mcp"));
            } else {
                http.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"The token expired\"");
                http.empty(401);
            }
        })) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.AUTH_REQUIRED, Layer.HTTP, Phase.DISCOVER);
            assertThat(r.failure().message()).isEqualTo("Authorization required (HTTP 401, Bearer) in discover: invalid_token; "
                    + "protected-resource metadata names authorization server https://auth.example.com");
            assertThat(r.auth().error()).isEqualTo("invalid_token");
            assertThat(r.auth().resourceMetadataUrl()).isEqualTo(server.url("/.well-known/oauth-protected-resource/mcp"));
            assertThat(r.auth().metadataFound()).isTrue();
            assertThat(r.auth().scopesSupported()).containsExactly("mcp:read", "mcp:tools");
            assertThat(server.requests()).extracting(FixtureServer.Seen::method, FixtureServer.Seen::path)
                    .contains(tuple("GET", "/.well-known/oauth-protected-resource/mcp"));
        }
    }

    @Test
    void bearerChallengeWithoutAnyMetadataSaysWhereItLooked() {
        ScriptedMcp mcp = ScriptedMcp.legacy().on("initialize", (http, msg) -> {
            http.setHeader("WWW-Authenticate", "Bearer scope=\"mcp:tools\"");
            http.empty(401);
        });
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.AUTH_REQUIRED, Layer.HTTP, Phase.INITIALIZE);
            assertThat(r.failure().message()).isEqualTo("Authorization required (HTTP 401, Bearer) in initialize; "
                    + "no protected-resource metadata at " + server.url("/.well-known/oauth-protected-resource/mcp") + " (HTTP 405)");
            assertThat(r.auth().scope()).isEqualTo("mcp:tools");
            assertThat(r.auth().metadataFound()).isFalse();
            assertThat(r.auth().metadataProblem()).isEqualTo("HTTP 405");
        }
    }

    @Test
    void forbiddenWithABearerChallengeIsAuthRequired() {
        ScriptedMcp mcp = ScriptedMcp.legacy().on("initialize", (http, msg) -> {
            http.setHeader("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"mcp:admin\"");
            http.empty(403);
        });
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.AUTH_REQUIRED, Layer.HTTP, Phase.INITIALIZE);
            assertThat(r.failure().message()).startsWith("Authorization required (HTTP 403, Bearer) in initialize: insufficient_scope;");
            assertThat(r.auth().status()).isEqualTo(403);
            assertThat(r.auth().scope()).isEqualTo("mcp:admin");
        }
    }

    // ---- sessions ---------------------------------------------------------------------------

    @Test
    void sessionForgottenByTheServerIsSessionRejected() {
        ScriptedMcp mcp = ScriptedMcp.legacy()
                .on("initialize", (http, msg) -> {
                    http.setHeader("Mcp-Session-Id", "session-42");
                    http.json(200, ScriptedMcp.result(msg, ScriptedMcp.initializeResult("2025-11-25")));
                })
                .on("tools/list", ScriptedMcp.raw(404, "text/plain", "Session not found"));
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.SESSION_REJECTED, Layer.MCP, Phase.TOOLS_LIST);
            assertThat(r.failure().message()).isEqualTo("Server rejected the session in tools_list (HTTP 404: Session not found)");
            assertThat(r.sessionUsed()).isTrue();
            assertThat(Timings.of(r, Phase.TOOLS_LIST).httpStatus()).isEqualTo(404);
            assertThat(server.requests()).filteredOn(s -> s.body().contains("\"tools/list\"")).singleElement()
                    .satisfies(s -> assertThat(s.header("Mcp-Session-Id")).isEqualTo("session-42"));
        }
    }

    /** RFC 9728 protected-resource metadata for {@code resource}. */
    private static ObjectNode protectedResource(String resource) {
        ObjectNode md = Json.object();
        md.put("resource", resource);
        md.putArray("authorization_servers").add("https://auth.example.com");
        md.putArray("scopes_supported").add("mcp:read").add("mcp:tools");
        md.putArray("bearer_methods_supported").add("header");
        return md;
    }
}
