package dev.mcpwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.ScriptedMcp;
import dev.mcpwatch.testkit.SdkServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code mcpwatch probe} as a person or a script runs it: the real command line in a child JVM, with
 * a real environment, a real exit code and real output. Exit codes: 0 healthy, 1 usage error,
 * 2 protocol or tool failure, 3 auth required, 4 unreachable.
 */
class ProbeCommandTest {
    private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();
    private static final String CLASSPATH = System.getProperty("java.class.path");
    /** A variable no child ever gets, for the unset-variable case. */
    private static final String UNSET_VAR = "MCPWATCH_TEST_NEVER_SET";

    /** What one run of the command line left behind. */
    record Run(int exitCode, String out, String err) {}

    // ---- 0: healthy ---------------------------------------------------------------------------

    @Test
    void healthyServerExitsZeroWithAWaterfall() {
        try (SdkServer server = SdkServer.streamable(SdkServer.echo(), SdkServer.add())) {
            Run run = mcpwatch(Map.of(), "probe", server.url());

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(0);
            assertThat(run.out()).startsWith(server.url() + "\n")
                    .contains("streamable-http · legacy era (detected) · protocol 2025-11-25 · session")
                    .containsPattern("(?m)^  connect +[0-9.]+ ms")
                    .containsPattern("(?m)^  discover +[0-9.]+ ms .*HTTP 400")
                    .containsPattern("(?m)^  initialize +[0-9.]+ ms .*HTTP 200")
                    .containsPattern("(?m)^  initialized +[0-9.]+ ms .*HTTP 202")
                    .containsPattern("(?m)^  tools_list +[0-9.]+ ms .*HTTP 200")
                    .containsPattern("(?m)^  total +[0-9.]+ ms$")
                    .contains("  server   " + SdkServer.NAME + " " + SdkServer.VERSION + "\n")
                    .containsPattern("(?m)^  tools    2 tools: (echo, add|add, echo)$")
                    .containsPattern("(?m)^  schema   [0-9a-f]{16}$")
                    .endsWith("  verdict  HEALTHY\n");
        }
    }

    @Test
    void jsonFlagPrintsTheFullResultAsJson() {
        try (SdkServer server = SdkServer.streamable(SdkServer.echo(), SdkServer.add())) {
            Run run = mcpwatch(Map.of(), "probe", "--json", server.url());

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(0);
            JsonNode json = Json.MAPPER.readTree(run.out());
            assertThat(json.path("healthy").isBoolean()).isTrue();
            assertThat(json.path("healthy").booleanValue()).isTrue();
            assertThat(json.has("failure")).isFalse();
            assertThat(json.path("target").stringValue()).isEqualTo(server.url());
            assertThat(json.path("totalMs").doubleValue()).isPositive();
            List<String> phases = new ArrayList<>();
            for (JsonNode t : json.path("timings")) {
                phases.add(t.path("phase").stringValue());
                assertThat(t.path("durationMs").isNumber()).as("durationMs of %s", t).isTrue();
            }
            assertThat(phases).containsSubsequence("connect", "discover", "initialize", "initialized", "tools_list", "close");
            assertThat(json.path("server").path("name").stringValue()).isEqualTo(SdkServer.NAME);
            assertThat(json.path("tools").path("count").intValue()).isEqualTo(2);
        }
    }

    @Test
    void theTotalCountsFromTheProbesFirstNetworkActionNotFromTheJvmWarmingUp() {
        try (SdkServer server = SdkServer.streamable(SdkServer.echo(), SdkServer.add())) {
            // A fresh JVM per run: its first probe loads the HTTP client, TLS and JSON classes on the way.
            Run run = mcpwatch(Map.of(), "probe", "--json", server.url());

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(0);
            JsonNode json = Json.MAPPER.readTree(run.out());
            double firstStart = Double.MAX_VALUE;
            for (JsonNode t : json.path("timings")) {
                firstStart = Math.min(firstStart, t.path("startMs").doubleValue());
            }
            assertThat(firstStart).as("the waterfall starts with the probe's first network action").isZero();
            double lastWork = 0;
            for (JsonNode t : json.path("timings")) {
                if (!t.path("phase").stringValue().equals("close")) {
                    lastWork = Math.max(lastWork, t.path("startMs").doubleValue() + t.path("durationMs").doubleValue());
                }
            }
            assertThat(json.path("totalMs").doubleValue()).as("total covers the phases, from the same origin").isGreaterThanOrEqualTo(lastWork);
        }
    }

    // ---- 1: usage -----------------------------------------------------------------------------

    @Test
    void malformedUrlIsAUsageError() {
        Run run = mcpwatch(Map.of(), "probe", "http://mcp example.com/mcp");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).startsWith("mcpwatch probe: malformed url 'http://mcp example.com/mcp'");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void missingUrlIsAUsageError() {
        Run run = mcpwatch(Map.of(), "probe");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("mcpwatch probe: missing URL (or --stdio -- CMD)\n");
    }

