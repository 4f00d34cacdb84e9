package dev.mcpwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.ScriptedMcp;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The deprecated HTTP+SSE transport fails before any MCP message when its stream does not say
 * where to post: no {@code endpoint} event in time, a stream that ends without one, an endpoint on
 * another origin (where credentials must not go), or a page that is not an event stream at all.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SseTransportFailureTest {
    private static final ProbeSpec.Timeouts SHORT = new ProbeSpec.Timeouts(
            Duration.ofMillis(400), Duration.ofMillis(400), Duration.ofMillis(400), Duration.ofSeconds(5));

    private final Prober prober = new Prober();

    @Test
    void streamThatNeverSendsTheEndpointTimesOutInSseOpen() {
        try (FixtureServer server = FixtureServer.http(http -> {
            OutputStream out = http.stream(200, "text/event-stream");
            out.write(": connected\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            Thread.sleep(10_000); // a stream that stays open and keeps quiet
        })) {
            ProbeResult r = prober.probe(sse(server.url("/sse")).timeouts(SHORT).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.TIMEOUT, Layer.TIME, Phase.SSE_OPEN);
            assertThat(r.failure().message()).isEqualTo("Timeout after 400 ms in sse_open");
            assertThat(Timings.of(r, Phase.SSE_OPEN).httpStatus()).isEqualTo(200);
            assertThat(r.totalMs()).isBetween(350.0, 2_000.0);
        }
    }

    @Test
    void streamClosedWithoutAnEndpointIsNotMcp() {
        try (FixtureServer server = FixtureServer.http(http -> {
            try (OutputStream out = http.stream(200, "text/event-stream")) {
                out.write(": connected\n\n".getBytes(StandardCharsets.UTF_8));
            }
        })) {
            ProbeResult r = prober.probe(sse(server.url("/sse")).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.NOT_MCP, Layer.HTTP, Phase.SSE_OPEN);
            assertThat(r.failure().message()).isEqualTo("SSE stream closed without an endpoint event");
        }
    }

    @Test
    void endpointOnAnotherOriginIsNotMcpAndNothingIsPostedThere() {
        try (FixtureServer elsewhere = FixtureServer.http(ScriptedMcp.legacy());
                FixtureServer server = FixtureServer.http(http -> {
                    OutputStream out = http.stream(200, "text/event-stream");
                    out.write(("event: endpoint\ndata: " + elsewhere.url("/message?sessionId=1") + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(10_000);
                })) {
            ProbeResult r = prober.probe(sse(server.url("/sse")).header("Authorization", "Bearer s3cret").build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.NOT_MCP, Layer.HTTP, Phase.SSE_OPEN);
            assertThat(r.failure().message()).isEqualTo("endpoint event points to another origin (http://127.0.0.1:"
                    + elsewhere.port() + "); mcpwatch does not send messages or credentials there");
            assertThat(elsewhere.requests()).isEmpty();
        }
    }

    @Test
    void htmlPageInsteadOfAnEventStreamIsNotMcp() {
        try (FixtureServer server = FixtureServer.http(http -> http.respond(200, "text/html",
                "<html><head><title>Welcome to nginx!</title></head><body></body></html>"))) {
            ProbeResult r = prober.probe(sse(server.url("/sse")).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.NOT_MCP, Layer.HTTP, Phase.SSE_OPEN);
            assertThat(r.failure().message()).isEqualTo("sse_open returned a text/html body titled 'Welcome to nginx!', not an event stream");
            assertThat(Timings.of(r, Phase.SSE_OPEN).httpStatus()).isEqualTo(200);
        }
    }

    private static ProbeSpec.Builder sse(String url) {
        return ProbeSpec.http(url).transport(Transport.SSE);
    }
}
