package dev.mcpwatch.configfile;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import dev.mcpwatch.alert.AlertingConfig;
import dev.mcpwatch.canary.CanarySettings;
import dev.mcpwatch.config.Binding;
import dev.mcpwatch.config.Block;
import dev.mcpwatch.config.RemediationSettings;
import dev.mcpwatch.config.ServerSettings;
import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.config.WebSettings;
import dev.mcpwatch.detect.Rules;
import dev.mcpwatch.probe.Era;
import dev.mcpwatch.reliability.SloSettings;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.runbook.RunbookSettings;
import java.util.List;
import java.util.Map;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The configuration's JSON Schema (draft 2020-12), composed of the sections' own fragments: server,
 * storage, the monitor settings and web here, each detection rule's {@link Block} from
 * {@link Rules}, and {@code alerting} (with each channel's block) from {@link AlertingConfig}.
 * {@code mcpwatch config schema} prints it; {@code schema/mcpwatch.schema.json} is that output, so
 * an editor with a YAML language server completes and checks a file that starts with
 * {@code # yaml-language-server: $schema=…}.
 *
 * <p>Besides the standard keywords the schema carries two that editors and mcpwatch read:
 * {@code errorMessage} (what a wrong value must be: "must be a duration like 30s, 5m or 500ms"; VS
 * Code's YAML and JSON support show it) and {@code x-missing} (what to say when a required value,
 * a list that needs items, or an entry is absent or empty). Values of any other type than text also
 * accept a string holding {@code ${VAR}}: the file is checked again once variables are replaced.
 */
public final class ConfigSchema {
    public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

    /** Shared definitions the fragments refer to as {@code #/$defs/NAME}. */
    private static final String SHARED = """
            {
              "text": {"type": "string"},
              "texts": {"type": ["array", "string"], "items": {"$ref": "#/$defs/text"}, "errorMessage": "must be a list of text values"},
              "integer": {"type": ["integer", "string"], "pattern": "[$][{]", "errorMessage": "must be a whole number"},
              "number": {"type": ["number", "string"], "pattern": "[$][{]", "errorMessage": "must be a number"},
              "boolean": {"type": ["boolean", "string"], "pattern": "[$][{]", "errorMessage": "must be true or false"},
              "duration": {
                "type": ["string", "number"], "minimum": 0, "pattern": "^ *[0-9]+([.][0-9]+)? *(ms|s|m|h|d)? *$|[$][{]",
                "errorMessage": "must be a duration like 30s, 5m or 500ms",
                "description": "500ms, 30s, 5m, 2h, 7d, or a number of seconds"
              },
              "share": {
                "type": ["number", "string"], "maximum": 1, "pattern": "^ *[0-9]+([.][0-9]+)? *% *$|[$][{]",
                "errorMessage": "must be a percentage like 25% or a fraction like 0.25"
              },
              "secret": {
                "type": ["string", "null"], "writeOnly": true,
                "x-missing": "is required (write it as ${ENV_VAR} so the secret stays out of the file)",
                "description": "a secret: write it as ${ENV_VAR}; empty (${ENV_VAR:-}) disables what needs it"
              },
              "headers": {
                "type": "object", "errorMessage": "must be a mapping of names to text values",
                "propertyNames": {"pattern": "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", "errorMessage": "is not a valid HTTP header name"},
                "additionalProperties": {"$ref": "#/$defs/text"}
              },
              "variables": {
                "type": "object", "errorMessage": "must be a mapping of names to text values",
                "additionalProperties": {"$ref": "#/$defs/text"}
              },
              "monitor_id": {
                "type": "string", "pattern": "^[a-z0-9][a-z0-9._-]{0,63}$",
                "errorMessage": "must be lower-case letters, digits, '.', '_' or '-' (at most 64), starting with a letter or digit"
              },
              "transport": {"enum": ["streamable-http", "sse", "stdio"], "errorMessage": "must be streamable-http, sse or stdio"},
              "tool_call": {
                "type": "object", "additionalProperties": false, "required": ["tool"],
                "properties": {
                  "tool": {"$ref": "#/$defs/text", "description": "a read-only tool"},
                  "arguments": {"type": "object", "errorMessage": "must be a mapping of argument names to values", "description": "its arguments"},
                  "contains": {"$ref": "#/$defs/text", "description": "the result's text must contain this"},
                  "input_responses": {
                    "type": "object",
                    "errorMessage": "must be a mapping from the server's input request keys to answers (e.g. confirm: {action: accept, content: {confirmed: true}})",
                    "description": "answers for a tool that asks for input, keyed like its input requests",
                    "additionalProperties": {"type": "object", "errorMessage": "must be a mapping (the answer the server asked for)"}
                  }
                }
              },
              "slug": {
                "type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}$",
                "errorMessage": "must be lower-case letters, digits or '-' (at most 63), starting with a letter or digit"
              },
              "status_page": {
                "type": "object", "additionalProperties": false, "required": ["slug", "monitors"],
                "x-missing": "is empty; a status page needs a slug and monitors",
                "properties": {
                  "slug": {"$ref": "#/$defs/slug", "description": "the page is at /status/{slug}"},
                  "title": {"$ref": "#/$defs/text", "description": "the page's heading (default: the slug)"},
                  "description": {"$ref": "#/$defs/text"},
                  "monitors": {
                    "$ref": "#/$defs/texts", "minItems": 1, "x-missing": "must list at least one monitor id",
                    "description": "monitor ids, in the order shown; they may name monitors added from the dashboard"
                  },
                  "critical": {
                    "$ref": "#/$defs/texts",
                    "description": "some of monitors: the page says Major outage when all of these are down, not only when every monitor is"
                  }
                }
              }
            }
            """;

    private static final String ROOT = """
            {
              "title": "mcpwatch configuration",
              "description": "One file, or a folder of them (monitors, status pages and canaries add up; every other section is written once). ${ENV} and ${ENV:-default} are replaced anywhere.",
              "type": "object", "additionalProperties": false,
              "errorMessage": "must be a mapping with server, storage, defaults and monitors"
            }
            """;

    private static final ObjectNode SCHEMA = compose();
    private static final Schema VALIDATOR = validator(SCHEMA);

    private ConfigSchema() {}

    /** The schema, as {@code mcpwatch config schema} prints it. */
    public static String text() {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectNameValueSpacing(Separators.Spacing.AFTER));
        return Binding.MAPPER.writer().with(printer).writeValueAsString(SCHEMA) + "\n";
    }

    static JsonNode json() {
        return SCHEMA;
    }

    /** The errors of one document against the schema, as networknt reports them. */
    static List<Error> validate(JsonNode document) {
        return VALIDATOR.validate(document);
    }

    private static ObjectNode compose() {
        ObjectNode root = Binding.MAPPER.createObjectNode();
        root.put("$schema", DIALECT);
        root.setAll(parse(ROOT));
        ObjectNode defs = parse(SHARED);
        defs.putObject("protocol").put("errorMessage", "must be auto or a known revision (" + String.join(", ", Era.MODERN_REVISIONS)
                + ", " + String.join(", ", Era.LEGACY_REVISIONS) + ")").set("enum", protocols());
        var reasons = Binding.MAPPER.createArrayNode();
        for (Reason r : Reason.values()) {
            reasons.add(r.wireName());
        }
        defs.putObject("reason").put("errorMessage", "must be a failure reason (see the README's table), e.g. connection_refused or timeout")
                .set("enum", reasons);
        defs.set("remediation", hoist(parse(RemediationSettings.SCHEMA), defs));
        defs.set("detection", detection(defs));
        defs.set("auth", hoist(OAuthSettingsReader.schema(), defs));
        defs.set("monitor_settings", hoist(MonitorSettings.settingsSchema(), defs));
        defs.set("monitor", hoist(MonitorSettings.monitorSchema(), defs));

        ObjectNode properties = root.putObject("properties");
        properties.set("server", hoist(ServerSettings.BLOCK.schema(), defs));
        properties.set("storage", hoist(StorageSettings.BLOCK.schema(), defs));
        properties.putObject("defaults").put("$ref", "#/$defs/monitor_settings")
                .put("description", "applied to every monitor; each monitor may override any of these");
        properties.putObject("monitors").put("type", "array").put("errorMessage", "must be a list of monitors")
                .put("description", "the MCP servers to probe").putObject("items").put("$ref", "#/$defs/monitor");
        properties.set("alerting", hoist(AlertingConfig.schema(), defs));
        properties.set("web", hoist(WebSettings.BLOCK.schema(), defs));
        properties.set("runbooks", hoist(RunbookSettings.BLOCK.schema(), defs));
        properties.putObject("status_pages").put("type", "array").put("description", "public status pages, without login, at /status/{slug}")
                .putObject("items").put("$ref", "#/$defs/status_page");
        defs.set("canary", hoist(parse(CanarySettings.SCHEMA), defs));
        ObjectNode canaries = properties.putObject("canaries");
        canaries.putArray("type").add("array").add("null"); // "canaries:" with every item commented out
        canaries.put("errorMessage", "must be a list of canaries")
                .put("description", "continuous canaries: a stable and a canary monitor compared round after round (docs/canary.md)")
                .putObject("items").put("$ref", "#/$defs/canary");
        defs.set("slo", hoist(SloSettings.schema(), defs));
        properties.putObject("slos").put("type", "array").put("errorMessage", "must be a list of SLOs")
                .put("description", "service level objectives with error budgets and burn-rate alerts (docs/reliability.md)")
                .putObject("items").put("$ref", "#/$defs/slo");
        root.set("$defs", defs);
        return root;
    }

    private static JsonNode protocols() {
        var list = Binding.MAPPER.createArrayNode().add("auto");
        Era.MODERN_REVISIONS.forEach(list::add);
        Era.LEGACY_REVISIONS.forEach(list::add);
        return list;
    }

    /** {@code detection:}: one mapping per rule, each with {@code enabled} and the rule's own settings. */
    private static ObjectNode detection(ObjectNode defs) {
        ObjectNode d = Binding.MAPPER.createObjectNode().put("type", "object").put("additionalProperties", false)
                .put("description", "detection rules beyond up/down (docs/detection.md); a monitor overrides only the keys it names");
        ObjectNode properties = d.putObject("properties");
        for (Block<? extends Rules.Settings> block : Rules.blocks()) {
            ObjectNode rule = hoist(block.schema(), defs);
            ObjectNode own = rule.has("properties") ? (ObjectNode) rule.remove("properties") : Binding.MAPPER.createObjectNode();
            rule.put("type", "object").put("additionalProperties", false);
            ObjectNode ruleProperties = rule.putObject("properties");
            ruleProperties.putObject("enabled").put("$ref", "#/$defs/boolean").put("description", "false switches the rule off")
                    .put("default", block.defaults().enabled());
            ruleProperties.setAll(own);
            properties.set(block.key(), rule);
        }
        return d;
    }

    /** A fragment's own {@code $defs} join the shared ones, so that its {@code #/$defs/…} references hold in the whole. */
    static ObjectNode hoist(ObjectNode fragment, ObjectNode defs) {
        ObjectNode copy = fragment.deepCopy();
        JsonNode own = copy.remove("$defs");
        if (own != null) {
            for (Map.Entry<String, JsonNode> e : own.properties()) {
                if (defs.has(e.getKey()) && !defs.get(e.getKey()).equals(e.getValue())) {
                    throw new IllegalStateException("two schema fragments define $defs/" + e.getKey());
                }
                defs.set(e.getKey(), e.getValue());
            }
        }
        return copy;
    }

    static ObjectNode parse(String json) {
        return (ObjectNode) Binding.MAPPER.readTree(json);
    }

    /** The 2020-12 dialect, told that errorMessage and x-missing are annotations rather than unknown keywords. */
    private static Schema validator(JsonNode schema) {
        Dialect dialect = Dialect.builder(Dialects.getDraft202012())
                .keyword(new NonValidationKeyword("errorMessage"))
                .keyword(new NonValidationKeyword("x-missing"))
                .build();
        return SchemaRegistry.withDefaultDialect(dialect).getSchema(schema);
    }
}
