package dev.mcpwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpwatch.testkit.RawServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTTP that no library would send, written byte by byte: a session id with bytes a header cannot
 * carry, a negative Content-Length, headers past what the client reads, a reset right after the
 * connection is accepted. Each is the server's fault and gets its own reason in the phase it
 * happened in, with a sentence in words — not the catch-all for mcpwatch's own surprises.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MalformedHttpTest {
    /** What a legacy server answers server/discover with. */
    private static final String LEGACY_DISCOVER_ANSWER = json("400 Bad Request",
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"Server not initialized\"},\"id\":null}");

    private final Prober prober = new Prober();

    @ParameterizedTest(name = "session id {0}")
    @ValueSource(strings = {"sess\u0001ion", "sess\u00e9ion", "sess ion"})
    void sessionIdWithABytePastVisibleAsciiIsSessionRejectedInInitialize(String sessionId) {
        try (RawServer server = new RawServer((n, request, socket, out) -> {
            if (request.contains("\"server/discover\"")) {
                RawServer.write(out, LEGACY_DISCOVER_ANSWER);
                return;
            }
            String body = "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"tools\":{}},"
                    + "\"serverInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\nMcp-Session-Id: ")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(sessionId.getBytes(StandardCharsets.UTF_8));
            RawServer.write(out, "\r\n\r\n" + body);
        })) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).as("%s", r.failure()).extracting(Failure::reason, Failure::phase)
                    .containsExactly(Reason.SESSION_REJECTED, Phase.INITIALIZE);
            assertThat(r.failure().message()).startsWith("Server sent an Mcp-Session-Id that is not visible ASCII")
                    .doesNotContain("\u0001");
        }
    }

    @Test
    void negativeContentLengthIsHttpErrorInTheStepThatGotIt() {
        try (RawServer server = new RawServer((n, request, socket, out) ->
                RawServer.write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n{}"))) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).as("%s", r.failure()).extracting(Failure::reason, Failure::phase)
                    .containsExactly(Reason.HTTP_ERROR, Phase.DISCOVER);
            assertThat(r.failure().message()).isEqualTo("Malformed HTTP response in discover: Content-Length '-5' is not a length");
        }
    }

    @Test
    void headersLongerThanTheClientReadsAreHttpErrorInWordsWithoutAHexDump() {
        try (RawServer server = new RawServer((n, request, socket, out) -> {
            RawServer.write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: ");
            byte[] pad = "Lorem ipsum dolor sit amet ".repeat(1_000).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 12; i++) {
                out.write(pad); // 324 KB in one header line: more than the 256 KiB a client reads
            }
            RawServer.write(out, "\r\nContent-Length: 2\r\n\r\n{}");
        })) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).as("%s", r.failure()).extracting(Failure::reason, Failure::phase)
                    .containsExactly(Reason.HTTP_ERROR, Phase.DISCOVER);
            assertThat(r.failure().message()).isEqualTo("Malformed HTTP response in discover: "
                    + "the response headers are longer than 256 KiB, or a header line never ends");
        }
    }

    @Test
    void statusLineThatIsNotHttpIsQuotedAsAShortPrintableExcerpt() {
        try (RawServer server = new RawServer((n, request, socket, out) -> {
            out.write(new byte[] {'L', 'o', 'c', 0x01, 0x02, (byte) 0xFF, 'a', 'l'});
            RawServer.write(out, " nonsense " + "z".repeat(500) + "\r\n\r\n");
        })) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).as("%s", r.failure()).extracting(Failure::reason, Failure::phase)
                    .containsExactly(Reason.HTTP_ERROR, Phase.DISCOVER);
            assertThat(r.failure().message()).startsWith("Malformed HTTP response in discover: the status line is not HTTP: 'Loc")
                    .hasSizeLessThan(140).doesNotContain("\u0001").doesNotContain("limit=").doesNotContain("content=");
        }
    }

    @Test
    void connectionClosedWithoutAResponseSaysSoInWords() {
        try (RawServer server = new RawServer((n, request, socket, out) -> socket.close())) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).as("%s", r.failure()).extracting(Failure::reason, Failure::phase)
                    .containsExactly(Reason.HTTP_ERROR, Phase.DISCOVER);
            assertThat(r.failure().message()).isEqualTo("Connection to 127.0.0.1:" + server.port()
                    + " broke in discover before a complete response: the server closed the connection");
        }
    }

    @Test
    void resetRightAfterAcceptIsAConnectionResetInTheStepNotARefusedConnect() {
        // The reset may reach the client while it still counts itself connecting, or just after:
        // either way TCP connected, so it is not connection_refused in phase connect.
        try (RawServer server = RawServer.resettingOnAccept()) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).timeouts(ProbeSpec.Timeouts.withTotal(Duration.ofSeconds(5)))
                    .build());

            assertThat(r.failure()).as("%s", r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.HTTP_ERROR, Layer.HTTP, Phase.DISCOVER);
            assertThat(r.failure().message()).isEqualTo("Connection to 127.0.0.1:" + server.port()
                    + " was reset by the server in discover, after it was accepted");
        }
    }

    @Test
    void portZeroIsRefusedWhenTheProbeIsBuiltNotClassifiedAsTheServersFault() {
        assertThatThrownBy(() -> ProbeSpec.http("http://127.0.0.1:0/mcp").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("url has port 0; a port is 1 to 65535: 'http://127.0.0.1:0/mcp'");
        assertThatThrownBy(() -> ProbeSpec.http("http://127.0.0.1:70000/mcp").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("url has port 70000; a port is 1 to 65535: 'http://127.0.0.1:70000/mcp'");
    }

    /** A complete response with a JSON body and a correct Content-Length. */
    private static String json(String status, String body) {
        return "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }
}
