package dev.mcpwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The x-mcp-header rules of 2026-07-28 (SEP-2243): which tool schemas a client must reject, and the headers a call carries. */
class ToolHeadersTest {

    @Test
    void annotationsOnPropertiesReachedThroughPropertiesAloneAreValid() {
        assertThat(ToolHeaders.problem(json("""
                {"type":"object","properties":{
                  "region":{"type":"string","x-mcp-header":"Region"},
                  "limits":{"type":"object","properties":{"max":{"type":"integer","x-mcp-header":"Max"}}},
                  "dry":{"type":["boolean","null"],"x-mcp-header":"Dry-Run"}}}"""))).isNull();
    }

    @Test
    void everyConstraintOfTheSpecificationIsEnforced() {
        assertThat(ToolHeaders.problem(json("{\"properties\":{\"v\":{\"type\":\"string\",\"x-mcp-header\":\"\"}}}")))
                .contains("is empty");
        assertThat(ToolHeaders.problem(json("{\"properties\":{\"v\":{\"type\":\"string\",\"x-mcp-header\":\"My Region\"}}}")))
                .contains("is not an HTTP token");
        assertThat(ToolHeaders.problem(json("{\"properties\":{\"v\":{\"type\":\"string\",\"x-mcp-header\":\"Région\"}}}")))
                .contains("is not an HTTP token");
        assertThat(ToolHeaders.problem(json("{\"properties\":{\"v\":{\"type\":\"string\",\"x-mcp-header\":\"A:B\"}}}")))
                .contains("is not an HTTP token");
        assertThat(ToolHeaders.problem(json("""
                {"properties":{"a":{"type":"string","x-mcp-header":"MyField"},"b":{"type":"string","x-mcp-header":"myfield"}}}""")))
                .contains("is used twice");
        assertThat(ToolHeaders.problem(json("{\"properties\":{\"v\":{\"type\":\"number\",\"x-mcp-header\":\"V\"}}}")))
                .contains("only string, integer and boolean");
        assertThat(ToolHeaders.problem(json("{\"properties\":{\"v\":{\"type\":\"array\",\"x-mcp-header\":\"V\"}}}")))
                .contains("only string, integer and boolean");
        assertThat(ToolHeaders.problem(json("""
                {"properties":{"list":{"type":"array","items":{"type":"string","x-mcp-header":"Item"}}}}"""))).contains("not reached");
        assertThat(ToolHeaders.problem(json("""
                {"$defs":{"id":{"type":"string","x-mcp-header":"Id"}},"properties":{"id":{"$ref":"#/$defs/id"}}}"""))).contains("not reached");
        assertThat(ToolHeaders.problem(json("""
                {"properties":{"v":{"anyOf":[{"type":"string","x-mcp-header":"V"}]}}}"""))).contains("not reached");
    }

    @Test
    void aCallMirrorsAnnotatedValuesEncodedAndOmitsAbsentOnes() {
        JsonNode schema = json("""
                {"properties":{
                  "region":{"type":"string","x-mcp-header":"Region"},
                  "n":{"type":"integer","x-mcp-header":"N"},
                  "flag":{"type":"boolean","x-mcp-header":"Flag"},
                  "tabbed":{"type":"string","x-mcp-header":"Tabbed"},
                  "gone":{"type":"string","x-mcp-header":"Gone"},
                  "nested":{"type":"object","properties":{"deep":{"type":"string","x-mcp-header":"Deep"}}},
                  "plain":{"type":"string"}}}""");
        JsonNode args = json("""
                {"region":"us west 1","n":42,"flag":false,"tabbed":"a\\tb","gone":null,"nested":{"deep":" padded "},"plain":"x"}""");

        assertThat(ToolHeaders.headers(schema, args)).containsExactly(
                java.util.Map.entry("Mcp-Param-Region", "us west 1"),
                java.util.Map.entry("Mcp-Param-N", "42"),
                java.util.Map.entry("Mcp-Param-Flag", "false"),
                java.util.Map.entry("Mcp-Param-Tabbed", "=?base64?YQli?="),
                java.util.Map.entry("Mcp-Param-Deep", "=?base64?IHBhZGRlZCA=?="));
    }

    private static JsonNode json(String text) {
        return Json.MAPPER.readTree(text);
    }
}
