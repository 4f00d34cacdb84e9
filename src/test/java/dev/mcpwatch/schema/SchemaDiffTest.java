package dev.mcpwatch.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.schema.SchemaChange.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The schema differ (PRODUCT.md §2): every kind of change between a baseline tool list and a new
 * one, named in plain words and classified breaking or not. Lists are written as a server would send
 * them; each test changes one thing in the weather server below.
 */
class SchemaDiffTest {
    private static final String WEATHER = """
            {"name":"get_weather","description":"Current weather",
             "inputSchema":{"type":"object","properties":{
                 "city":{"type":"string","description":"City name"},
                 "units":{"type":"string","enum":["metric","imperial"]},
                 "options":{"type":"object","properties":{"lang":{"type":"string"}}},
                 "days":{"type":"integer","maximum":7}},
               "required":["city"]},
             "annotations":{"readOnlyHint":true}}""";
    private static final String ALERTS = """
            {"name":"get_alerts","description":"Weather alerts",
             "inputSchema":{"type":"object","properties":{"region":{"type":"string"}},"required":["region"]},
             "outputSchema":{"type":"object","properties":{"alerts":{"type":"array"},"updated":{"type":"string"}},"required":["alerts"]}}""";

    private static List<SchemaChange> diff(String before, String after) {
        return SchemaDiff.between(json("[" + before + "]"), json("[" + after + "]"));
    }

    private static String weather(String from, String to) {
        String changed = WEATHER.replace(from, to);
        assertThat(changed).as("the test's edit applies").isNotEqualTo(WEATHER);
        return changed + "," + ALERTS;
    }

    private static final String BOTH = WEATHER + "," + ALERTS;

    @Test
    void identicalListsHaveNoChangesWhateverTheOrderAndSpelling() {
        assertThat(diff(BOTH, ALERTS + "," + WEATHER.replace("\n", " "))).isEmpty();
    }

    @Test
    void aTypeChangeIsBreakingAndNamedInPlainWords() {
        List<SchemaChange> changes = diff(BOTH, weather("\"city\":{\"type\":\"string\"", "\"city\":{\"type\":\"number\""));

        assertThat(changes).extracting(SchemaChange::kind, SchemaChange::tool, SchemaChange::subject, SchemaChange::from,
                SchemaChange::to, SchemaChange::breaking, SchemaChange::sentence)
                .containsExactly(tuple(Kind.TYPE_CHANGED, "get_weather", "city", "string", "number", true,
                        "parameter `city` of tool `get_weather` changed type from string to number"));
    }

    @Test
    void wideningAParameterTypeIsNotBreakingButNarrowingIs() {
        assertThat(diff(BOTH, weather("\"days\":{\"type\":\"integer\"", "\"days\":{\"type\":\"number\"")))
                .extracting(SchemaChange::sentence, SchemaChange::breaking)
                .containsExactly(tuple("parameter `days` of tool `get_weather` changed type from integer to number", false));
        assertThat(diff(BOTH, weather("\"city\":{\"type\":\"string\"", "\"city\":{\"type\":[\"string\",\"null\"]")))
                .extracting(SchemaChange::breaking).containsExactly(false);
        assertThat(diff(weather("\"city\":{\"type\":\"string\"", "\"city\":{\"type\":[\"string\",\"null\"]"), BOTH))
                .extracting(SchemaChange::sentence, SchemaChange::breaking)
                .containsExactly(tuple("parameter `city` of tool `get_weather` changed type from null or string to string", true));
    }

    @Test
    void toolsAddedRemovedAndRenamed() {
        String renamed = WEATHER.replace("\"get_weather\"", "\"weather_now\"");
        String news = "{\"name\":\"get_news\",\"inputSchema\":{\"type\":\"object\"}}";

        List<SchemaChange> changes = diff(BOTH, renamed + "," + news);

        assertThat(changes).extracting(SchemaChange::kind, SchemaChange::sentence, SchemaChange::breaking).containsExactly(
                tuple(Kind.TOOL_RENAMED, "tool `get_weather` was renamed to `weather_now` (same schema)", true),
                tuple(Kind.TOOL_REMOVED, "tool `get_alerts` was removed", true),
                tuple(Kind.TOOL_ADDED, "tool `get_news` was added", false));
    }

