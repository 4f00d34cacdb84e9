package dev.mcpwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.SdkServer;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The probe against the official MCP Java SDK's own servers: each transport it ships must be healthy. */
class SdkServerProbeTest {
    private final Prober prober = new Prober();

    @Test
    void statefulStreamableServerIsHealthyWithSessionAndEveryPhaseTimed() {
        try (SdkServer server = SdkServer.streamable(SdkServer.echo(), SdkServer.add())) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url()).build());

            assertThat(r.failure()).isNull();
            assertThat(r.healthy()).isTrue();
            assertThat(r.era()).isEqualTo(Era.LEGACY);
            assertThat(r.eraDetected()).isTrue();
            assertThat(r.protocolVersion()).isEqualTo("2025-11-25");
            assertThat(r.sessionUsed()).isTrue();
            assertThat(r.server().name()).isEqualTo(SdkServer.NAME);
            assertThat(r.server().version()).isEqualTo(SdkServer.VERSION);
            assertThat(r.capabilities().has("tools")).isTrue();
            assertThat(r.resolvedAddress()).startsWith("127.0.0.1:");
            assertThat(r.timings()).extracting(PhaseTiming::phase)
                    .containsSubsequence(Phase.CONNECT, Phase.DISCOVER, Phase.INITIALIZE, Phase.INITIALIZED, Phase.TOOLS_LIST, Phase.CLOSE);
            PhaseTiming init = r.timings().stream().filter(t -> t.phase() == Phase.INITIALIZE).findFirst().orElseThrow();
            assertThat(init.httpStatus()).isEqualTo(200);
            assertThat(init.firstByteMs()).isNotNull().isLessThanOrEqualTo(init.durationMs());
            assertThat(r.tools().names()).containsExactlyInAnyOrder("echo", "add");
            assertThat(r.tools().fingerprint()).hasSize(64);
            assertThat(r.tools().tools()).allSatisfy(t -> assertThat(t.fingerprint()).hasSize(64));
        }
    }

    @Test
    void statelessServerIsHealthyWithoutSession() {
        try (SdkServer server = SdkServer.stateless(SdkServer.echo())) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url()).build());

            assertThat(r.failure()).isNull();
            assertThat(r.sessionUsed()).isFalse();
            assertThat(r.timings()).extracting(PhaseTiming::phase).doesNotContain(Phase.CLOSE);
            assertThat(r.tools().names()).containsExactly("echo");
        }
    }

    @Test
    void sseTransportServerIsHealthy() {
        try (SdkServer server = SdkServer.sse(SdkServer.echo(), SdkServer.add())) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url()).transport(Transport.SSE).build());

            assertThat(r.failure()).isNull();
            assertThat(r.era()).isEqualTo(Era.LEGACY);
            assertThat(r.timings()).extracting(PhaseTiming::phase)
                    .containsSubsequence(Phase.SSE_OPEN, Phase.INITIALIZE, Phase.INITIALIZED, Phase.TOOLS_LIST);
            assertThat(r.tools().count()).isEqualTo(2);
        }
    }

    @Test
    void toolCallWithAssertionPassesOnEveryTransport() {
        var call = new ProbeSpec.ToolCall("echo", Json.MAPPER.readTree("{\"message\":\"hello\"}"), "echo: hello");
        try (SdkServer streamable = SdkServer.streamable(SdkServer.echo());
                SdkServer stateless = SdkServer.stateless(SdkServer.echo());
                SdkServer sse = SdkServer.sse(SdkServer.echo())) {
            for (ProbeSpec spec : new ProbeSpec[] {
                ProbeSpec.http(streamable.url()).toolCall(call).build(),
                ProbeSpec.http(stateless.url()).toolCall(call).build(),
                ProbeSpec.http(sse.url()).transport(Transport.SSE).toolCall(call).build()}) {
                ProbeResult r = prober.probe(spec);

                assertThat(r.failure()).as(spec.transport() + " " + spec.url()).isNull();
                assertThat(r.toolCall().ok()).isTrue();
                assertThat(r.toolCall().assertionPassed()).isTrue();
                assertThat(r.toolCall().text()).isEqualTo("echo: hello");
                assertThat(r.timings()).extracting(PhaseTiming::phase).contains(Phase.TOOL_CALL);
            }
        }
    }

    @Test
    void toolReturningIsErrorIsAToolCallError() {
        try (SdkServer server = SdkServer.streamable(SdkServer.echo(), SdkServer.broken())) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url())
                    .toolCall(new ProbeSpec.ToolCall("weather", null, null)).build());

            assertThat(r.reason()).isEqualTo(Reason.TOOL_CALL_ERROR);
            assertThat(r.failure().layer()).isEqualTo(Layer.TOOLS);
            assertThat(r.failure().phase()).isEqualTo(Phase.TOOL_CALL);
            assertThat(r.failure().message()).contains("weather").contains("upstream weather API unavailable");
            assertThat(r.toolCall().isError()).isTrue();
        }
    }

    @Test
    void toolResultWithoutExpectedTextFailsTheAssertion() {
        try (SdkServer server = SdkServer.stateless(SdkServer.add())) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url())
                    .toolCall(new ProbeSpec.ToolCall("add", Json.MAPPER.readTree("{\"a\":1,\"b\":2}"), "4")).build());

            assertThat(r.reason()).isEqualTo(Reason.TOOL_CALL_ASSERTION_FAILED);
            assertThat(r.failure().message()).contains("does not contain '4'").contains("3.0");
        }
    }

    @Test
    void emptyToolListIsAnOutageWhenToolsAreExpected() {
        try (SdkServer server = SdkServer.streamable()) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url()).build());

            assertThat(r.reason()).isEqualTo(Reason.TOOLS_LIST_EMPTY);
            assertThat(r.failure().message()).isEqualTo("tools/list returned 0 tools, expected at least 1");
            assertThat(r.tools().count()).isZero();
        }
    }

    @Test
    void emptyToolListIsHealthyWhenNoToolsAreExpected() {
        try (SdkServer server = SdkServer.streamable()) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url()).minTools(0).build());

            assertThat(r.failure()).isNull();
        }
    }

    @Test
    void missingRequiredToolAndTooFewToolsAreToolsMissing() {
        try (SdkServer server = SdkServer.streamable(SdkServer.echo())) {
            ProbeResult missing = prober.probe(ProbeSpec.http(server.url())
                    .expect(new ProbeSpec.Expectations(1, Set.of("echo", "get_weather"))).build());
            ProbeResult tooFew = prober.probe(ProbeSpec.http(server.url()).minTools(5).build());

            assertThat(missing.reason()).isEqualTo(Reason.TOOLS_MISSING);
            assertThat(missing.failure().message()).isEqualTo("Expected tool `get_weather` is missing (server lists 1 tools)");
            assertThat(tooFew.reason()).isEqualTo(Reason.TOOLS_MISSING);
            assertThat(tooFew.failure().message()).isEqualTo("tools/list returned 1 tools, expected at least 5");
        }
    }

    @Test
    void detectedEraIsRememberedSoTheNextProbeSkipsDetection() {
        try (SdkServer server = SdkServer.streamable(SdkServer.echo())) {
            ProbeSpec spec = ProbeSpec.http(server.url()).build();
            ProbeResult first = prober.probe(spec);
            ProbeResult second = prober.probe(spec);

            assertThat(first.eraDetected()).isTrue();
            assertThat(first.timings()).extracting(PhaseTiming::phase).contains(Phase.DISCOVER);
            assertThat(second.failure()).isNull();
            assertThat(second.eraDetected()).isFalse();
            assertThat(second.timings()).extracting(PhaseTiming::phase).doesNotContain(Phase.DISCOVER);
        }
    }

    @Test
    void everyProbeConnectsAfresh() {
        try (SdkServer server = SdkServer.streamable(SdkServer.echo())) {
            ProbeSpec spec = ProbeSpec.http(server.url()).revision("2025-11-25").build();
            for (int i = 0; i < 3; i++) {
                assertThat(prober.probe(spec).timings()).extracting(PhaseTiming::phase).contains(Phase.CONNECT);
            }
        }
    }
}
