package dev.mcpwatch.configfile;

import dev.mcpwatch.config.Binding;
import dev.mcpwatch.config.Block;
import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.config.RemediationSettings;
import dev.mcpwatch.incident.Quorum;
import dev.mcpwatch.incident.Severity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A monitor as written: the built-in defaults, then {@code defaults:}, then the monitor's own keys,
 * laid over each other and bound here before {@link ConfigLoader} checks what a schema cannot (a
 * timeout not shorter than the interval, a url with the stdio transport) and makes the
 * {@link MonitorConfig}. {@code detection} stays as written: each rule binds its own block.
 */
record MonitorSettings(String id, String name, String url, List<String> command, String transport, String protocol,
        Map<String, String> headers, Duration interval, Duration timeout, Duration initializeTimeout, Duration retryInterval,
        Thresholds thresholds, Expect expect, List<String> tags, String runbookUrl, List<String> locations, Tls tls,
        Map<String, String> env, String cwd, boolean paused, boolean allowInsecureRedirect, JsonNode detection, JsonNode auth,
        RemediationSettings remediation, int quorum, Severity regionalSeverity) {

    record Thresholds(int failure, int success) {}

    /** {@code call} is the one-tool spelling of {@code calls}. */
    record Expect(int minTools, List<String> tools, ToolCall call, List<ToolCall> calls) {}

    record ToolCall(String tool, JsonNode arguments, String contains, JsonNode inputResponses) {}

    record Tls(String caFile) {}

    /** What a monitor is when neither it nor {@code defaults:} says otherwise. An unset timeout follows the interval. */
    static final MonitorSettings BUILT_IN = new MonitorSettings(null, null, null, List.of(), "streamable-http", "auto", Map.of(),
            Duration.ofSeconds(60), null, Duration.ofSeconds(10), Duration.ofSeconds(10), new Thresholds(3, 2),
            new Expect(1, List.of(), null, null), List.of(), null, List.of(), new Tls(null), Map.of(), null, false, false, null, null, null, Quorum.DEFAULT, Quorum.REGIONAL_SEVERITY);

    private static final String SETTINGS = """
            {
              "type": "object", "additionalProperties": false,
              "properties": {
                "transport": {"$ref": "#/$defs/transport", "description": "streamable-http, sse (the deprecated HTTP+SSE) or stdio"},
                "protocol": {
                  "$ref": "#/$defs/protocol",
                  "description": "auto detects the protocol era once and remembers it; or pin a revision"
                },
                "headers": {
                  "$ref": "#/$defs/headers",
                  "description": "sent with every request; values are never shown or stored (write secrets as ${ENV_VAR})"
                },
                "interval": {"$ref": "#/$defs/duration", "description": "how often to probe (at least 10s); monitors are spread over it"},
                "timeout": {
                  "$ref": "#/$defs/duration",
                  "description": "deadline for a whole probe, shorter than the interval; unset, it is 30s or half the interval, whichever is shorter"
                },
                "initialize_timeout": {"$ref": "#/$defs/duration", "description": "deadline for initialize or server/discover, and each later step"},
                "retry_interval": {
                  "$ref": "#/$defs/duration",
                  "description": "after a failure, re-probe this often (at least 1s) until confirmed down or recovered"
                },
                "thresholds": {
                  "type": "object", "additionalProperties": false,
                  "properties": {
                    "failure": {
                      "$ref": "#/$defs/integer", "minimum": 1, "maximum": 100,
                      "description": "failures in a row that confirm an outage (opens an incident)"
                    },
                    "success": {"$ref": "#/$defs/integer", "minimum": 1, "maximum": 100, "description": "successes in a row that resolve it"}
                  }
                },
                "expect": {
                  "type": "object", "additionalProperties": false,
                  "properties": {
                    "min_tools": {
                      "$ref": "#/$defs/integer", "minimum": 0, "maximum": 100000,
                      "description": "fewer tools than this fails the probe (tools_missing); 0 accepts servers without tools"
                    },
                    "tools": {"$ref": "#/$defs/texts", "description": "tools that must each be listed (tools_missing)"},
                    "call": {
                      "$ref": "#/$defs/tool_call",
                      "description": "a read-only health tool, called on every probe; its failure fails the probe"
                    },
                    "calls": {
                      "type": "array", "items": {"$ref": "#/$defs/tool_call"},
                      "description": "several health tools, instead of call: each is called on every probe"
                    }
                  }
                },
                "tags": {"$ref": "#/$defs/texts", "description": "for routing alerts and maintenance windows; a list replaces the defaults' list"},
                "runbook_url": {"$ref": "#/$defs/text", "description": "an http(s) URL, linked from alerts and pages"},
                "locations": {"$ref": "#/$defs/texts"},
                "quorum": {
                  "$ref": "#/$defs/integer", "minimum": 1, "maximum": 100,
                  "description": "locations that must confirm an outage (P1); fewer failing is a regional degradation (P2); all live locations when fewer are live"
                },
                "regional_severity": {
                  "enum": ["P2", "P3"], "errorMessage": "must be P2 or P3: one location failing alone is never a P1 page (set quorum: 1 to page on any one location)",
                  "description": "the severity of a regional degradation (fewer than quorum locations failing)"
                },
                "tls": {
                  "type": "object", "additionalProperties": false,
                  "properties": {
                    "ca_file": {"$ref": "#/$defs/text", "description": "also trust these CAs (PEM); the system store always counts"}
                  }
                },
                "env": {"$ref": "#/$defs/variables", "description": "stdio: added to mcpwatch's environment for the command"},
                "cwd": {"$ref": "#/$defs/text", "description": "stdio: the command's working directory"},
                "allow_insecure_redirect": {
                  "$ref": "#/$defs/boolean",
                  "description": "true follows a redirect from https to cleartext http (with a warning); false fails the probe with insecure_redirect"
                },
                "paused": {"$ref": "#/$defs/boolean", "description": "true keeps the monitor and its history but stops probing"},
                "detection": {"$ref": "#/$defs/detection"},
                "remediation": {"$ref": "#/$defs/remediation"}
              }
            }
            """;

    private static final String OWN = """
            {
              "id": {"$ref": "#/$defs/monitor_id", "description": "lower-case letters, digits, . _ -; unique; used in URLs"},
              "name": {"$ref": "#/$defs/text", "description": "shown on pages; defaults to the id"},
              "url": {
                "$ref": "#/$defs/text",
                "description": "the MCP endpoint, an http:// or https:// URL (streamable-http and sse transports)"
              },
              "command": {"$ref": "#/$defs/texts", "description": "stdio: the program and its arguments, spawned for each probe"},
              "auth": {"$ref": "#/$defs/auth"}
            }
            """;

    /** The keys {@code defaults:} and every monitor share. */
    static ObjectNode settingsSchema() {
        ObjectNode schema = ConfigSchema.parse(SETTINGS);
        Block.annotateDefaults(schema, Binding.tree(BUILT_IN));
        return schema;
    }

    /** A monitor: the shared keys and its own. */
    static ObjectNode monitorSchema() {
        ObjectNode schema = settingsSchema();
        ObjectNode properties = ConfigSchema.parse(OWN);
        properties.setAll((ObjectNode) schema.get("properties"));
        schema.set("properties", properties);
        schema.putArray("required").add("id");
        schema.put("x-missing", "is empty; a monitor needs at least an id and a url");
        return schema;
    }
}
