package dev.mcpwatch.detect;

import dev.mcpwatch.config.Block;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.ToolList;
import dev.mcpwatch.schema.Drift;
import dev.mcpwatch.store.SchemaStore;
import java.sql.SQLException;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * P3 — schema drift. The first healthy tool list of a monitor becomes its baseline; every later
 * list (a new fingerprint, of the schema or of the wording) is diffed against the baseline, stored as
 * a drift with its changes, and warned about once per (baseline, list): each change in words,
 * breaking or not, and a schema change without a server version bump called out. The warning clears
 * when the server is back on the baseline or an operator acknowledges the list as the new baseline
 * ({@link DriftAcknowledgement}). Judges only when the list or the baseline changed, and only lists
 * of probes that passed: the empty list of a {@code tools_list_empty} probe is an outage, not drift.
 */
final class SchemaDriftRule implements Rule {

    /** {@code detection.drift} in the configuration. */
    record Settings(boolean enabled) implements Rules.Settings {}

    static final Block<Settings> SETTINGS = Block.of("drift", Settings.class, new Settings(true), """
            {
              "description": "P3: the tool list differs from the acknowledged baseline (acknowledge with mcpwatch drift ack MONITOR); false stops the warnings, the baseline is still kept (fewer_tools compares with it)"
            }
            """);
    static final String ID = "drift.detected";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Severity severity() {
        return Severity.P3;
    }

    @Override
    public Block<Settings> settings() {
        return SETTINGS;
    }

    /** Always runs: with drift switched off it still keeps the baseline, which {@code tools.fewer} compares with, and warns of nothing. */
    @Override
    public boolean enabled(Context ctx) {
        return true;
    }

    @Override
    public Verdict judge(Context ctx, ObjectNode memory, Map<String, Finding> held) throws SQLException {
        ToolList tools = ctx.result().tools();
        Long listId = ctx.probe().toolListId();
        if (tools == null || listId == null || !ctx.result().healthy()) {
            return Verdict.UNCHANGED;
        }
        boolean warns = ctx.settings(SETTINGS).enabled();
        if (memory.path("list").asLong(-1) == listId && memory.has("baseline") && memory.path("warns").asBoolean(true) == warns) {
            // Same list against the same baseline: the baseline only changes here or by an
            // acknowledgement, which empties this memory.
            return Verdict.UNCHANGED;
        }
        memory.put("warns", warns);
        SchemaStore schemas = ctx.stores().schemas();
        String version = ctx.result().server() == null ? null : ctx.result().server().version();
        SchemaStore.Baseline baseline = schemas.current(ctx.c(), ctx.monitorId());
        if (baseline == null) {
            long id = schemas.setBaseline(ctx.c(), ctx.monitorId(), listId, version, ctx.now(), "first healthy list", null);
            memory.put("list", listId).put("baseline", id);
            return Verdict.nothing(memory);
        }
        memory.put("list", listId).put("baseline", baseline.id());
        if (listId == baseline.toolListId() || !warns) {
            return Verdict.nothing(memory);
        }
        JsonNode baselineTools = ctx.stores().toolLists().get(ctx.c(), baseline.toolListId()).tools();
        JsonNode currentTools = ctx.stores().toolLists().get(ctx.c(), listId).tools();
        Drift drift = Drift.between(baselineTools, baseline.serverVersion(), currentTools, version);
        if (drift.isEmpty()) {
            return Verdict.nothing(memory);
        }
        JsonNode changes = Json.MAPPER.valueToTree(drift.changes());
        long driftId = schemas.recordDrift(ctx.c(), ctx.monitorId(), baseline.id(), listId, version, ctx.now(), changes,
                (int) drift.breakingCount(), drift.unannounced(), drift.summary());
        ObjectNode detail = Json.object();
        detail.put("drift_id", driftId);
        detail.put("baseline_id", baseline.id());
        detail.put("baseline_tool_list_id", baseline.toolListId());
        detail.put("baseline_fingerprint", baseline.fingerprint());
        detail.put("baseline_server_version", baseline.serverVersion());
        detail.put("tool_list_id", listId);
        detail.put("fingerprint", tools.fingerprint());
        detail.put("server_version", version);
        detail.put("version_bumped", drift.versionBumped());
        detail.put("unannounced", drift.unannounced());
        detail.put("breaking", drift.breakingCount());
        detail.set("changes", changes);
        String subject = "list " + listId + " against baseline " + baseline.id();
        String message = "Schema drift: " + drift.summary();
        return Verdict.of(memory, Map.of(subject, Finding.warning(subject, ctx.now(), message, detail).givenOnce()));
    }
}
