package dev.mcpwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.ModernMcp;
import dev.mcpwatch.testkit.ScriptedMcp;
import dev.mcpwatch.testkit.SdkServer;
import org.junit.jupiter.api.Test;

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
}
