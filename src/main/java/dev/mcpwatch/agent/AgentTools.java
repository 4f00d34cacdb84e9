package dev.mcpwatch.agent;

import static dev.mcpwatch.agent.Schemas.anyObject;
import static dev.mcpwatch.agent.Schemas.array;
import static dev.mcpwatch.agent.Schemas.nullable;
import static dev.mcpwatch.agent.Schemas.object;
import static dev.mcpwatch.agent.Schemas.oneOf;
import static dev.mcpwatch.agent.Schemas.type;

import dev.mcpwatch.auth.AuthService;
import dev.mcpwatch.detect.DetectionRoutes;
import dev.mcpwatch.monitor.IncidentRoutes;
import dev.mcpwatch.monitor.Incidents;
import dev.mcpwatch.monitor.MonitorRoutes;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.reliability.ReliabilityRoutes;
import dev.mcpwatch.status.StatusUpdateRoutes;
import dev.mcpwatch.store.MonitorStore;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The tools mcpwatch offers agents. Each answers with the same figures as the JSON API, through the
 * very methods the API's routes call; only the shape of a monitor is trimmed (no stored
 * configuration). Read tools are annotated read-only; the two write tools are refused to read-only
 * tokens and to anyone before a password exists.
 */
final class AgentTools {
    private static final List<String> STATES = List.of("unknown", "up", "suspect", "down", "auth-walled");

    private final MonitorRoutes monitors;
    private final IncidentRoutes incidents;
    private final DetectionRoutes detection;
    private final ReliabilityRoutes reliability;
    private final Incidents lifecycle;
    private final StatusUpdateRoutes statusUpdates;
    private final List<AgentTool> all;

    AgentTools(MonitorRoutes monitors, IncidentRoutes incidents, DetectionRoutes detection, ReliabilityRoutes reliability,
            Incidents lifecycle, StatusUpdateRoutes statusUpdates) {
        this.monitors = monitors;
        this.incidents = incidents;
        this.detection = detection;
        this.reliability = reliability;
        this.lifecycle = lifecycle;
        this.statusUpdates = statusUpdates;
        this.all = List.of(listMonitors(), getMonitor(), listIncidents(), getIncident(), getToolDrift(), getReliability(),
                acknowledgeIncident(), postStatusUpdate());
    }

    List<AgentTool> all() {
        return all;
    }

    AgentTool find(String name) {
        return all.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }

    /** What a call came to: the structured result, or a sentence saying why there is none. */
    record Outcome(Map<String, Object> result, String error) {}

    /** Calls tool {@code name} for {@code caller}; the write tools only for a caller who may write. */
    Outcome call(String name, Map<String, Object> arguments, AuthService.Principal caller) {
        AgentTool tool = find(name);
        if (tool == null) {
            return new Outcome(null, "no tool '" + name + "'; tools/list names them");
        }
        if (tool.writes() && (caller == null || caller.readOnly())) {
            return new Outcome(null, caller != null && "open".equals(caller.via())
                    ? name + " changes something: set a password, create an API token and send it as Authorization: Bearer"
                    : name + " changes something, and this API token is read-only");
        }
        try {
            return new Outcome(plain(tool.handler().call(new Arguments(arguments), caller)), null);
        } catch (IllegalArgumentException | NoSuchElementException | IllegalStateException e) {
            return new Outcome(null, e.getMessage());
        } catch (SQLException e) {
            return new Outcome(null, "the database is unavailable; try again shortly");
        }
    }

