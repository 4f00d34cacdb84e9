package dev.mcpwatch.probe;

import static dev.mcpwatch.testkit.ScriptedMcp.initializeResult;
import static dev.mcpwatch.testkit.ScriptedMcp.result;
import static dev.mcpwatch.testkit.ScriptedMcp.tool;
import static dev.mcpwatch.testkit.ScriptedMcp.toolsResult;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.ScriptedMcp;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * MCP itself, over a legacy streamable HTTP server whose one step misbehaves: bodies that are not
 * JSON or not JSON-RPC, a handshake that fails or comes back incomplete, tool lists that fail or
 * paginate badly; and the SSE shapes a healthy server may answer with (priming events,
 * notifications and pings before the result, a stream resumed after it closed early).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class McpFailureTest {
    private final Prober prober = new Prober();

    // ---- the handshake ----------------------------------------------------------------------

    @Test
    void invalidJsonBodyIsJsonRpcParseError() {
        ScriptedMcp mcp = ScriptedMcp.legacy().on("initialize", ScriptedMcp.raw(200, "application/json", "{\"jsonrpc\":\"2.0\",\"id\":2,"));

        ProbeResult r = probe(mcp);

        assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                .containsExactly(Reason.JSONRPC_PARSE_ERROR, Layer.MCP, Phase.INITIALIZE);
        assertThat(r.failure().message()).startsWith("Response to initialize is not valid JSON: Unexpected end-of-input");
    }

    @Test
    void jsonRpcErrorOnInitializeIsInitializeError() {
        ScriptedMcp mcp = ScriptedMcp.legacy().on("initialize", ScriptedMcp.error(-32603, "Database unavailable"));

        ProbeResult r = probe(mcp);

        assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                .containsExactly(Reason.INITIALIZE_ERROR, Layer.MCP, Phase.INITIALIZE);
        assertThat(r.failure().message()).isEqualTo("initialize failed: -32603 Database unavailable");
    }

    @Test
    void initializeResultWithoutServerInfoIsInitializeIncomplete() {
        ObjectNode noServerInfo = initializeResult("2025-11-25");
        noServerInfo.remove("serverInfo");
        ScriptedMcp mcp = ScriptedMcp.legacy().on("initialize", ScriptedMcp.reply(noServerInfo));

        ProbeResult r = probe(mcp);

        assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                .containsExactly(Reason.INITIALIZE_INCOMPLETE, Layer.MCP, Phase.INITIALIZE);
        assertThat(r.failure().message()).isEqualTo("initialize result lacks serverInfo");
    }

    @Test
    void serverChoosingAnUnknownVersionIsProtocolVersionUnsupported() {
        ScriptedMcp mcp = ScriptedMcp.legacy().on("initialize", ScriptedMcp.reply(initializeResult("1999-01-01")));

        ProbeResult r = probe(mcp);

        assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                .containsExactly(Reason.PROTOCOL_VERSION_UNSUPPORTED, Layer.MCP, Phase.INITIALIZE);
        assertThat(r.failure().message()).isEqualTo("Server chose protocol version 1999-01-01; mcpwatch speaks "
                + "2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05 in the initialize handshake");
        assertThat(r.protocolVersion()).isEqualTo("1999-01-01");
    }

    @Test
    void responseToAnotherRequestIdIsJsonRpcInvalid() {
        ScriptedMcp mcp = ScriptedMcp.legacy().on("initialize", (http, msg) -> {
            ObjectNode reply = result(msg, initializeResult("2025-11-25"));
            reply.put("id", 999);
            http.json(200, reply);
        });

        ProbeResult r = probe(mcp);

        assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                .containsExactly(Reason.JSONRPC_INVALID, Layer.MCP, Phase.INITIALIZE);
        assertThat(r.failure().message()).matches("Invalid JSON-RPC in initialize: response id 999 does not match request id \\d+");
    }

    @Test
    void acceptedWithoutABodyForARequestIsJsonRpcInvalid() {
        ScriptedMcp mcp = ScriptedMcp.legacy().on("initialize", (http, msg) -> http.empty(202));

        ProbeResult r = probe(mcp);

        assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                .containsExactly(Reason.JSONRPC_INVALID, Layer.MCP, Phase.INITIALIZE);
        assertThat(r.failure().message()).isEqualTo("HTTP 202 with no body for the initialize request; a request needs a JSON-RPC response");
        assertThat(Timings.of(r, Phase.INITIALIZE).httpStatus()).isEqualTo(202);
    }

    // ---- tools/list -------------------------------------------------------------------------

    @Test
    void jsonRpcErrorOnToolsListIsToolsListError() {
        ScriptedMcp mcp = ScriptedMcp.legacy().on("tools/list", ScriptedMcp.error(-32603, "tool registry offline"));

        ProbeResult r = probe(mcp);

        assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                .containsExactly(Reason.TOOLS_LIST_ERROR, Layer.TOOLS, Phase.TOOLS_LIST);
        assertThat(r.failure().message()).isEqualTo("tools/list failed: -32603 tool registry offline");
        assertThat(r.server().name()).isEqualTo("scripted"); // the handshake before it succeeded
    }

    @Test
    void toolsListWithoutAToolsArrayIsToolsListError() {
        ObjectNode noTools = Json.object();
        noTools.put("items", "echo");
        ScriptedMcp mcp = ScriptedMcp.legacy().on("tools/list", ScriptedMcp.reply(noTools));

        ProbeResult r = probe(mcp);

        assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                .containsExactly(Reason.TOOLS_LIST_ERROR, Layer.TOOLS, Phase.TOOLS_LIST);
        assertThat(r.failure().message()).isEqualTo("tools/list result has no tools array");
    }

    @Test
    void toolsAcrossThreePagesAreAllListed() {
        ScriptedMcp mcp = ScriptedMcp.legacy().on("tools/list", (http, msg) -> {
            String cursor = msg.path("params").path("cursor").stringValue(null);
            ObjectNode page = switch (cursor == null ? "" : cursor) {
                case "" -> toolsResult(tool("alpha")).put("nextCursor", "page-2");
                case "page-2" -> toolsResult(tool("beta"), tool("gamma")).put("nextCursor", "page-3");
                case "page-3" -> toolsResult(tool("delta"));
                default -> throw new IllegalStateException("unexpected cursor " + cursor);
            };
            http.json(200, result(msg, page));
        });
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).isNull();
            assertThat(r.tools().names()).containsExactly("alpha", "beta", "gamma", "delta");
            assertThat(r.tools().count()).isEqualTo(4);
            assertThat(r.tools().pages()).isEqualTo(3);
            assertThat(cursorsSent(server)).containsExactly("(none)", "page-2", "page-3");
            assertThat(r.timings()).filteredOn(t -> t.phase() == Phase.TOOLS_LIST).hasSize(3);
        }
    }

    @Test
    void repeatedCursorIsToolsListError() {
        ScriptedMcp mcp = ScriptedMcp.legacy().on("tools/list",
                (http, msg) -> http.json(200, result(msg, toolsResult(tool("alpha")).put("nextCursor", "again"))));
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.TOOLS_LIST_ERROR, Layer.TOOLS, Phase.TOOLS_LIST);
            assertThat(r.failure().message()).isEqualTo("tools/list returned cursor 'again' twice");
            assertThat(cursorsSent(server)).containsExactly("(none)", "again");
        }
    }

    @Test
    void paginationPastTheLimitIsToolsListError() {
        AtomicLong pages = new AtomicLong();
        ScriptedMcp mcp = ScriptedMcp.legacy().on("tools/list", (http, msg) -> {
            long n = pages.incrementAndGet();
            http.json(200, result(msg, toolsResult(tool("tool-" + n)).put("nextCursor", "page-" + (n + 1))));
        });
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp"))
                    .limits(new ProbeSpec.Limits(4L * 1024 * 1024, 1_000, 3, 5)).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.TOOLS_LIST_ERROR, Layer.TOOLS, Phase.TOOLS_LIST);
            assertThat(r.failure().message()).isEqualTo("tools/list kept paginating past 3 pages");
            assertThat(pages.get()).isEqualTo(3); // the fourth page is never asked for
        }
    }

    // ---- SSE responses ----------------------------------------------------------------------

    @Test
    void sseResponsesWithPrimingEventsAndNotificationsAreHealthy() {
        ScriptedMcp mcp = ScriptedMcp.legacy()
                .on("initialize", ScriptedMcp.replySse(initializeResult("2025-11-25")))
                .on("tools/list", ScriptedMcp.replySse(toolsResult(tool("echo", "message"))));

        ProbeResult r = probe(mcp);

        assertThat(r.failure()).isNull();
        assertThat(r.server().name()).isEqualTo("scripted");
        assertThat(r.tools().names()).containsExactly("echo");
        assertThat(Timings.of(r, Phase.INITIALIZE).contentType()).isEqualTo("sse");
        assertThat(Timings.of(r, Phase.TOOLS_LIST).contentType()).isEqualTo("sse");
    }

    @Test
    void serverPingOnTheSseStreamIsAnsweredBeforeTheResult() {
        List<JsonNode> answers = new CopyOnWriteArrayList<>();
        CountDownLatch answered = new CountDownLatch(1);
        ScriptedMcp mcp = ScriptedMcp.legacy()
                .on("tools/list", (http, msg) -> {
                    try (OutputStream out = http.stream(200, "text/event-stream")) {
                        event(out, "{\"jsonrpc\":\"2.0\",\"id\":\"ping-7\",\"method\":\"ping\"}");
                        // A server that pings waits for the answer before it goes on.
                        answered.await(5, TimeUnit.SECONDS);
                        event(out, Json.MAPPER.writeValueAsString(result(msg, toolsResult(tool("echo", "message")))));
                    }
                })
                .on("response", (http, msg) -> {
                    answers.add(msg);
                    answered.countDown();
                    http.empty(202);
                });

        ProbeResult r = probe(mcp);

        assertThat(r.failure()).isNull();
        assertThat(r.tools().names()).containsExactly("echo");
        assertThat(answers).singleElement().satisfies(a -> {
            assertThat(a.path("jsonrpc").stringValue()).isEqualTo("2.0");
            assertThat(a.path("id").stringValue()).isEqualTo("ping-7");
            assertThat(a.path("result").isObject()).isTrue();
            assertThat(a.has("error")).isFalse();
        });
    }

    @Test
    void legacySseStreamClosedEarlyIsResumedWithLastEventId() {
        AtomicReference<JsonNode> pending = new AtomicReference<>();
        AtomicLong primedAt = new AtomicLong();
        AtomicLong resumedAt = new AtomicLong();
        ScriptedMcp mcp = ScriptedMcp.legacy()
                .on("tools/list", (http, msg) -> {
                    pending.set(msg);
                    primedAt.set(System.nanoTime());
                    try (OutputStream out = http.stream(200, "text/event-stream")) {
                        out.write("id: ev-1\nretry: 50\ndata: \n\n".getBytes(StandardCharsets.UTF_8));
                    } // closed before the result, as a server behind a short proxy timeout does
                })
                .on("GET", (http, msg) -> {
                    resumedAt.set(System.nanoTime());
                    if (!"ev-1".equals(http.header("Last-Event-ID")) || pending.get() == null) {
                        http.empty(400);
                        return;
                    }
                    try (OutputStream out = http.stream(200, "text/event-stream")) {
                        out.write("id: ev-2\n".getBytes(StandardCharsets.UTF_8));
                        event(out, Json.MAPPER.writeValueAsString(result(pending.get(), toolsResult(tool("echo", "message")))));
                    }
                });
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).isNull();
            assertThat(r.tools().names()).containsExactly("echo");
            assertThat(Timings.of(r, Phase.TOOLS_LIST).contentType()).isEqualTo("sse");
            assertThat(server.requests()).filteredOn(s -> s.method().equals("GET")).singleElement().satisfies(get -> {
                assertThat(get.path()).isEqualTo("/mcp");
                assertThat(get.header("Last-Event-ID")).isEqualTo("ev-1");
                assertThat(get.header("Accept")).isEqualTo("text/event-stream");
                assertThat(get.header("MCP-Protocol-Version")).isEqualTo("2025-11-25");
            });
            // The probe waited the retry delay the server asked for before it came back.
            assertThat(TimeUnit.NANOSECONDS.toMillis(resumedAt.get() - primedAt.get())).isGreaterThanOrEqualTo(50);
        }
    }

    @Test
    void serverTimingIsRecordedPerStepAndSummed() {
        ScriptedMcp mcp = ScriptedMcp.legacy()
                .on("initialize", (http, msg) -> {
                    http.setHeader("Server-Timing", "db;dur=12.5, app;dur=3");
                    http.json(200, result(msg, initializeResult("2025-11-25")));
                })
                .on("tools/list", (http, msg) -> {
                    http.setHeader("Server-Timing", "total;dur=7;desc=\"list\"");
                    http.json(200, result(msg, toolsResult(tool("echo"))));
                });

        ProbeResult r = probe(mcp);

        assertThat(r.failure()).isNull();
        assertThat(Timings.of(r, Phase.INITIALIZE).serverMs()).isEqualTo(15.5);
        assertThat(Timings.of(r, Phase.TOOLS_LIST).serverMs()).isEqualTo(7.0);
        assertThat(Timings.of(r, Phase.DISCOVER).serverMs()).isNull();
        assertThat(r.serverMs()).isEqualTo(22.5);
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** Probes a fixture running {@code mcp} with the default spec, as a monitor would. */
    private ProbeResult probe(ScriptedMcp mcp) {
        try (FixtureServer server = FixtureServer.http(mcp)) {
            return prober.probe(ProbeSpec.http(server.url("/mcp")).build());
        }
    }

    /** The cursor of every tools/list request the server received, "(none)" for the first page. */
    private static List<String> cursorsSent(FixtureServer server) {
        return server.requests().stream()
                .map(s -> Json.MAPPER.readTree(s.body()))
                .filter(m -> "tools/list".equals(m.path("method").stringValue(null)))
                .map(m -> m.path("params").path("cursor").stringValue("(none)"))
                .toList();
    }

    /** Writes one SSE message event and sends it now, without waiting for the stream to end. */
    private static void event(OutputStream out, String data) throws IOException {
        out.write(("event: message\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
