package dev.mcpwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.schema.ToolFingerprint;
import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.ScriptedMcp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A probe fingerprints the listed tools from the definitions as the server sent them: the list's
 * schema fingerprint and its wording fingerprint are those of the definitions themselves, whether
 * the page came as a JSON body or over SSE, and whatever odd types the wording fields have.
 */
class ToolListFingerprintTest {
    /** Wording fields of every shape: plain, absent, not text, and text that needs escaping. */
    private static final String TOOLS = """
            [{"name":"search","title":"Search","description":"Finds things","inputSchema":{"type":"object","title":"q",
              "properties":{"q":{"type":"string","title":"Query"}}},"annotations":{"readOnlyHint":true}},
             {"name":"echo","description":"says \\"it\\" back\\n\\u00e9\\u0001","inputSchema":{"type":"object"}},
             {"name":"odd","title":42,"description":{"text":"not a string"},"inputSchema":{"type":"object","properties":{}},
              "outputSchema":{"type":"object","properties":{"n":{"type":"number","maximum":1.50}}}}]
            """;

    private final Prober prober = new Prober();

    @Test
    void fingerprintsOfAJsonToolsPageAreThoseOfTheDefinitionsAsSent() {
        assertFingerprintsMatchDefinitions(ScriptedMcp.reply(toolsResult()));
    }

    @Test
    void fingerprintsOfAnSseToolsPageAreThoseOfTheDefinitionsAsSent() {
        assertFingerprintsMatchDefinitions(ScriptedMcp.replySse(toolsResult()));
    }

    private void assertFingerprintsMatchDefinitions(ScriptedMcp.Step toolsList) {
        try (FixtureServer server = FixtureServer.http(ScriptedMcp.legacy().on("tools/list", toolsList))) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).build());

            assertThat(r.failure()).isNull();
            assertThat(r.tools().names()).containsExactly("search", "echo", "odd");
            List<JsonNode> sent = new ArrayList<>();
            Json.MAPPER.readTree(TOOLS).forEach(sent::add);
            List<String> prints = sent.stream().map(ToolFingerprint::of).toList();
            assertThat(r.tools().tools()).extracting(ToolSnapshot::fingerprint).containsExactlyElementsOf(prints);
            assertThat(r.tools().fingerprint()).isEqualTo(ToolFingerprint.ofList(prints));
            assertThat(r.tools().descriptionsFingerprint()).isEqualTo(ToolFingerprint.ofWording(sent));
            assertThat(r.tools().tools()).extracting(ToolSnapshot::definition).containsExactlyElementsOf(sent);
        }
    }

    private static ObjectNode toolsResult() {
        ObjectNode result = Json.object();
        result.set("tools", Json.MAPPER.readTree(TOOLS));
        return result;
    }
}
