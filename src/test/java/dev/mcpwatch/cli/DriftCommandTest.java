package dev.mcpwatch.cli;

import static dev.mcpwatch.testkit.ServeFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.ScriptedMcp;
import dev.mcpwatch.testkit.ServeFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Schema drift end to end: {@code mcpwatch serve} probing a real (scripted) MCP server whose deploy
 * changes a parameter's type without a version bump; the drift shows in the API and in
 * {@code mcpwatch drift show}; {@code mcpwatch drift ack} (a child JVM, as an operator runs it)
 * makes the new list the baseline through the API, and the history keeps both baselines.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DriftCommandTest {
    private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();
    private static final String CLASSPATH = System.getProperty("java.class.path");

    record Run(int exitCode, String out, String err) {}

    @Test
    void aDriftIsShownAndAcknowledgedFromTheCommandLineThroughTheApi() throws Exception {
        AtomicReference<ObjectNode> tools = new AtomicReference<>(ScriptedMcp.toolsResult(
                ScriptedMcp.tool("get_weather", "city"), ScriptedMcp.tool("get_alerts", "region")));
        ScriptedMcp mcp = ScriptedMcp.legacy().on("tools/list", (http, msg) -> http.json(200, ScriptedMcp.result(msg, tools.get())));
        try (FixtureServer server = FixtureServer.http(mcp); ServeFixture serve = ServeFixture.start(ServeFixture.tempDir("drift-cli"),
                "monitors: [{id: weather, url: '" + server.url("/mcp") + "'}]", Duration.ofMillis(300), Duration.ofMillis(300))) {
            await("a baseline", Duration.ofSeconds(20), () -> serve.get("/api/monitors/weather/drift").path("baseline").isObject());
            assertThat(serve.get("/api/monitors/weather/drift").path("baseline").path("setBy").asString()).isEqualTo("first healthy list");

            ObjectNode cityAsNumber = ScriptedMcp.tool("get_weather", "city");
            ((ObjectNode) cityAsNumber.get("inputSchema").get("properties").get("city")).put("type", "number");
            tools.set(ScriptedMcp.toolsResult(cityAsNumber, ScriptedMcp.tool("get_alerts", "region")));
            await("the drift warning", Duration.ofSeconds(20),
                    () -> serve.get("/api/monitors/weather/warnings?active=true").path("items").size() == 1);

            JsonNode warning = serve.get("/api/monitors/weather/warnings?active=true").path("items").get(0);
            assertThat(warning.path("type").asString()).isEqualTo("drift.detected");
            assertThat(warning.path("message").asString()).isEqualTo("Schema drift: 1 change to the tool list (1 breaking): parameter "
                    + "`city` of tool `get_weather` changed type from string to number [breaking] — the schema changed without a version "
                    + "bump (server still reports version 1.0.0)");
            JsonNode conditions = serve.get("/api/monitors/weather/detection").path("conditions");
            assertThat(conditions).extracting(c -> c.path("rule").asString() + " " + c.path("severity").asString())
                    .containsExactly("drift.detected P3");
            assertThat(serve.get("/api/warnings?active=true&monitor=weather").path("items")).hasSize(1);
            Run show = mcpwatch("drift", "show", "weather", "--api", serve.base());
            assertThat(show.exitCode()).as(show.toString()).isZero();
            assertThat(show.out()).startsWith("weather: the tool list drifted from its baseline\n")
                    .contains("    - [breaking] parameter `city` of tool `get_weather` changed type from string to number\n")
                    .contains("  the schema changed without a version bump\n");

            String current = serve.get("/api/monitors/weather/drift").path("current").path("fingerprint").asString();
            Run anonymous = mcpwatch("drift", "ack", "weather", "--server", serve.base());
            assertThat(anonymous.exitCode()).as("acknowledging is a write: it needs an API token").isEqualTo(2);
            String token = serve.apiToken();
            Run ack = mcpwatch("drift", "ack", "weather", "--api", serve.base(), "--by", "alice", "--note", "v2 deploy",
                    "--fingerprint", current.substring(0, 16), "--token", token);

            assertThat(ack.exitCode()).as(ack.toString()).isZero();
            assertThat(ack.out()).isEqualTo("weather: the baseline is now tool list " + current.substring(0, 16)
                    + " (2 tools), acknowledged by alice; 1 drift acknowledged\n");
            JsonNode drift = serve.get("/api/monitors/weather/drift");
            assertThat(drift.path("drifted").asBoolean()).isFalse();
            assertThat(drift.path("acknowledgements")).extracting(b -> b.path("setBy").asString() + " " + b.path("note").asString(null))
                    .containsExactly("alice v2 deploy", "first healthy list null");
            assertThat(drift.path("drifts").get(0).path("acknowledgedBy").asString()).isEqualTo("alice");
            assertThat(serve.get("/api/monitors/weather/warnings?active=true").path("items")).isEmpty();
            assertThat(serve.get("/api/monitors/weather/detection").path("conditions")).isEmpty();
            assertThat(serve.get("/api/monitors/weather/warnings").path("items").get(0).path("clearedAt").isNumber()).isTrue();
            JsonNode diff = serve.get("/api/monitors/weather/drift/diff?from=" + drift.path("acknowledgements").get(1).path("toolListId")
                    .asLong() + "&to=" + drift.path("current").path("toolListId").asLong());
            assertThat(diff.path("drift").path("changes").get(0).path("sentence").asString())
                    .isEqualTo("parameter `city` of tool `get_weather` changed type from string to number");

            Run again = mcpwatch("drift", "ack", "weather", "--api", serve.base(), "--token", token);
            assertThat(again.exitCode()).as(again.toString()).isEqualTo(2);
            assertThat(again.err()).startsWith("mcpwatch: nothing to acknowledge: monitor 'weather' serves its baseline tool list");
        }
    }

    @Test
    void theApiRefusesWhatItCannotDoWithASentenceAndTheCommandSaysSo() throws Exception {
        try (ServeFixture serve = ServeFixture.start(ServeFixture.tempDir("drift-refusals"),
                "monitors: [{id: idle, url: 'http://127.0.0.1:9/mcp', paused: true}]", Duration.ofSeconds(10), Duration.ofSeconds(10))) {
            String token = serve.apiToken();
            Run unknown = mcpwatch("drift", "ack", "nope", "--api", serve.base(), "--token", token);
            assertThat(unknown.exitCode()).isEqualTo(2);
            assertThat(unknown.err()).isEqualTo("mcpwatch: no monitor 'nope'\n");

            Run nothingYet = mcpwatch("drift", "ack", "idle", "--api", serve.base(), "--token", token);
            assertThat(nothingYet.exitCode()).isEqualTo(2);
            assertThat(nothingYet.err()).isEqualTo("mcpwatch: monitor 'idle' has not listed its tools yet; there is nothing to acknowledge\n");

            HttpResponse<String> badJson = post(serve.base() + "/api/monitors/idle/drift/ack", "{by:", token);
            assertThat(badJson.statusCode()).isEqualTo(400);
            assertThat(badJson.body()).contains("the body is not valid JSON");
            HttpResponse<String> badFingerprint = post(serve.base() + "/api/monitors/idle/drift/ack", "{\"fingerprint\":\"xyz\"}", token);
            assertThat(badFingerprint.statusCode()).as("a monitor with no list yet is refused first").isEqualTo(404);
            assertThat(serve.status("/api/warnings?limit=0")).isEqualTo(400);
        }
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Run unreachable = mcpwatch("drift", "show", "idle", "--api", "http://127.0.0.1:" + closed);
        assertThat(unreachable.exitCode()).isEqualTo(4);
        assertThat(unreachable.err()).startsWith("mcpwatch: cannot reach the mcpwatch API at http://127.0.0.1:" + closed);
    }

    private static HttpResponse<String> post(String url, String body, String token) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Run mcpwatch(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-cp", CLASSPATH, "dev.mcpwatch.cli.Main"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("mcpwatch-out", ".txt");
        Path err = Files.createTempFile("mcpwatch-err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("mcpwatch " + String.join(" ", args) + " did not finish");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