    @Test
    void toolArgumentsThatAreNotJsonAreAUsageError() {
        Run run = mcpwatch(Map.of(), "probe", "--call", "weather", "--args", "{city: Paris", "http://127.0.0.1:9/mcp");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).startsWith("mcpwatch probe: --args is not valid JSON");
    }

    @Test
    void unsetVariableInAHeaderIsAUsageErrorNamingTheVariable() {
        Run run = mcpwatch(Map.of(), "probe", "-H", "Authorization: Bearer ${" + UNSET_VAR + "}", "http://127.0.0.1:9/mcp");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("mcpwatch probe: environment variable " + UNSET_VAR + " is not set\n");
    }

    @Test
    void aConfiguredMonitorIsProbedAsConfiguredAndOtherProbeOptionsAreRefused() throws IOException {
        try (FixtureServer server = FixtureServer.http(ScriptedMcp.legacy())) {
            Path config = Files.createTempFile("mcpwatch-", ".yaml");
            try {
                Files.writeString(config, """
                        monitors:
                          - id: local
                            url: %s
                            headers: {X-Team: "${TEAM}"}
                        """.formatted(server.url("/mcp")));
                Run probed = mcpwatch(Map.of("TEAM", "platform"), "probe", "--config", config.toString(), "--monitor", "local");
                Run mixed = mcpwatch(Map.of("TEAM", "platform"), "probe", "--config", config.toString(), "--monitor", "local",
                        server.url("/mcp"));
                Run unknown = mcpwatch(Map.of("TEAM", "platform"), "probe", "--config", config.toString(), "--monitor", "nope");

                assertThat(probed.exitCode()).as(probed.toString()).isEqualTo(0);
                assertThat(server.requests()).allSatisfy(seen -> assertThat(seen.header("X-Team")).isEqualTo("platform"));
                assertThat(mixed.exitCode()).isEqualTo(1);
                assertThat(mixed.err()).isEqualTo("mcpwatch probe: --monitor probes the monitor as configured; give no URL and no other "
                        + "probe options\n");
                assertThat(unknown.err()).isEqualTo("mcpwatch probe: no monitor 'nope' in " + config + " (it has: local)\n");
            } finally {
                Files.deleteIfExists(config);
            }
        }
    }

    @Test
    void authLoginIsOnlyForMonitorsWhoseServerLetsPeopleIn() throws IOException {
        Path config = Files.createTempFile("mcpwatch-", ".yaml");
        try {
            Files.writeString(config, """
                    monitors:
                      - id: m2m
                        url: https://billing.example.com/mcp
                        auth: {grant: client_credentials, client_id: mcpwatch, client_secret: "${SECRET}"}
                    """);
            Run run = mcpwatch(Map.of("SECRET", "x"), "auth", "login", "m2m", "--config", config.toString());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).startsWith("mcpwatch: monitor 'm2m' has grant client_credentials; only auth.grant "
                    + "authorization_code needs a login");
        } finally {
            Files.deleteIfExists(config);
        }
    }

    // ---- 2: protocol or tool failure ----------------------------------------------------------

    @Test
    void htmlPageInsteadOfAnMcpServerIsNotMcpAndExitsTwo() {
        try (FixtureServer server = FixtureServer.http(http -> http.respond(200, "text/html",
                "<!doctype html><html><head><title>Welcome to nginx!</title></head><body>It works</body></html>"))) {
            Run run = mcpwatch(Map.of(), "probe", server.url("/mcp"));

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
            assertThat(run.out()).contains("  verdict  FAILED — not_mcp (http layer, discover)\n")
                    .contains("titled 'Welcome to nginx!'");
        }
    }

    @Test
    void failingHealthCheckToolExitsTwo() {
        try (SdkServer server = SdkServer.streamable(SdkServer.echo(), SdkServer.broken())) {
            Run run = mcpwatch(Map.of(), "probe", "--call", "weather", "--args", "{\"city\":\"Paris\"}", server.url());

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
            assertThat(run.out()).contains("  verdict  FAILED — tool_call_error (tools layer, tool_call)\n")
                    .contains("upstream weather API unavailable");
        }
    }

    // ---- 3: auth required ---------------------------------------------------------------------

    @Test
    void bearerChallengeIsAuthRequiredAndExitsThree() {
        try (FixtureServer server = FixtureServer.http(http -> {
            String origin = "http://" + http.header("Host");
            if (http.path().equals("/.well-known/oauth-protected-resource/mcp")) {
                http.respond(200, "application/json", "{\"resource\":\"" + origin + "/mcp\","
                        + "\"authorization_servers\":[\"https://auth.example.com\"],\"scopes_supported\":[\"tools:read\"]}");
                return;
            }
            http.setHeader("WWW-Authenticate", "Bearer resource_metadata=\"" + origin
                    + "/.well-known/oauth-protected-resource/mcp\", error=\"invalid_token\"");
            http.respond(401, "application/json", "{\"error\":\"invalid_token\"}");
        })) {
            Run run = mcpwatch(Map.of(), "probe", server.url("/mcp"));

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
            assertThat(run.out()).contains("  verdict  FAILED — auth_required (http layer, discover)\n")
                    .contains("authorization servers https://auth.example.com")
                    .contains("scopes tools:read");
        }
    }

    @Test
    void bearerChallengeWithAQuotedRealmOfThousandsOfCharactersStillExitsThree() {
        // It overflowed the stack of the challenge parser: exit 1 with a 74 KB stack trace.
        String realm = "x".repeat(50_000);
        try (FixtureServer server = FixtureServer.http(http -> {
            http.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\", realm=\"" + realm + "\"");
            http.empty(401);
        })) {
            Run run = mcpwatch(Map.of(), "probe", "--json", server.url("/mcp"));

            assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
            assertThat(run.err()).doesNotContain("StackOverflowError").doesNotContain("\tat ");
            JsonNode result = Json.MAPPER.readTree(run.out());
            assertThat(result.path("failure").path("reason").asString()).isEqualTo("auth_required");
            assertThat(result.path("auth").path("error").asString()).isEqualTo("invalid_token");
            assertThat(result.path("auth").path("realm").asString()).hasSize(201).startsWith("xxx");
        }
    }

    // ---- 4: unreachable -----------------------------------------------------------------------

    @Test
    void connectionRefusedExitsFour() {
        int closedPort = freePort();
        Run run = mcpwatch(Map.of(), "probe", "--timeout", "10s", "http://127.0.0.1:" + closedPort + "/mcp");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
        assertThat(run.out()).contains("  verdict  FAILED — connection_refused (tcp layer, connect)\n")
                .contains("Connection refused to 127.0.0.1:" + closedPort);
    }

    @Test
    void unresolvableHostExitsFour() {
        Run run = mcpwatch(Map.of(), "probe", "--timeout", "10s", "http://mcpwatch-test.invalid/mcp");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
        assertThat(run.out()).contains("  verdict  FAILED — dns_unresolved (dns layer, dns)\n")
                .contains("Could not resolve host mcpwatch-test.invalid");
    }

    @Test
    void unreachableNetworkExitsFour() {
        // A fresh network namespace has no route anywhere (its loopback is even down): connect fails with
        // "Network is unreachable". This needs CAP_SYS_ADMIN; without it the test fails, it never skips.
        Run permitted = run(List.of("unshare", "-n", "true"), Map.of());
        if (permitted.exitCode() != 0) {
            fail("`unshare -n` is not permitted here, so network_unreachable cannot be tested (exit "
                    + permitted.exitCode() + "): " + permitted.err().strip());
        }

        Run run = mcpwatch(List.of("unshare", "-n"), Map.of(), "probe", "--timeout", "10s", "http://192.0.2.1:80/mcp");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
        assertThat(run.out()).contains("  verdict  FAILED — network_unreachable (tcp layer, connect)\n")
                .contains("Network unreachable to 192.0.2.1:80");
    }

    // ---- credentials --------------------------------------------------------------------------

    @Test
    void headerValueFromTheEnvironmentIsSentButNeverPrinted() {
        String token = "mcpwatch-test-" + UUID.randomUUID();
        try (FixtureServer server = FixtureServer.http(ScriptedMcp.legacy())) {
            Map<String, String> env = Map.of("MCP_TEST_TOKEN", token);
            Run human = mcpwatch(env, "probe", "-H", "Authorization: Bearer ${MCP_TEST_TOKEN}", server.url("/mcp"));
            Run json = mcpwatch(env, "probe", "--json", "-H", "Authorization: Bearer ${MCP_TEST_TOKEN}", server.url("/mcp"));

            assertThat(human.exitCode()).as(human.toString()).isEqualTo(0);
            assertThat(json.exitCode()).as(json.toString()).isEqualTo(0);
            assertThat(server.requests()).hasSizeGreaterThanOrEqualTo(8) // two probes: discover, initialize, initialized, tools/list, DELETE
                    .allSatisfy(seen -> assertThat(seen.header("Authorization")).as(seen.method() + " " + seen.path())
                            .isEqualTo("Bearer " + token));
            assertThat(human.out() + human.err()).doesNotContain(token);
            assertThat(json.out() + json.err()).doesNotContain(token);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static Run mcpwatch(Map<String, String> env, String... args) {
        return mcpwatch(List.of(), env, args);
    }

    /** Runs {@code mcpwatch ARGS} in a child JVM on this test's class path, after {@code prefix} (e.g. unshare -n). */
    private static Run mcpwatch(List<String> prefix, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(JAVA, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", CLASSPATH, Main.class.getName()));
        command.addAll(List.of(args));
        return run(command, env);
    }

    private static Run run(List<String> command, Map<String, String> env) {
        Path out = null;
        Path err = null;
        Process process = null;
        try {
            out = Files.createTempFile("mcpwatch-cli-", ".out");
            err = Files.createTempFile("mcpwatch-cli-", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().remove(UNSET_VAR);
            pb.environment().putAll(env);
            process = pb.start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                fail("`" + String.join(" ", command.subList(Math.max(0, command.size() - 3), command.size()))
                        + "` did not exit within 60 s");
            }
            return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + command.getFirst() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file; the OS cleans up
            }
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
