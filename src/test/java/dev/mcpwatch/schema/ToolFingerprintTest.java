package dev.mcpwatch.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.mcpwatch.probe.Json;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Tool fingerprints (PRODUCT.md §1): the same definition always hashes the same, whatever its
 * spelling; a schema change always changes the hash; wording is fingerprinted apart. Tools are
 * parsed with the probe's own mapper, as they are when they come from a server.
 */
class ToolFingerprintTest {
    private static final String SEARCH = """
            {"name":"search","title":"Search","description":"Search the docs",
             "inputSchema":{"type":"object","properties":{"query":{"type":"string"},"limit":{"type":"integer","minimum":1}},"required":["query"]},
             "annotations":{"readOnlyHint":true}}""";

    @Test
    void keyOrderAndWhitespaceDoNotChangeTheFingerprint() {
        JsonNode compact = json(SEARCH);
        JsonNode reordered = json("""
                {
                  "annotations" : { "readOnlyHint" : true },
                  "inputSchema" : {
                    "required" : [ "query" ],
                    "properties" : {
                      "limit" : { "minimum" : 1, "type" : "integer" },
                      "query" : { "type" : "string" }
                    },
                    "type" : "object"
                  },
                  "description" : "Search the docs",
                  "title" : "Search",
                  "name" : "search"
                }
                """);

        assertThat(ToolFingerprint.of(reordered)).isEqualTo(ToolFingerprint.of(compact)).matches("[0-9a-f]{64}");
        assertThat(CanonicalJson.write(reordered)).isEqualTo(CanonicalJson.write(compact)).isEqualTo(
                "{\"annotations\":{\"readOnlyHint\":true},\"description\":\"Search the docs\",\"inputSchema\":{\"properties\":"
                        + "{\"limit\":{\"minimum\":1,\"type\":\"integer\"},\"query\":{\"type\":\"string\"}},\"required\":[\"query\"],"
                        + "\"type\":\"object\"},\"name\":\"search\",\"title\":\"Search\"}");
    }

    @Test
    void descriptionOrTitleChangeKeepsTheSchemaFingerprintButChangesTheWordingFingerprint() {
        JsonNode before = json(SEARCH);
        JsonNode reworded = json(SEARCH.replace("\"Search the docs\"", "\"Full-text search over the documentation\"")
                .replace("\"title\":\"Search\"", "\"title\":\"Find\""));

        assertThat(ToolFingerprint.of(reworded)).isEqualTo(ToolFingerprint.of(before));
        assertThat(ToolFingerprint.ofWording(List.of(reworded))).isNotEqualTo(ToolFingerprint.ofWording(List.of(before)));
    }

    @Test
    void parameterTypeChangeChangesTheFingerprint() {
        JsonNode before = json(SEARCH);
        JsonNode retyped = json(SEARCH.replace("\"limit\":{\"type\":\"integer\"", "\"limit\":{\"type\":\"string\""));

        assertThat(ToolFingerprint.of(retyped)).isNotEqualTo(ToolFingerprint.of(before));
        assertThat(ToolFingerprint.ofWording(List.of(retyped))).isEqualTo(ToolFingerprint.ofWording(List.of(before)));
    }

    @Test
    void requiredParametersAnnotationsAndOutputSchemaAllCount() {
        String print = ToolFingerprint.of(json(SEARCH));

        assertThat(ToolFingerprint.of(json(SEARCH.replace("\"required\":[\"query\"]", "\"required\":[\"query\",\"limit\"]"))))
                .isNotEqualTo(print);
        assertThat(ToolFingerprint.of(json(SEARCH.replace("\"readOnlyHint\":true", "\"readOnlyHint\":false"))))
                .isNotEqualTo(print);
        assertThat(ToolFingerprint.of(json(SEARCH.replace("\"annotations\"", "\"outputSchema\":{\"type\":\"object\"},\"annotations\""))))
                .isNotEqualTo(print);
    }

    @Test
    void listFingerprintDoesNotDependOnToolOrder() {
        JsonNode search = json(SEARCH);
        JsonNode echo = json("{\"name\":\"echo\",\"description\":\"Echoes\",\"inputSchema\":{\"type\":\"object\"}}");
        String a = ToolFingerprint.of(search);
        String b = ToolFingerprint.of(echo);

        assertThat(ToolFingerprint.ofList(List.of(a, b))).isEqualTo(ToolFingerprint.ofList(List.of(b, a)))
                .isNotEqualTo(ToolFingerprint.ofList(List.of(a)));
        assertThat(ToolFingerprint.ofWording(List.of(search, echo))).isEqualTo(ToolFingerprint.ofWording(List.of(echo, search)));
    }

