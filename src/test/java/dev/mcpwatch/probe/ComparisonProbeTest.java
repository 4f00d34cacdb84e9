package dev.mcpwatch.probe;

import static dev.mcpwatch.testkit.ScriptedMcp.tool;
import static dev.mcpwatch.testkit.ScriptedMcp.toolsResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpwatch.schema.SchemaValidation;
import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.ScriptedMcp;
import dev.mcpwatch.testkit.SdkServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * What a canary comparison asks of the probe beyond a monitor's needs: which version answered each
 * step (a response header the spec names), the JSON-RPC code of a refused call, and a health call's
 * structured result checked against the tool's outputSchema only when asked.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ComparisonProbeTest {
    private final Prober prober = new Prober();

    @Test
    void everyStepRecordsTheNamedResponseHeader() {
        try (SdkServer server = SdkServer.streamable(SdkServer.Options.version("1.5.0"), SdkServer.echo())) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url()).servedByHeader("X-Server-Version")
                    .toolCall(new ProbeSpec.ToolCall("echo", Json.MAPPER.readTree("{\"message\":\"hi\"}"), null)).build());

            assertThat(r.healthy()).as(String.valueOf(r.failure())).isTrue();
            assertThat(r.timings()).filteredOn(t -> !t.phase().isNetwork())
                    .extracting(PhaseTiming::phase).contains(Phase.INITIALIZE, Phase.TOOLS_LIST, Phase.TOOL_CALL);
            assertThat(r.timings()).filteredOn(t -> !t.phase().isNetwork())
                    .allSatisfy(t -> assertThat(t.servedBy()).as(t.phase().wireName()).isEqualTo("1.5.0"));
            assertThat(r.server().version()).isEqualTo("1.5.0");
        }
    }

    @Test
    void withoutAHeaderNamedNothingIsRecorded() {
        try (SdkServer server = SdkServer.streamable(SdkServer.Options.version("1.5.0"), SdkServer.echo())) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url()).build());

            assertThat(r.timings()).allSatisfy(t -> assertThat(t.servedBy()).isNull());
        }
    }

    @Test
    void aHeaderValueIsRecordedAsPrintableTextOnly() {
        ScriptedMcp mcp = ScriptedMcp.legacy().on("tools/list", (http, msg) -> {
            http.setHeader("X-Server-Version", "1.5.0\t\u0085" + "x".repeat(300));
            http.json(200, ScriptedMcp.result(msg, toolsResult(tool("a"))));
        });
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).servedByHeader("X-Server-Version").build());

            PhaseTiming list = r.timings().stream().filter(t -> t.phase() == Phase.TOOLS_LIST).findFirst().orElseThrow();
            assertThat(list.servedBy()).startsWith("1.5.0??x").endsWith("…").hasSize(101);
        }
    }

    @Test
    void aRefusedCallKeepsItsJsonRpcErrorCode() {
        ScriptedMcp mcp = ScriptedMcp.legacy()
                .on("tools/list", ScriptedMcp.reply(toolsResult(tool("lookup"))))
                .on("tools/call", (http, msg) -> http.json(200, ScriptedMcp.error(msg, -32602, "query must be an integer")));
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).toolCall(new ProbeSpec.ToolCall("lookup", null, null)).build());

            assertThat(r.reason()).isEqualTo(Reason.TOOL_CALL_ERROR);
            assertThat(r.toolCall().errorCode()).isEqualTo(-32602);
            assertThat(r.toolCall().text()).contains("query must be an integer");
        }
    }

    @Test
    void aStructuredResultIsCheckedAgainstTheOutputSchemaOnlyWhenAsked() {
        ScriptedMcp mcp = ScriptedMcp.legacy()
                .on("tools/list", ScriptedMcp.reply(toolsResult(withOutputSchema(tool("lookup")))))
                .on("tools/call", (http, msg) -> {
                    var result = ScriptedMcp.textResult("42");
                    result.putObject("structuredContent").put("answer", 42);
                    http.json(200, ScriptedMcp.result(msg, result));
                });
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeSpec.Builder spec = ProbeSpec.http(server.url("/mcp")).toolCall(new ProbeSpec.ToolCall("lookup", null, null));

            ProbeResult unchecked = prober.probe(spec.build());
            ProbeResult checked = prober.probe(spec.checkOutputSchemas(true).build());

            assertThat(unchecked.toolCall().schemaError()).isNull();
            assertThat(checked.healthy()).as("the call answered; its shape is the comparison's business").isTrue();
            assertThat(checked.toolCall().schemaError()).startsWith("structuredContent of `lookup` does not match its outputSchema:")
                    .contains("answer");
        }
    }

    @Test
    void aMissingStructuredResultIsASchemaErrorWhenTheToolDeclaresAnOutputSchema() {
        ScriptedMcp mcp = ScriptedMcp.legacy()
                .on("tools/list", ScriptedMcp.reply(toolsResult(withOutputSchema(tool("lookup")))))
                .on("tools/call", (http, msg) -> http.json(200, ScriptedMcp.result(msg, ScriptedMcp.textResult("found"))));
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).toolCall(new ProbeSpec.ToolCall("lookup", null, null))
                    .checkOutputSchemas(true).build());

            assertThat(r.toolCall().schemaError()).isEqualTo("tool `lookup` declares an outputSchema but returned no structuredContent");
        }
    }

    @Test
    void aSchemaReferenceToAUrlIsNeverFetched() {
        try (FixtureServer elsewhere = FixtureServer.http(http -> http.json(200, Json.MAPPER.readTree("{\"type\":\"string\"}")))) {
            JsonNode schema = Json.MAPPER.readTree("{\"type\":\"object\",\"properties\":{\"answer\":{\"$ref\":\""
                    + elsewhere.url("/schema.json") + "\"}}}");

            assertThatThrownBy(() -> SchemaValidation.problems(schema, Json.MAPPER.readTree("{\"answer\":42}")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("the schema cannot be used");
            assertThat(elsewhere.requests()).isEmpty();
        }
    }

    @Test
    void schemasOfTheSdksShapeValidateAsClientsDo() {
        McpSchema.Tool sdk = McpSchema.Tool.builder().name("t")
                .inputSchema(Map.of("type", "object", "properties", Map.of("n", Map.of("type", "integer", "minimum", 1)),
                        "required", List.of("n")))
                .build();
        JsonNode input = Json.MAPPER.valueToTree(sdk.inputSchema());

        assertThat(SchemaValidation.problems(input, Json.MAPPER.readTree("{\"n\":3}"))).isNull();
        assertThat(SchemaValidation.problems(input, Json.MAPPER.readTree("{\"n\":0}"))).contains("n").contains("1");
        assertThat(SchemaValidation.problems(input, Json.MAPPER.readTree("{}"))).contains("n");
    }

    private static tools.jackson.databind.node.ObjectNode withOutputSchema(tools.jackson.databind.node.ObjectNode tool) {
        tool.set("outputSchema", Json.MAPPER.readTree(
                "{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"string\"}},\"required\":[\"answer\"]}"));
        return tool;
    }
}
