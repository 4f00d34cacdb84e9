package dev.mcpwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.NpmServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The third-party reference server from npm, {@code @modelcontextprotocol/server-everything}, in
 * each of its transports. The number of tools it "really lists" is what the official Java SDK
 * client lists when it declares the same (empty) capabilities mcpwatch declares.
 */
class ServerEverythingTest {
    private final Prober prober = new Prober();

    @Test
    void streamableHttpModeIsHealthyWithTheToolsItReallyLists() {
        try (NpmServer server = NpmServer.streamableHttp()) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url()).build());

            assertHealthyEverything(r);
            assertThat(r.sessionUsed()).isTrue();
            URI uri = URI.create(server.url());
            assertThat(r.tools().names()).containsExactlyInAnyOrderElementsOf(toolNamesFromSdkClient(
                    HttpClientStreamableHttpTransport.builder("http://" + uri.getAuthority()).endpoint("/mcp").build()));
        }
    }

    @Test
    void sseModeIsHealthyWithTheToolsItReallyLists() {
        try (NpmServer server = NpmServer.sse()) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url()).transport(Transport.SSE).build());

            assertHealthyEverything(r);
            URI uri = URI.create(server.url());
            assertThat(r.tools().names()).containsExactlyInAnyOrderElementsOf(toolNamesFromSdkClient(
                    HttpClientSseClientTransport.builder("http://" + uri.getAuthority()).sseEndpoint("/sse").build()));
        }
    }

    @Test
    void stdioModeIsHealthyWithTheToolsItReallyLists() {
        List<String> cmd = NpmServer.stdioCommand();
        ProbeResult r = prober.probe(ProbeSpec.stdio(cmd).build());

        assertHealthyEverything(r);
        assertThat(r.timings()).extracting(PhaseTiming::phase).startsWith(Phase.SPAWN);
        ServerParameters params = ServerParameters.builder(cmd.getFirst()).args(cmd.subList(1, cmd.size())).build();
        assertThat(r.tools().names()).containsExactlyInAnyOrderElementsOf(
                toolNamesFromSdkClient(new StdioClientTransport(params, McpJsonDefaults.getMapper())));
    }

    @Test
    void toolCallAgainstEverythingEchoes() {
        try (NpmServer server = NpmServer.streamableHttp()) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url())
                    .toolCall(new ProbeSpec.ToolCall("echo", Json.MAPPER.readTree("{\"message\":\"mcpwatch\"}"), "mcpwatch"))
                    .build());

            assertThat(r.failure()).isNull();
            assertThat(r.toolCall().text()).contains("Echo: mcpwatch");
        }
    }

    private static void assertHealthyEverything(ProbeResult r) {
        assertThat(r.failure()).isNull();
        assertThat(r.healthy()).isTrue();
        assertThat(r.server().name()).isEqualTo(NpmServer.EVERYTHING_NAME);
        assertThat(r.era()).isEqualTo(Era.LEGACY);
        assertThat(r.tools().count()).isPositive();
    }

    private static List<String> toolNamesFromSdkClient(McpClientTransport transport) {
        try (McpSyncClient client = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(20))
                .capabilities(McpSchema.ClientCapabilities.builder().build())
                .build()) {
            client.initialize();
            return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
        }
    }
}