    @Test
    void oneAndOnePointZeroCanonicalizeTheSame() {
        JsonNode decimal = json("{\"name\":\"n\",\"inputSchema\":{\"minimum\":1.0,\"maximum\":1e2,\"multipleOf\":0.50,\"default\":-0.0}}");
        JsonNode integer = json("{\"name\":\"n\",\"inputSchema\":{\"minimum\":1,\"maximum\":100,\"multipleOf\":0.5,\"default\":0}}");

        assertThat(CanonicalJson.write(decimal)).isEqualTo(CanonicalJson.write(integer))
                .isEqualTo("{\"inputSchema\":{\"default\":0,\"maximum\":100,\"minimum\":1,\"multipleOf\":0.5},\"name\":\"n\"}");
        assertThat(ToolFingerprint.of(decimal)).isEqualTo(ToolFingerprint.of(integer));
    }

    @Test
    void hugeExponentDoesNotBlowUp() {
        JsonNode huge = json("{\"name\":\"n\",\"inputSchema\":{\"type\":\"number\",\"maximum\":1e999999,\"multipleOf\":1E-999999}}");
        JsonNode lessHuge = json("{\"name\":\"n\",\"inputSchema\":{\"type\":\"number\",\"maximum\":1e999998,\"multipleOf\":1E-999999}}");

        String canonical = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> CanonicalJson.write(huge));
        String print = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> ToolFingerprint.of(huge));

        assertThat(canonical).isEqualTo("{\"inputSchema\":{\"maximum\":1E+999999,\"multipleOf\":1E-999999,\"type\":\"number\"},\"name\":\"n\"}");
        assertThat(print).matches("[0-9a-f]{64}").isNotEqualTo(ToolFingerprint.of(lessHuge));
    }

    @Test
    void jsonSchema2020KeywordsAreKeptAsWrittenAndCountNoRefIsFollowed() {
        String withRefs = """
                {"name":"lookup","inputSchema":{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
                 "$defs":{"id":{"$anchor":"uid","type":"string","pattern":"^[a-z0-9-]+$"}},
                 "properties":{"id":{"$ref":"#/$defs/id"},"profile":{"$ref":"https://schemas.example.com/profile.json"}},
                 "allOf":[{"if":{"required":["id"]},"then":{"properties":{"id":{"minLength":1}}}}],"additionalProperties":false}}""";
        JsonNode tool = json(withRefs);

        String canonical = CanonicalJson.write(tool);

        assertThat(canonical).contains("\"$schema\":\"https://json-schema.org/draft/2020-12/schema\"")
                .contains("\"$defs\":{\"id\":{\"$anchor\":\"uid\",\"pattern\":\"^[a-z0-9-]+$\",\"type\":\"string\"}}")
                .contains("\"$ref\":\"#/$defs/id\"").contains("\"$ref\":\"https://schemas.example.com/profile.json\"")
                .contains("\"additionalProperties\":false").contains("\"if\":{\"required\":[\"id\"]}");
        // Each keyword is part of the fingerprint: changing only $schema, a $defs entry or a $ref target is a schema change.
        String print = ToolFingerprint.of(tool);
        assertThat(ToolFingerprint.of(json(withRefs.replace("2020-12", "2019-09")))).isNotEqualTo(print);
        assertThat(ToolFingerprint.of(json(withRefs.replace("^[a-z0-9-]+$", "^[a-z]+$")))).isNotEqualTo(print);
        assertThat(ToolFingerprint.of(json(withRefs.replace("profile.json", "profile-v2.json")))).isNotEqualTo(print);
    }

    @Test
    void aFingerprintIsTheSha256OfTheCanonicalTextOfTheSignificantFieldsSoStoredOnesStayValid() {
        // Fingerprints are stored and compared across versions: this text and hash must never change.
        assertThat(ToolFingerprint.of(json(SEARCH))).isEqualTo("cabf7e3d2d306e6a20c8730016dd7e621b26adfdfcb85fafc141a7d5d6b6b95d");
        assertThat(ToolFingerprint.wording(json(SEARCH))).isEqualTo("{\"description\":\"Search the docs\",\"name\":\"search\",\"title\":\"Search\"}");
        JsonNode odd = json("""
                {"name":"odd","title":42,"description":null,"outputSchema":null,"inputSchema":{"b":1.50,"a":[true,null]},"extra":1}""");
        assertThat(ToolFingerprint.wording(odd)).as("null fields are left out, other types kept").isEqualTo("{\"name\":\"odd\",\"title\":42}");
        assertThat(ToolFingerprint.of(odd)).isEqualTo(ToolFingerprint.sha256("{\"inputSchema\":{\"a\":[true,null],\"b\":1.5},\"name\":\"odd\"}"));
    }

    private static JsonNode json(String text) {
        return Json.MAPPER.readTree(text);
    }
}
