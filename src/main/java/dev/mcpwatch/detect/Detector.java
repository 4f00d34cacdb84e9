package dev.mcpwatch.detect;

import dev.mcpwatch.incident.Degradation;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.monitor.Assessment;
import dev.mcpwatch.monitor.Assessor;
import dev.mcpwatch.monitor.MonitorEvent;
import dev.mcpwatch.monitor.MonitorEvents;
import dev.mcpwatch.monitor.RecordedProbe;
import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.probe.ToolCallOutcome;
import dev.mcpwatch.store.DetectionStore;
import dev.mcpwatch.store.Dialect;
import dev.mcpwatch.store.RollupStore;
import dev.mcpwatch.store.SchemaStore;
import dev.mcpwatch.store.ToolCallStore;
import dev.mcpwatch.store.ToolListStore;
import dev.mcpwatch.store.WarningStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs the detection rules on every recorded probe, inside its transaction: keeps each rule's memory
 * and held conditions, raises and clears P3 warnings (stored, and published as
 * {@link MonitorEvent.Warning}), notes P2 conditions starting and ending for the incident's timeline,
 * and tells the recorder which degradation is in force. Also records each health-check call's outcome
 * per tool and hour, the history a tool's error rate is read from.
 *
 * <p>A rule that throws is skipped for that probe and logged: a bug in a rule must never stop results
 * from being recorded.
 */
public final class Detector implements Assessor {
    private static final Logger log = LoggerFactory.getLogger(Detector.class);

    private final List<Rule> rules;
    private final MonitorEvents events;
    private final DetectionStore state = new DetectionStore();
    private final Context.Stores stores;

    public Detector(Dialect dialect, MonitorEvents events) {
        this(dialect, events, Rules.all());
    }

    Detector(Dialect dialect, MonitorEvents events, List<Rule> rules) {
        this.rules = List.copyOf(rules);
        this.events = events;
        this.stores = new Context.Stores(new RollupStore(dialect), new ToolCallStore(), new ToolListStore(), new SchemaStore(),
                new WarningStore());
    }

    @Override
    public Assessment assess(Connection c, RecordedProbe probe) throws SQLException {
        String monitorId = probe.monitor().id();
        long now = probe.finishedAt();
        for (ToolCallOutcome call : probe.result().toolCalls()) {
            if (!call.unanswered()) { // a call that asked for input was not checked: neither a success nor an error
                stores.toolCalls().add(c, monitorId, probe.result().startedAt().toEpochMilli(), call.tool(), call.ok());
            }
        }
        Map<String, DetectionStore.RuleState> stored = state.load(c, monitorId);
        Context ctx = new Context(c, probe, stores);
        List<JsonNode> timeline = new ArrayList<>();
        Map<String, List<Finding>> degradedBy = new LinkedHashMap<>();
        boolean confirming = false;
        for (Rule rule : rules) {
            DetectionStore.RuleState before = stored.get(rule.id());
            Map<String, Finding> held = before == null ? Map.of() : decode(before.held());
            Verdict v = verdict(rule, ctx, before, held);
            Map<String, Finding> current = held;
            if (!v.unchanged()) {
                current = keepOnsets(held, v.held());
                announce(ctx, rule, held, current, timeline);
                JsonNode heldJson = encode(current);
                // Compared as text: numbers read back from the database may be of another node type.
                if (before == null || !before.memory().toString().equals(v.memory().toString())
                        || !before.held().toString().equals(heldJson.toString())) {
                    state.save(c, monitorId, rule.id(), v.memory(), heldJson, now);
                }
            }
            if (rule.severity() == Severity.P2 && !current.isEmpty()) {
                degradedBy.put(rule.id(), new ArrayList<>(new TreeMap<>(current).values()));
            }
            if (rule.enabled(ctx)) {
                JsonNode memory = !v.unchanged() ? v.memory() : before == null ? Json.object() : before.memory();
                confirming |= memory.isObject() && rule.confirming((ObjectNode) memory, current, ctx);
            }
        }
        return new Assessment(degradation(degradedBy), timeline, confirming);
    }