    /** The result as plain JSON values (maps, lists, strings, numbers), written as the API writes it. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> plain(Object value) {
        return Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(value), Map.class);
    }

    // ---- the tools ------------------------------------------------------------------------------

    private AgentTool listMonitors() {
        var input = object(List.of(),
                "state", oneOf("Only monitors in this state.", STATES),
                "tag", type("string", "Only monitors with this tag."),
                "text", type("string", "Only monitors whose id, name or target contains this text."),
                "limit", type("integer", "At most this many (1 to 500, default 100)."),
                "cursor", type("string", "next_cursor of the previous page."));
        var output = object(List.of("items", "next_cursor"), "items", array(monitorSchema()), "next_cursor", nullable("string"));
        return new AgentTool("list_monitors", "List monitors",
                "The monitors mcpwatch watches, with each one's state (up, suspect, down, auth-walled, unknown), last result and latency. "
                        + "Filter by state, tag or text; paged with cursor.",
                input, output, false, (args, who) -> {
                    var page = monitors.list(args.oneOf("state", STATES), args.text("tag"), args.text("text"), args.text("cursor"),
                            args.limit(100));
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("items", ((List<?>) page.get("items")).stream().map(r -> summary((MonitorStore.MonitorRow) r)).toList());
                    out.put("next_cursor", page.get("next_cursor"));
                    return out;
                });
    }

    private AgentTool getMonitor() {
        var input = object(List.of("id"), "id", type("string", "The monitor's id."));
        var failure = object(List.of("layer", "reason", "phase", "message"), "layer", nullable("string"), "reason", nullable("string"),
                "phase", nullable("string"), "message", nullable("string"));
        var output = object(List.of("monitor", "lastFailure", "windows"), "monitor", monitorSchema(), "lastFailure", nullable(failure),
                "windows", type("object", "Per window (24h, 7d, 30d, 90d): probes, failures, uptime (0..1), latencyMs p50/p95/p99/mean, "
                        + "failuresByReason."));
        return new AgentTool("get_monitor", "Get a monitor",
                "One monitor: its state, the last failure (layer, reason, phase, message) if the last probe failed, the last probe's "
                        + "latency, and uptime and latency quantiles over 24 hours, 7, 30 and 90 days.",
                input, output, false, (args, who) -> {
                    var row = monitors.monitor(args.requiredText("id"));
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("monitor", summary(row));
                    out.put("lastFailure", Boolean.FALSE.equals(row.lastHealthy()) ? failure(row) : null);
                    out.put("windows", monitors.stats(row.id()).get("windows"));
                    return out;
                });
    }

    private AgentTool listIncidents() {
        var input = object(List.of(),
                "monitor", type("string", "Only this monitor's incidents."),
                "status", oneOf("Only open or only resolved incidents.", List.of("open", "resolved")),
                "limit", type("integer", "At most this many (1 to 500, default 50)."),
                "cursor", type("string", "next_cursor of the previous page."));
        var output = object(List.of("items", "next_cursor"), "items", array(incidentSchema()), "next_cursor", nullable("string"));
        return new AgentTool("list_incidents", "List incidents",
                "Incidents newest first, of every monitor or one: severity, what failed (reason, layer, phase), when it began, was "
                        + "detected, acknowledged and resolved, MTTD and MTTR.",
                input, output, false, (args, who) -> incidents.list(args.text("monitor"), args.oneOf("status", List.of("open", "resolved")),
                        args.text("cursor"), args.limit(50)));
    }

    private AgentTool getIncident() {
        var input = object(List.of("id"), "id", type("integer", "The incident's id."));
        Map<String, Object> output = new LinkedHashMap<>(incidentSchema());
        @SuppressWarnings("unchecked")
        Map<String, Object> props = new LinkedHashMap<>((Map<String, Object>) output.get("properties"));
        props.put("timeline", array(object(List.of("at", "kind"), "id", type("integer", null), "at", type("integer", "Epoch milliseconds."),
                "kind", type("string", null), "detail", anyObject())));
        output.put("properties", props);
        output.put("required", List.of("id", "monitorId", "status", "timeline"));
        return new AgentTool("get_incident", "Get an incident",
                "One incident with its whole timeline (opened, severity changes, acknowledgement, status updates, resolution).",
                input, output, false, (args, who) -> incidents.incident(args.requiredNumber("id")));
    }

    private AgentTool getToolDrift() {
        var input = object(List.of("monitor"), "monitor", type("string", "The monitor's id."));
        var output = object(List.of("monitor", "drifted"), "monitor", type("string", null),
                "baseline", nullable(anyObject()), "current", nullable(anyObject()),
                "drifted", type("boolean", "Whether the tools served now differ from the acknowledged baseline."),
                "drift", nullable(type("object", "summary, breaking count, version change and every change tool by tool.")),
                "acknowledgements", array(anyObject()), "drifts", array(anyObject()));
        return new AgentTool("get_tool_drift", "Get a monitor's tool drift",
                "How the tool list a monitored MCP server serves has drifted from its acknowledged baseline: added, removed and "
                        + "changed tools (breaking or not), the server version before and after, and recent drifts.",
                input, output, false, (args, who) -> detection.drift(args.requiredText("monitor")));
    }

    private AgentTool getReliability() {
        var input = object(List.of(),
                "monitor", type("string", "Only this monitor."),
                "tag", type("string", "Only monitors with this tag."),
                "from", type("integer", "Start, epoch milliseconds (default: 13 months back)."),
                "to", type("integer", "End, epoch milliseconds (default: now)."),
                "group", oneOf("Per month (default) or one span.", List.of("month", "none")));
        var output = object(List.of("scope", "group", "periods"), "scope", type("string", null), "monitor", nullable("string"),
                "tag", nullable("string"), "group", type("string", null), "generatedAt", type("string", null),
                "periods", array(type("object", "A period's availability, incidents, MTTD, MTTR and the change from the one before.")));
        return new AgentTool("get_reliability", "Get the reliability summary",
                "The reliability record: availability, incident count, MTTD and MTTR per month (or one span), for all monitors, a "
                        + "monitor or a tag.",
                input, output, false, (args, who) -> plain(reliability.summary(args.number("from"), args.number("to"),
                        args.oneOf("group", List.of("month", "none")), args.text("monitor"), args.text("tag"), false)));
    }

    private AgentTool acknowledgeIncident() {
        var input = object(List.of("id"), "id", type("integer", "The incident's id."),
                "by", type("string", "Who acknowledges (default: the token's name)."));
        var output = object(List.of("id", "outcome", "status"), "id", type("integer", null),
                "outcome", oneOf(null, List.of("acknowledged", "already_acknowledged")), "acknowledgedAt", nullable("integer"),
                "status", type("string", null));
        return new AgentTool("acknowledge_incident", "Acknowledge an incident",
                "Acknowledges an open incident, which stops its escalation. Needs an API token allowed to write.",
                input, output, true, (args, who) -> {
                    long id = args.requiredNumber("id");
                    String by = args.text("by");
                    Incidents.Ack ack = lifecycle.acknowledge(id, by == null ? who.user() : by, "mcp");
                    if (ack.outcome() == Incidents.AckOutcome.RESOLVED) {
                        throw new IllegalStateException("incident " + id + " is resolved; there is nothing to acknowledge");
                    }
                    return ack.answer();
                });
    }

    private AgentTool postStatusUpdate() {
        var states = List.of("investigating", "identified", "monitoring", "resolved");
        var input = object(List.of("incident", "status", "message"), "incident", type("integer", "The incident's id."),
                "status", oneOf("Where the work stands.", states), "message", type("string", "What the public status page says."));
        var output = object(List.of("id", "at", "status", "message"), "id", type("integer", null), "at", type("integer", null),
                "status", type("string", null), "message", type("string", null), "author", type("string", null),
                "automatic", type("boolean", null));
        return new AgentTool("post_status_update", "Post a status update",
                "Posts a public update on an incident, shown on the status pages. Needs an API token allowed to write.",
                input, output, true, (args, who) -> statusUpdates.post(args.requiredNumber("incident"), args.requiredText("status"),
                        args.requiredText("message"), who.user()));
    }

    // ---- shapes ---------------------------------------------------------------------------------

    private static Map<String, Object> summary(MonitorStore.MonitorRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("name", r.name());
        m.put("transport", r.transport());
        m.put("target", r.target());
        m.put("tags", r.tags());
        m.put("paused", r.paused());
        m.put("state", r.status());
        m.put("lastProbeAt", r.lastProbeAt());
        m.put("lastHealthy", r.lastHealthy());
        m.put("lastLatencyMs", r.lastTotalMs());
        m.put("lastReason", r.lastReason());
        m.put("openIncidentId", r.openIncidentId());
        m.put("era", r.era());
        m.put("protocolVersion", r.protocolVersion());
        m.put("serverName", r.serverName());
        m.put("serverVersion", r.serverVersion());
        return m;
    }

    private static Map<String, Object> failure(MonitorStore.MonitorRow r) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("layer", r.lastLayer());
        f.put("reason", r.lastReason());
        f.put("phase", r.lastPhase());
        f.put("message", r.lastMessage());
        return f;
    }

    private static Map<String, Object> monitorSchema() {
        return object(List.of("id", "name", "state", "paused"),
                "id", type("string", null), "name", type("string", null), "transport", type("string", null),
                "target", type("string", null), "tags", array(type("string", null)), "paused", type("boolean", null),
                "state", oneOf(null, STATES), "lastProbeAt", nullable("integer"), "lastHealthy", nullable("boolean"),
                "lastLatencyMs", nullable("number"), "lastReason", nullable("string"), "openIncidentId", nullable("integer"),
                "era", nullable("string"), "protocolVersion", nullable("string"), "serverName", nullable("string"),
                "serverVersion", nullable("string"));
    }

    private static Map<String, Object> incidentSchema() {
        return object(List.of("id", "monitorId", "status"),
                "id", type("integer", null), "monitorId", type("string", null), "status", oneOf(null, List.of("open", "resolved")),
                "severity", nullable("string"), "currentSeverity", nullable("string"), "reason", nullable("string"),
                "layer", nullable("string"), "phase", nullable("string"), "message", nullable("string"),
                "onsetAt", nullable("integer"), "detectedAt", nullable("integer"), "notifiedAt", nullable("integer"),
                "acknowledgedAt", nullable("integer"), "resolvedAt", nullable("integer"), "resolution", nullable("string"),
                "failingProbes", nullable("integer"), "mttdMs", nullable("integer"), "mttrMs", nullable("integer"));
    }
}