    @Test
    void aRenameNeedsTheSameSchemaOtherwiseItIsARemovalAndAnAddition() {
        String renamedAndChanged = WEATHER.replace("\"get_weather\"", "\"weather_now\"").replace("\"maximum\":7", "\"maximum\":5");

        assertThat(diff(WEATHER, renamedAndChanged)).extracting(SchemaChange::kind)
                .containsExactly(Kind.TOOL_REMOVED, Kind.TOOL_ADDED);
    }

    @Test
    void parametersAddedAndRemovedRequiredOrNot() {
        String added = weather("\"days\":{", "\"station\":{\"type\":\"string\"},\"days\":{").replace("\"required\":[\"city\"]",
                "\"required\":[\"city\",\"station\"]");

        assertThat(diff(BOTH, added)).extracting(SchemaChange::kind, SchemaChange::sentence, SchemaChange::breaking).containsExactly(
                tuple(Kind.PARAMETER_ADDED, "tool `get_weather` has a new required parameter `station`", true));
        assertThat(diff(BOTH, weather("\"days\":{", "\"station\":{\"type\":\"string\"},\"days\":{")))
                .extracting(SchemaChange::sentence, SchemaChange::breaking)
                .containsExactly(tuple("tool `get_weather` has a new optional parameter `station`", false));
        assertThat(diff(BOTH, WEATHER.replaceAll(",\\s*\"days\":\\{[^}]*}", "") + "," + ALERTS))
                .extracting(SchemaChange::kind, SchemaChange::sentence, SchemaChange::breaking)
                .containsExactly(tuple(Kind.PARAMETER_REMOVED, "parameter `days` was removed from tool `get_weather`", true));
    }

    @Test
    void theRequiredSetChangingEitherWay() {
        String unitsRequired = weather("\"required\":[\"city\"]", "\"required\":[\"city\",\"units\"]");
        String cityOptional = weather("\"required\":[\"city\"]", "\"required\":[]");

        assertThat(diff(BOTH, unitsRequired)).extracting(SchemaChange::kind, SchemaChange::sentence, SchemaChange::breaking)
                .containsExactly(tuple(Kind.REQUIRED_CHANGED, "parameter `units` of tool `get_weather` is now required", true));
        assertThat(diff(BOTH, cityOptional)).extracting(SchemaChange::sentence, SchemaChange::breaking)
                .containsExactly(tuple("parameter `city` of tool `get_weather` is no longer required", false));
    }

    @Test
    void enumValuesRemovedBreakValuesAddedDoNot() {
        assertThat(diff(BOTH, weather("[\"metric\",\"imperial\"]", "[\"metric\",\"imperial\",\"kelvin\"]")))
                .extracting(SchemaChange::kind, SchemaChange::sentence, SchemaChange::breaking)
                .containsExactly(tuple(Kind.ENUM_CHANGED, "parameter `units` of tool `get_weather` now also accepts \"kelvin\"", false));
        assertThat(diff(BOTH, weather("[\"metric\",\"imperial\"]", "[\"metric\",\"si\"]")))
                .extracting(SchemaChange::sentence, SchemaChange::breaking)
                .containsExactly(tuple("parameter `units` of tool `get_weather` no longer accepts \"imperial\" and now also accepts \"si\"", true));
    }

    @Test
    void nestedParametersAndOtherKeywordsAreNamedByTheirPath() {
        List<SchemaChange> changes = diff(BOTH, weather("\"lang\":{\"type\":\"string\"}", "\"lang\":{\"type\":\"integer\"}")
                .replace("\"maximum\":7", "\"maximum\":5"));

        assertThat(changes).extracting(SchemaChange::kind, SchemaChange::sentence).containsExactly(
                tuple(Kind.CONSTRAINT_CHANGED, "`maximum` of parameter `days` of tool `get_weather` changed from 7 to 5"),
                tuple(Kind.TYPE_CHANGED, "parameter `options.lang` of tool `get_weather` changed type from string to integer"));
    }