    private Verdict verdict(Rule rule, Context ctx, DetectionStore.RuleState before, Map<String, Finding> held) throws SQLException {
        if (!rule.enabled(ctx)) {
            // A rule switched off lets go of what it held, once; then it costs nothing.
            return held.isEmpty() ? Verdict.UNCHANGED : Verdict.nothing(Json.object());
        }
        ObjectNode memory = before == null || !before.memory().isObject() ? Json.object() : (ObjectNode) before.memory().deepCopy();
        try {
            return rule.judge(ctx, memory, held);
        } catch (RuntimeException e) {
            log.error("detection rule {} failed on monitor {}; skipped for this probe", rule.id(), ctx.monitorId(), e);
            return Verdict.UNCHANGED;
        }
    }

    /** A condition that goes on keeps the onset it had, whatever the rule says now. */
    private static Map<String, Finding> keepOnsets(Map<String, Finding> before, Map<String, Finding> after) {
        Map<String, Finding> out = new TreeMap<>();
        after.forEach((subject, f) -> {
            Finding old = before.get(subject);
            out.put(subject, old == null ? f
                    : new Finding(subject, old.since(), f.message(), f.headline(), f.failingProbes(), f.detail(), f.once()));
        });
        return out;
    }

    /** Warnings raised and cleared (P3), conditions started and ended on the incident's timeline (P2). */
    private void announce(Context ctx, Rule rule, Map<String, Finding> before, Map<String, Finding> after, List<JsonNode> timeline)
            throws SQLException {
        String monitorId = ctx.monitorId();
        long now = ctx.now();
        for (Finding f : after.values()) {
            if (before.containsKey(f.subject())) {
                continue;
            }
            if (rule.severity() == Severity.P2) {
                timeline.add(note(rule, f, "started"));
            } else if (!f.once() || !stores.warnings().everRaised(ctx.c(), monitorId, rule.id(), f.subject())) {
                JsonNode detail = f.detail() == null ? Json.object() : f.detail();
                stores.warnings().raise(ctx.c(), monitorId, rule.id(), f.subject(), rule.severity().wireName(), f.message(), detail, now);
                events.publish(ctx.c(), new MonitorEvent.Warning(monitorId, rule.id(), rule.severity(), f.message(), detail, now));
                log.info("monitor {}: {} warning: {}", monitorId, rule.id(), f.message());
            }
        }
        for (Finding f : before.values()) {
            if (after.containsKey(f.subject())) {
                continue;
            }
            if (rule.severity() == Severity.P2) {
                timeline.add(note(rule, f, "ended"));
            } else {
                stores.warnings().clear(ctx.c(), monitorId, rule.id(), f.subject(), now);
            }
        }
    }

    private static JsonNode note(Rule rule, Finding f, String change) {
        ObjectNode n = Json.object();
        n.put("rule", rule.id());
        n.put("subject", f.subject());
        n.put("change", change);
        n.put("since", f.since());
        n.put("message", f.message());
        return n;
    }

    /** The degradation in force: headed by the first held condition in rule order, since the earliest. */
    private static Degradation degradation(Map<String, List<Finding>> byRule) {
        if (byRule.isEmpty()) {
            return null;
        }
        Finding head = byRule.values().iterator().next().getFirst();
        long since = byRule.values().stream().flatMap(List::stream).mapToLong(Finding::since).min().orElseThrow();
        Set<String> causes = new LinkedHashSet<>(byRule.keySet());
        return new Degradation(Severity.P2, head.headline(), since, head.failingProbes(), List.copyOf(causes));
    }

    // ---- held conditions as stored ----------------------------------------------------------

    static JsonNode encode(Map<String, Finding> held) {
        ObjectNode out = Json.object();
        for (Finding f : new TreeMap<>(held).values()) {
            ObjectNode o = out.putObject(f.subject());
            o.put("since", f.since());
            o.put("message", f.message());
            if (f.headline() != null) {
                o.put("reason", f.headline().reason().wireName());
                o.put("phase", f.headline().phase().wireName());
            }
            if (f.failingProbes() > 0) {
                o.put("failing", f.failingProbes());
            }
            if (f.once()) {
                o.put("once", true);
            }
        }
        return out;
    }

    static Map<String, Finding> decode(JsonNode held) {
        Map<String, Finding> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : held.properties()) {
            JsonNode o = e.getValue();
            String message = o.path("message").asString("");
            Failure headline = o.has("reason") ? new Failure(Reason.fromWireName(o.get("reason").asString()),
                    Phase.fromWireName(o.get("phase").asString()), message) : null;
            out.put(e.getKey(), new Finding(e.getKey(), o.path("since").asLong(), message, headline, o.path("failing").asInt(0), null,
                    o.path("once").asBoolean(false)));
        }
        return out;
    }
}
