package dev.mcpwatch.configfile;

import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.mcpwatch.alert.channel.Channels;
import dev.mcpwatch.config.Binding;
import dev.mcpwatch.config.Block;
import dev.mcpwatch.config.ServerSettings;
import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.config.WebSettings;
import dev.mcpwatch.detect.Rules;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import tools.jackson.databind.JsonNode;

/**
 * The schema is composed of the settings records' own fragments: each lists exactly the keys its
 * record binds, every rule and every channel type of the registries is in it, and the whole is a
 * valid draft 2020-12 schema.
 */
class ConfigSchemaTest {

    @Test
    void everySettingsRecordHasExactlyTheKeysItsSchemaAllows() {
        List<Block<?>> blocks = new ArrayList<>(List.of(ServerSettings.BLOCK, StorageSettings.BLOCK));
        blocks.addAll(Rules.blocks());
        blocks.addAll(Channels.blocks());

        assertThat(blocks).allSatisfy(block -> {
            Set<String> schema = new TreeSet<>();
            block.schema().path("properties").propertyNames().forEach(schema::add);
            if (block.defaults() instanceof Rules.Settings) {
                schema.add("enabled");
            }
            assertThat(keys(block)).as("the keys of %s's record", block.key()).isEqualTo(schema);
        });
        Set<String> web = new TreeSet<>();
        WebSettings.BLOCK.schema().path("properties").propertyNames().forEach(web::add);
        Set<String> bound = keys(WebSettings.BLOCK);
        bound.remove("status_pages");
        assertThat(web).as("status pages are a section of their own").isEqualTo(bound);
    }

    @Test
    void everyRuleAndEveryChannelTypeOfTheRegistriesIsInTheSchema() {
        JsonNode defs = ConfigSchema.json().path("$defs");

        assertThat(defs.path("detection").path("properties").propertyNames())
                .containsExactlyElementsOf(Rules.blocks().stream().map(Block::key).toList());
        assertThat(defs.path("channel").path("properties").path("type").path("enum").valueStream().map(JsonNode::asString).toList())
                .containsExactlyElementsOf(Channels.types());
        assertThat(defs.path("detection").path("properties").path("flapping").path("properties").path("window").path("default").asString())
                .as("defaults are shown to editors, as written").isEqualTo("30m");
    }

    @Test
    void theSchemaIsAValidDraft202012Schema() {
        var metaSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(SchemaLocation.of(ConfigSchema.DIALECT));

        assertThat(metaSchema.validate("{\"type\": \"mapping\"}", InputFormat.JSON)).as("the meta-schema is applied").isNotEmpty();
        assertThat(metaSchema.validate(ConfigSchema.text(), InputFormat.JSON)).isEmpty();
    }

    /** The keys a record binds: every component, by the name the configuration writes it under. */
    private static Set<String> keys(Block<?> block) {
        Object instance = block.defaults() != null ? block.defaults() : Binding.MAPPER.treeToValue(Binding.MAPPER.createObjectNode(), block.type());
        Set<String> keys = new TreeSet<>();
        Binding.tree(instance).propertyNames().forEach(keys::add);
        return keys;
    }
}
