package dev.mcpwatch.dashboard;

import dev.mcpwatch.incident.TimelineEvent;
import dev.mcpwatch.web.Fmt;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One incident event as the dashboard shows it: a headline in words, and every field of its detail
 * underneath. Kinds this class does not know (alerting's and detection's, say) still show, headed
 * by their kind, with all their fields: nothing recorded is hidden.
 */
public record TimelineEntry(long at, String kind, String headline, List<Map.Entry<String, String>> fields) {

    public static TimelineEntry of(TimelineEvent e) {
        JsonNode d = e.detail();
        String headline = switch (e.kind()) {
            case "opened" -> "Incident opened (" + s(d, "severity") + "): " + s(d, "reason") + " in " + s(d, "phase");
            case "resolved" -> "Resolved: " + s(d, "resolution");
            case "severity_changed" -> "Severity changed from " + s(d, "from") + " to " + s(d, "to");
            case "acknowledged" -> "Acknowledged" + (d.has("by") ? " by " + s(d, "by") : "");
            case "delivery" -> "Alert delivery" + (d.has("channel") ? " via " + s(d, "channel") : "")
                    + (d.has("outcome") ? ": " + s(d, "outcome") : d.has("status") ? ": " + s(d, "status") : "");
            case "escalated" -> "Escalated" + (d.has("step") ? " to step " + s(d, "step") : "");
            case "status_update" -> "Status update: " + s(d, "status");
            default -> e.kind().replace('_', ' ');
        };
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        if (d != null && d.isObject()) {
            for (Map.Entry<String, JsonNode> f : d.properties()) {
                fields.add(Map.entry(f.getKey(), value(f.getKey(), f.getValue())));
            }
        } else if (d != null && !d.isNull() && !d.isMissingNode()) {
            fields.add(Map.entry("detail", d.toString()));
        }
        return new TimelineEntry(e.at(), e.kind(), headline, fields);
    }

    /** Epoch-millisecond fields ({@code onset_at}, {@code nextAttemptAt}…) as times; everything else as written. */
    private static String value(String key, JsonNode v) {
        if (v.isIntegralNumber() && (key.endsWith("_at") || key.endsWith("At"))) {
            return Fmt.time(v.asLong());
        }
        return v.isValueNode() ? v.asString() : v.toString();
    }

    private static String s(JsonNode d, String field) {
        return d == null ? "?" : d.path(field).asString("?");
    }
}
