package dev.mcpwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.ModernMcp;
import dev.mcpwatch.testkit.ScriptedMcp;
import dev.mcpwatch.testkit.SdkServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The 2026-07-28 era: no handshake, {@code server/discover}, {@code _meta} and mirrored headers on
 * every request. The fixture server validates the headers the way the specification tells servers
 * to, so a healthy result is also proof that the probe sent them right.
 */
class ModernEraProbeTest {
    private final Prober prober = new Prober();

    @Test
    void modernServerIsDetectedAndHealthy() {
        ModernMcp mcp = ModernMcp.modernOnly();
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).isNull();
            assertThat(r.era()).isEqualTo(Era.MODERN);
            assertThat(r.eraDetected()).isTrue();
            assertThat(r.protocolVersion()).isEqualTo("2026-07-28");
            assertThat(r.sessionUsed()).isFalse();
            assertThat(r.server().name()).isEqualTo("modern-fixture");
            assertThat(r.timings()).extracting(PhaseTiming::phase).containsExactly(Phase.CONNECT, Phase.DISCOVER, Phase.TOOLS_LIST);
            assertThat(r.tools().names()).containsExactly("search", "run_query");
            assertThat(mcp.methodsSeen()).containsExactly("server/discover", "tools/list");
            assertThat(mcp.lastHeaders("tools/list")).containsEntry("mcp-method", "tools/list")
                    .containsEntry("mcp-protocol-version", "2026-07-28")
                    .doesNotContainKey("mcp-session-id");
        }
    }

    @Test
    void toolCallCarriesMcpNameAndMirroredParameterHeaders() {
        ModernMcp mcp = ModernMcp.modernOnly();
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).revision("2026-07-28")
                    .toolCall(new ProbeSpec.ToolCall("run_query", Json.MAPPER.readTree("{\"region\":\"eu-west 1 ✓\",\"query\":\"select 1\"}"), "rows"))
                    .build());

            assertThat(r.failure()).isNull();
            assertThat(r.eraDetected()).isFalse();
            assertThat(r.toolCall().assertionPassed()).isTrue();
            assertThat(mcp.lastHeaders("tools/call")).containsEntry("mcp-name", "run_query")
                    .containsEntry("mcp-param-region", "=?base64?ZXUtd2VzdCAxIOKckw==?=");
        }
    }

    @Test
    void legacyServerFallsBackToInitializeAndIsRemembered() {
        try (SdkServer server = SdkServer.streamable(SdkServer.echo())) {
            ProbeSpec spec = ProbeSpec.http(server.url()).build();
            ProbeResult first = prober.probe(spec);
            ProbeResult second = prober.probe(spec);

            assertThat(first.era()).isEqualTo(Era.LEGACY);
            assertThat(first.timings()).extracting(PhaseTiming::phase).containsSubsequence(Phase.DISCOVER, Phase.INITIALIZE);
            assertThat(second.era()).isEqualTo(Era.LEGACY);
            assertThat(second.timings()).extracting(PhaseTiming::phase).doesNotContain(Phase.DISCOVER);
        }
    }

    @Test
    void legacyFallbackSendsInitializeWithoutTheVersionHeaderOfTheDiscoverAttempt() {
        try (FixtureServer server = FixtureServer.http(ScriptedMcp.legacy())) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).isNull();
            // initialize carries its version in the body; the header starts once the version is negotiated.
            assertThat(server.requests())
                    .extracting(s -> Json.MAPPER.readTree(s.body()).path("method").stringValue(), s -> s.header("MCP-Protocol-Version"))
                    .containsExactly(tuple("server/discover", "2026-07-28"), tuple("initialize", null),
                            tuple("notifications/initialized", "2025-11-25"), tuple("tools/list", "2025-11-25"));
        }
    }

    @Test
    void dualEraServerIsSpokenToInTheModernEra() {
        ModernMcp mcp = ModernMcp.dualEra();
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult modern = prober.probe(ProbeSpec.http(server.url("/mcp")).build());
            ProbeResult pinnedLegacy = prober.probe(ProbeSpec.http(server.url("/mcp")).revision("2025-11-25").build());

            assertThat(modern.failure()).isNull();
            assertThat(modern.era()).isEqualTo(Era.MODERN);
            assertThat(pinnedLegacy.failure()).isNull();
            assertThat(pinnedLegacy.era()).isEqualTo(Era.LEGACY);
            assertThat(pinnedLegacy.timings()).extracting(PhaseTiming::phase).contains(Phase.INITIALIZE).doesNotContain(Phase.DISCOVER);
        }
    }

    @Test
    void serverSpeakingOnlyUnknownVersionsIsProtocolVersionUnsupported() {
        try (FixtureServer server = FixtureServer.http(ModernMcp.speaking("2027-03-01"))) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.reason()).isEqualTo(Reason.PROTOCOL_VERSION_UNSUPPORTED);
            assertThat(r.failure().phase()).isEqualTo(Phase.DISCOVER);
            assertThat(r.failure().message()).contains("2026-07-28").contains("2027-03-01");
        }
    }

    @Test
    void pinningTheModernEraAgainstALegacyServerSaysItDoesNotSpeakIt() {
        try (SdkServer server = SdkServer.streamable(SdkServer.echo())) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url()).revision("2026-07-28").build());

            assertThat(r.reason()).isEqualTo(Reason.PROTOCOL_VERSION_UNSUPPORTED);
            assertThat(r.failure().message()).startsWith("Server does not speak 2026-07-28");
        }
    }

    @Test
    void rememberedModernEraIsForgottenAfterAProtocolFailure() {
        EraMemory memory = EraMemory.inMemory();
        Prober remembering = new Prober(memory);
        try (SdkServer legacy = SdkServer.streamable(SdkServer.echo())) {
            ProbeSpec spec = ProbeSpec.http(legacy.url()).build();
            memory.remember("streamable-http " + spec.target(), Era.MODERN); // as if the server had been modern before

            ProbeResult afterChange = remembering.probe(spec);
            ProbeResult redetected = remembering.probe(spec);

            assertThat(afterChange.failure()).isNotNull();
            assertThat(redetected.failure()).isNull();
            assertThat(redetected.era()).isEqualTo(Era.LEGACY);
            assertThat(redetected.eraDetected()).isTrue();
        }
    }

    // ---- version negotiation ----------------------------------------------------------------

    @Test
    void aRefusedVersionIsRetriedOnceWithTheBestVersionTheServerNames() {
        ModernMcp mcp = ModernMcp.modernOnly().refusingFirst(1);
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).isNull();
            assertThat(r.era()).isEqualTo(Era.MODERN);
            assertThat(mcp.methodsSeen()).containsExactly("server/discover", "server/discover", "tools/list");
            assertThat(mcp.requests()).extracting(m -> m.path("params").path("_meta").path("io.modelcontextprotocol/protocolVersion")
                    .stringValue()).containsOnly("2026-07-28");
        }
    }

    @Test
    void aServerThatRefusesTheVersionItListsIsCalledInconsistentNotUnsupported() {
        ModernMcp mcp = ModernMcp.modernOnly().refusingFirst(5);
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.reason()).isEqualTo(Reason.PROTOCOL_VERSION_UNSUPPORTED);
            assertThat(r.failure().message()).isEqualTo("Server refused protocol version 2026-07-28 again after naming 2026-07-28 as "
                    + "supported (server supports 2026-07-28); its version check is inconsistent");
            assertThat(mcp.methodsSeen()).containsExactly("server/discover", "server/discover");
        }
    }

    // ---- x-mcp-header -----------------------------------------------------------------------

    @Test
    void aToolWithAnInvalidXMcpHeaderIsNotCalledAndCountsAsMissing() {
        ObjectNode bad = ScriptedMcp.tool("bad_header", "data");
        ((ObjectNode) bad.at("/inputSchema/properties/data")).put("type", "number").put("x-mcp-header", "Data");
        ModernMcp mcp = ModernMcp.modernOnly().withTool(bad);
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult called = prober.probe(ProbeSpec.http(server.url("/mcp"))
                    .toolCall(new ProbeSpec.ToolCall("bad_header", Json.MAPPER.readTree("{\"data\": 1}"), null)).build());
            ProbeResult required = prober.probe(ProbeSpec.http(server.url("/mcp"))
                    .expect(new ProbeSpec.Expectations(1, java.util.Set.of("bad_header"))).build());

            assertThat(called.reason()).isEqualTo(Reason.TOOLS_MISSING);
            assertThat(called.failure().message()).contains("`bad_header` is listed with an invalid x-mcp-header")
                    .contains("only string, integer and boolean are allowed");
            assertThat(mcp.methodsSeen()).doesNotContain("tools/call");
            assertThat(required.reason()).isEqualTo(Reason.TOOLS_MISSING);
            assertThat(required.tools().names()).contains("bad_header"); // the stored list is what the server serves
            assertThat(required.warnings()).anyMatch(w -> w.contains("rejected by conforming clients") && w.contains("bad_header"));
        }
    }

    // ---- input_required (multi-round tool results) --------------------------------------------

    @Test
    void aHealthCallAskingForInputIsAConfigurationProblemNotAnOutage() {
        ModernMcp mcp = ModernMcp.modernOnly().answering("search", params -> inputRequired("opaque-1"));
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp"))
                    .toolCall(new ProbeSpec.ToolCall("search", Json.MAPPER.readTree("{\"query\": \"x\"}"), null)).build());

            assertThat(r.healthy()).isTrue();
            assertThat(r.toolCall().ok()).isFalse();
            assertThat(r.toolCall().unanswered()).isTrue();
            assertThat(r.toolCall().text()).contains("asks for input (input_required: `confirm` (elicitation/create: Proceed?))")
                    .contains("Configure input_responses");
            assertThat(r.warnings()).anyMatch(w -> w.contains("a monitor configuration problem, not an outage"));
            assertThat(mcp.methodsSeen()).containsExactly("server/discover", "tools/list", "tools/call"); // no retry without answers
        }
    }

    @Test
    void configuredInputResponsesAreSentBackWithTheRequestStateUnchangedAndANewId() {
        ModernMcp mcp = ModernMcp.modernOnly().answering("search", params -> params.has("inputResponses")
                ? textResult("found 2") : inputRequired("{\"nonce\":\"n-1\"}"));
        try (FixtureServer server = FixtureServer.http(mcp)) {
            JsonNode answers = Json.MAPPER.readTree("{\"confirm\": {\"action\": \"accept\", \"content\": {\"ok\": true}}}");
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp"))
                    .toolCall(new ProbeSpec.ToolCall("search", Json.MAPPER.readTree("{\"query\": \"x\"}"), "found", answers)).build());

            assertThat(r.failure()).isNull();
            assertThat(r.toolCall().assertionPassed()).isTrue();
            List<JsonNode> calls = mcp.requests().stream().filter(m -> m.path("method").stringValue("").equals("tools/call")).toList();
            assertThat(calls).hasSize(2);
            assertThat(calls.get(0).path("params").has("requestState")).isFalse();
            assertThat(calls.get(1).path("params").path("requestState").stringValue()).isEqualTo("{\"nonce\":\"n-1\"}");
            assertThat(calls.get(1).path("params").path("inputResponses")).isEqualTo(answers);
            assertThat(calls.get(1).path("id")).isNotEqualTo(calls.get(0).path("id"));
            // The answer is an elicitation result, so the retry (and only the retry) declares elicitation.
            assertThat(calls.get(1).at("/params/_meta/io.modelcontextprotocol~1clientCapabilities").has("elicitation")).isTrue();
            assertThat(calls.get(0).at("/params/_meta/io.modelcontextprotocol~1clientCapabilities").isEmpty()).isTrue();
        }
    }

    @Test
    void aServerThatKeepsAskingIsAnsweredAtMostThreeTimes() {
        ModernMcp mcp = ModernMcp.modernOnly().answering("search", params -> inputRequired("again"));
        try (FixtureServer server = FixtureServer.http(mcp)) {
            JsonNode answers = Json.MAPPER.readTree("{\"confirm\": {\"action\": \"accept\"}}");
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp"))
                    .toolCall(new ProbeSpec.ToolCall("search", Json.MAPPER.readTree("{\"query\": \"x\"}"), null, answers)).build());

            assertThat(r.toolCall().unanswered()).isTrue();
            assertThat(r.toolCall().text()).contains("kept asking for input after 3 rounds");
            assertThat(mcp.methodsSeen().stream().filter("tools/call"::equals)).hasSize(4);
        }
    }

    private static ObjectNode inputRequired(String state) {
        ObjectNode r = Json.object();
        r.put("resultType", "input_required");
        ObjectNode confirm = r.putObject("inputRequests").putObject("confirm");
        confirm.put("method", "elicitation/create");
        confirm.putObject("params").put("message", "Proceed?");
        r.put("requestState", state);
        return r;
    }

    private static ObjectNode textResult(String text) {
        ObjectNode r = Json.object();
        r.put("resultType", "complete");
        r.putArray("content").addObject().put("type", "text").put("text", text);
        return r;
    }
}
