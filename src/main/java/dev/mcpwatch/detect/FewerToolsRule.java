package dev.mcpwatch.detect;

import dev.mcpwatch.config.Block;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.probe.ToolList;
import dev.mcpwatch.store.SchemaStore;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * P2 — tools/list returns fewer tools than expected. Expected is the schema baseline (the first
 * healthy list, or the last acknowledged one); fewer than {@code expect.min_tools} already fails the
 * probe. A registry connection that is intermittent gives short lists now and then, so the rule
 * counts: it holds when {@code confirm} (3) of the last {@code of} (5) lists were short, and ends
 * after {@code of} complete lists in a row. Acknowledging the shorter list as the new baseline ends
 * it too, once the lists that follow count as complete. Memory: the last {@code of} observations
 * (the start of a probe with a short list, 0 for a complete one).
 *
 * <p>Only lists of probes that passed count: a failed probe is the outage's evidence (an empty list
 * is {@code tools_list_empty}, a list below {@code min_tools} is {@code tools_missing}), and counting
 * it here would turn the outage's recovery into a degradation of its own.
 */
final class FewerToolsRule implements Rule {

    /** {@code detection.fewer_tools} in the configuration. */
    record Settings(boolean enabled, int confirm, int of) implements Rules.Settings {}

    static final Block<Settings> SETTINGS = Block.of("fewer_tools", Settings.class, new Settings(true, 3, 5), """
            {
              "description": "P2: fewer tools than the schema baseline",
              "properties": {
                "confirm": {"$ref": "#/$defs/integer", "minimum": 1, "maximum": 100, "description": "short lists ..."},
                "of": {
                  "$ref": "#/$defs/integer", "minimum": 1, "maximum": 100,
                  "description": "... among the last this many; ends after this many complete lists in a row"
                }
              }
            }
            """).checkedBy((s, at) -> {
                if (s.confirm() > s.of()) {
                    at.at(at.written("confirm") ? "confirm" : "of").problem("confirm (" + s.confirm() + ") must not exceed of (" + s.of() + ")");
                }
            });

    @Override
    public String id() {
        return "tools.fewer";
    }

    @Override
    public Severity severity() {
        return Severity.P2;
    }

    @Override
    public Block<Settings> settings() {
        return SETTINGS;
    }

    @Override
    public Verdict judge(Context ctx, ObjectNode memory, Map<String, Finding> held) throws SQLException {
        ToolList tools = ctx.result().tools();
        if (tools == null || !ctx.result().healthy()) {
            return Verdict.UNCHANGED;
        }
        SchemaStore.Baseline baseline = ctx.stores().schemas().current(ctx.c(), ctx.monitorId());
        if (baseline == null) {
            return Verdict.UNCHANGED;
        }
        Settings s = ctx.settings(SETTINGS);
        boolean isShort = tools.count() < baseline.toolCount();
        ArrayNode recent = memory.has("recent") ? (ArrayNode) memory.get("recent") : memory.putArray("recent");
        recent.add(isShort ? ctx.result().startedAt().toEpochMilli() : 0);
        while (recent.size() > s.of()) {
            recent.remove(0);
        }
        List<Long> shortAt = new ArrayList<>();
        recent.forEach(n -> {
            if (n.asLong() != 0) {
                shortAt.add(n.asLong());
            }
        });
        if (held.containsKey("")) {
            boolean complete = shortAt.isEmpty() && recent.size() >= s.of();
            return complete ? Verdict.nothing(memory) : Verdict.of(memory, held);
        }
        if (shortAt.size() < s.confirm()) {
            return Verdict.of(memory, held);
        }
        JsonNode baselineTools = ctx.stores().toolLists().get(ctx.c(), baseline.toolListId()).tools();
        List<String> missing = new ArrayList<>();
        baselineTools.forEach(t -> {
            String name = t.path("name").asString();
            if (tools.find(name) == null) {
                missing.add(name);
            }
        });
        String sentence = "tools/list returned fewer tools than the baseline's " + baseline.toolCount() + " in " + shortAt.size()
                + " of the last " + recent.size() + " probes (last: " + tools.count() + ")"
                + (missing.isEmpty() ? "" : "; missing " + Words.tools(missing));
        return Verdict.of(memory, Map.of("", Finding.degradation("", shortAt.getFirst(),
                new Failure(Reason.TOOLS_MISSING, Phase.TOOLS_LIST, sentence), shortAt.size())));
    }

    /** Short lists seen but not yet confirmed; or held, and complete lists started to come back. */
    @Override
    public boolean confirming(ObjectNode memory, Map<String, Finding> held, Context ctx) {
        JsonNode recent = memory.path("recent");
        if (recent.isEmpty()) {
            return false;
        }
        if (held.containsKey("")) {
            return recent.get(recent.size() - 1).asLong() == 0;
        }
        for (JsonNode n : recent) {
            if (n.asLong() != 0) {
                return true;
            }
        }
        return false;
    }
}
