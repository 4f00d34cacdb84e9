package dev.mcpwatch.dashboard;

import dev.mcpwatch.monitor.ApiMonitors;
import dev.mcpwatch.probe.Json;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The add/edit form of a monitor, as the fields a person types: lists as comma-separated text,
 * headers one per line. Turns into a definition in the configuration file's shape and back.
 */
public record MonitorForm(String id, String name, String url, String transport, String protocol, String interval, String timeout,
        String tags, String minTools, String tools, String headers, String runbookUrl, boolean paused) {

    public static MonitorForm blank() {
        return new MonitorForm("", "", "", "streamable-http", "auto", "60s", "", "", "1", "", "", "", false);
    }

    public static MonitorForm from(Context ctx, String fixedId) {
        return new MonitorForm(fixedId != null ? fixedId : v(ctx, "id"), v(ctx, "name"), v(ctx, "url"), v(ctx, "transport"),
                v(ctx, "protocol"), v(ctx, "interval"), v(ctx, "timeout"), v(ctx, "tags"), v(ctx, "min_tools"), v(ctx, "tools"),
                v(ctx, "headers"), v(ctx, "runbook_url"), ctx.formParam("paused") != null);
    }

    /** The form of a stored definition, for editing. */
    public static MonitorForm of(JsonNode d) {
        StringBuilder headers = new StringBuilder();
        for (Map.Entry<String, JsonNode> h : d.path("headers").properties()) {
            headers.append(h.getKey()).append(": ").append(h.getValue().asString()).append('\n');
        }
        return new MonitorForm(d.path("id").asString(""), d.path("name").asString(""), d.path("url").asString(""),
                d.path("transport").asString("streamable-http"), d.path("protocol").asString("auto"), d.path("interval").asString(""),
                d.path("timeout").asString(""), join(d.path("tags")), d.path("expect").path("min_tools").asString(""),
                join(d.path("expect").path("tools")), headers.toString().strip(), d.path("runbook_url").asString(""),
                d.path("paused").asBoolean(false));
    }

    /** The definition this form describes; blank fields are left out, so the defaults apply. */
    public ObjectNode definition() throws ApiMonitors.Invalid {
        ObjectNode d = Json.object();
        d.put("id", id.strip());
        put(d, "name", name);
        put(d, "url", url);
        put(d, "transport", transport);
        put(d, "protocol", protocol);
        put(d, "interval", interval);
        put(d, "timeout", timeout);
        list(d, "tags", tags);
        put(d, "runbook_url", runbookUrl);
        ObjectNode expect = Json.object();
        if (!minTools.isBlank()) {
            expect.put("min_tools", minTools.strip());
        }
        list(expect, "tools", tools);
        if (!expect.isEmpty()) {
            d.set("expect", expect);
        }
        List<String> problems = new ArrayList<>();
        ObjectNode h = Json.object();
        for (String line : headers.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                problems.add("headers: each line must be 'Name: ${VARIABLE}', got '" + line.strip() + "'");
            } else {
                h.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        if (!problems.isEmpty()) {
            throw new ApiMonitors.Invalid(problems);
        }
        if (!h.isEmpty()) {
            d.set("headers", h);
        }
        d.put("paused", paused);
        return d;
    }

    private static void put(ObjectNode d, String key, String value) {
        if (value != null && !value.isBlank()) {
            d.put(key, value.strip());
        }
    }

    private static void list(ObjectNode d, String key, String csv) {
        List<String> items = Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (!items.isEmpty()) {
            ArrayNode a = d.putArray(key);
            items.forEach(a::add);
        }
    }

    private static String join(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return String.join(", ", out);
    }

    private static String v(Context ctx, String name) {
        String s = ctx.formParam(name);
        return s == null ? "" : s;
    }
}