    @Test
    void outputSchemaChangesAreBreakingWhenAClientCouldMissWhatItReads() {
        String fieldGone = ALERTS.replace(",\"updated\":{\"type\":\"string\"}", "");
        String fieldAdded = ALERTS.replace("\"updated\":{\"type\":\"string\"}", "\"updated\":{\"type\":\"string\"},\"source\":{\"type\":\"string\"}");

        assertThat(diff(ALERTS, fieldGone)).extracting(SchemaChange::kind, SchemaChange::sentence, SchemaChange::breaking)
                .containsExactly(tuple(Kind.OUTPUT_SCHEMA_CHANGED, "output field `updated` of tool `get_alerts` was removed", true));
        assertThat(diff(ALERTS, fieldAdded)).extracting(SchemaChange::sentence, SchemaChange::breaking)
                .containsExactly(tuple("tool `get_alerts` has a new output field `source`", false));
        assertThat(diff(ALERTS, ALERTS.replaceAll(",\\s*\"outputSchema\":\\{.*\\}\\}$", "}")))
                .extracting(SchemaChange::sentence, SchemaChange::breaking)
                .containsExactly(tuple("tool `get_alerts` no longer declares an output schema", true));
    }

    @Test
    void annotationsChangesNameTheHint() {
        assertThat(diff(BOTH, weather("\"readOnlyHint\":true", "\"readOnlyHint\":false,\"destructiveHint\":true")))
                .extracting(SchemaChange::kind, SchemaChange::sentence, SchemaChange::breaking).containsExactly(
                        tuple(Kind.ANNOTATIONS_CHANGED, "tool `get_weather` now sets annotation `destructiveHint` to true", false),
                        tuple(Kind.ANNOTATIONS_CHANGED, "annotation `readOnlyHint` of tool `get_weather` changed from true to false", false));
    }

    @Test
    void descriptionOnlyChangesAreWordingNotSchema() {
        Drift drift = Drift.between(json("[" + BOTH + "]"), "1.0.0",
                json("[" + weather("\"Current weather\"", "\"Weather right now\"").replace("\"City name\"", "\"Name of the city\"") + "]"),
                "1.0.0");

        assertThat(drift.changes()).extracting(SchemaChange::kind, SchemaChange::sentence, SchemaChange::breaking).containsExactly(
                tuple(Kind.DESCRIPTION_CHANGED, "description of tool `get_weather` changed", false),
                tuple(Kind.DESCRIPTION_CHANGED, "description of parameter `city` of tool `get_weather` changed", false));
        assertThat(drift.schemaChanged()).isFalse();
        assertThat(drift.unannounced()).as("wording needs no version bump").isFalse();
    }

    @Test
    void aSchemaChangeWithoutAVersionBumpIsCalledOut() {
        JsonNode before = json("[" + BOTH + "]");
        JsonNode after = json("[" + weather("\"city\":{\"type\":\"string\"", "\"city\":{\"type\":\"number\"") + "]");

        Drift same = Drift.between(before, "1.4.0", after, "1.4.0");
        Drift bumped = Drift.between(before, "1.4.0", after, "2.0.0");

        assertThat(same.unannounced()).isTrue();
        assertThat(same.summary()).isEqualTo("1 change to the tool list (1 breaking): parameter `city` of tool `get_weather` changed "
                + "type from string to number [breaking] — the schema changed without a version bump (server still reports version 1.4.0)");
        assertThat(bumped.unannounced()).isFalse();
        assertThat(bumped.summary()).endsWith("[breaking] — server version 1.4.0 → 2.0.0");
    }

    @Test
    void everyFingerprintChangeGetsASentenceEvenInShapesTheWalkDoesNotKnow() {
        String odd = "{\"name\":\"odd\",\"inputSchema\":{\"type\":\"object\",\"properties\":{\"x\":true}}}";
        String changed = "{\"name\":\"odd\",\"inputSchema\":{\"type\":\"object\",\"properties\":{\"x\":false}}}";

        assertThat(diff(odd, changed)).extracting(SchemaChange::kind, SchemaChange::sentence)
                .containsExactly(tuple(Kind.CONSTRAINT_CHANGED, "schema of parameter `x` of tool `odd` changed from true to false"));
    }

    private static JsonNode json(String s) {
        return Json.MAPPER.readTree(s);
    }
}
