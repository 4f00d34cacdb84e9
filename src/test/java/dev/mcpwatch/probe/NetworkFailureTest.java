package dev.mcpwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.ScriptedMcp;
import dev.mcpwatch.testkit.SilentServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The network below MCP: nothing listening, a port that cannot take a connection, a name that does
 * not resolve, and servers that take the connection but never answer. Network unreachable is
 * tested elsewhere (it needs a process without a network namespace).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NetworkFailureTest {
    /** Short deadlines: a timeout test must end in well under a second. */
    private static final ProbeSpec.Timeouts SHORT = new ProbeSpec.Timeouts(
            Duration.ofMillis(300), Duration.ofMillis(400), Duration.ofMillis(400), Duration.ofSeconds(5));

    private final Prober prober = new Prober();

    @Test
    void closedPortIsConnectionRefused() throws IOException {
        int port;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = gone.getLocalPort();
        }

        ProbeResult r = prober.probe(ProbeSpec.http("http://127.0.0.1:" + port + "/mcp").build());

        assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                .containsExactly(Reason.CONNECTION_REFUSED, Layer.TCP, Phase.CONNECT);
        assertThat(r.failure().message()).isEqualTo("Connection refused to 127.0.0.1:" + port);
        assertThat(r.resolvedAddress()).isEqualTo("127.0.0.1:" + port);
        assertThat(r.tools()).isNull();
    }

    @Test
    void portWhoseAcceptQueueIsFullIsConnectTimeout() throws IOException {
        // A listener that never accepts, with a backlog of one: two connections fill its queue and
        // the kernel drops the SYN of the third, which is what an overloaded or firewalled host does.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket first = connectTo(full.getLocalPort());
                Socket second = connectTo(full.getLocalPort())) {
            assertThat(first.isConnected() && second.isConnected()).as("the accept queue is full").isTrue();

            ProbeResult r = prober.probe(ProbeSpec.http("http://127.0.0.1:" + full.getLocalPort() + "/mcp").timeouts(SHORT).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.CONNECT_TIMEOUT, Layer.TCP, Phase.CONNECT);
            assertThat(r.failure().message()).isEqualTo("Connect to 127.0.0.1:" + full.getLocalPort() + " timed out after 300 ms");
            assertThat(r.totalMs()).isBetween(250.0, 2_000.0);
        }
    }

    @Test
    void unresolvableHostIsDnsUnresolved() {
        ProbeResult r = prober.probe(ProbeSpec.http("http://no-such-host.invalid/mcp").timeouts(SHORT).build());

        assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                .containsExactly(Reason.DNS_UNRESOLVED, Layer.DNS, Phase.DNS);
        assertThat(r.failure().message()).isEqualTo("Could not resolve host no-such-host.invalid");
        assertThat(r.resolvedAddress()).isNull();
    }

    @Test
    void portThatAcceptsAndNeverAnswersTimesOutInInitialize() {
        try (SilentServer silent = new SilentServer()) {
            // Pinned to the legacy era so that the first step is initialize; detection would wait in discover.
            ProbeResult r = prober.probe(ProbeSpec.http(silent.url("http", "/mcp")).revision("2025-11-25").timeouts(SHORT).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.TIMEOUT, Layer.TIME, Phase.INITIALIZE);
            assertThat(r.failure().message()).isEqualTo("Timeout after 400 ms in initialize");
            assertThat(r.timings()).extracting(PhaseTiming::phase).containsSubsequence(Phase.CONNECT, Phase.INITIALIZE);
            assertThat(Timings.of(r, Phase.INITIALIZE).httpStatus()).isNull();
            assertThat(Timings.of(r, Phase.INITIALIZE).firstByteMs()).isNull();
            assertThat(r.totalMs()).isBetween(350.0, 2_000.0);
            assertThat(silent.accepted()).isEqualTo(1);
        }
    }

    @Test
    void responseHeadersWithoutABodyTimeOutInInitializeWithTheStatusRecorded() {
        ScriptedMcp mcp = ScriptedMcp.legacy().on("initialize", (http, msg) -> {
            OutputStream body = http.stream(200, "application/json");
            body.flush(); // the status line and headers go out; the body never comes
            Thread.sleep(10_000);
        });
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).revision("2025-11-25").timeouts(SHORT).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.TIMEOUT, Layer.TIME, Phase.INITIALIZE);
            assertThat(r.failure().message()).isEqualTo("Timeout after 400 ms in initialize");
            PhaseTiming init = Timings.of(r, Phase.INITIALIZE);
            assertThat(init.httpStatus()).isEqualTo(200);
            assertThat(init.firstByteMs()).isNotNull().isLessThan(init.durationMs());
            assertThat(r.totalMs()).isBetween(350.0, 2_000.0);
        }
    }

    private static Socket connectTo(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
        return s;
    }
}
