package dev.mcpwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.RawServer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server closes a kept-alive connection the moment it has answered, as one does when its idle
 * timeout (Node's 5 s, gunicorn's 2 s) runs out just before the probe's next request: without a
 * {@code Connection: close}, so the client only finds out when it reuses the connection. The probe
 * sends that request once more on a new connection, and the healthy server is seen as healthy;
 * a server that fails a fresh connection is still seen failing.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClosedKeptAliveConnectionTest {
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");

    private final Prober prober = new Prober();

    @Test
    void aRequestOnAConnectionTheServerClosedWhileIdleIsSentOnceMoreAndTheProbeIsHealthy() {
        try (RawServer server = new RawServer((n, request, socket, out) -> {
            RawServer.write(out, legacyAnswer(request));
            out.flush();
            socket.close(); // the idle timeout: a FIN, no Connection: close, the client still holds the connection
        })) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).as("%s", r.failure()).isNull();
            assertThat(r.tools().count()).isEqualTo(1);
        }
    }

    @Test
    void aFreshConnectionTheServerClosesWithoutAnAnswerIsStillAFailure() {
        try (RawServer server = new RawServer((n, request, socket, out) -> {
            if (request.contains("\"initialize\"")) {
                socket.close(); // on the connection the discover answer left open: retried once, closed again
                return;
            }
            RawServer.write(out, legacyAnswer(request));
        })) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).as("%s", r.failure()).isNotNull();
            assertThat(r.failure().phase()).isEqualTo(Phase.INITIALIZE);
        }
    }

    /** A legacy streamable HTTP server's answers, by the request's method. */
    private static String legacyAnswer(String request) {
        Matcher id = ID.matcher(request.substring(request.indexOf("\r\n\r\n")));
        String rpcId = id.find() ? id.group(1) : "null";
        if (request.startsWith("DELETE")) {
            return "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        }
        if (request.contains("\"server/discover\"")) {
            return json("400 Bad Request", "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"Server not initialized\"},\"id\":null}");
        }
        if (request.contains("\"notifications/initialized\"")) {
            return "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n";
        }
        if (request.contains("\"initialize\"")) {
            return json("200 OK", "{\"jsonrpc\":\"2.0\",\"id\":" + rpcId + ",\"result\":{\"protocolVersion\":\"2025-11-25\","
                    + "\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
        }
        if (request.contains("\"tools/list\"")) {
            return json("200 OK", "{\"jsonrpc\":\"2.0\",\"id\":" + rpcId + ",\"result\":{\"tools\":[{\"name\":\"echo\","
                    + "\"inputSchema\":{\"type\":\"object\"}}]}}");
        }
        return json("200 OK", "{\"jsonrpc\":\"2.0\",\"id\":" + rpcId + ",\"result\":{}}");
    }

    private static String json(String status, String body) {
        return "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }
}
