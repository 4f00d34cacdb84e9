package dev.mcpwatch.testkit;

import dev.mcpwatch.probe.Json;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A legacy-era (2025-11-25) streamable HTTP MCP server written by hand, whose every step can be
 * replaced: a test swaps in exactly the misbehaviour it is about and keeps the rest correct.
 * Defaults: initialize answers with tools capability and serverInfo, tools/list lists two tools,
 * tools/call answers "ok", server/discover gets the 400 a legacy SDK server sends.
 */
public final class ScriptedMcp implements FixtureServer.Handler {

    /** Answers one JSON-RPC message (or, under "DELETE" and "GET", that HTTP method). */
    @FunctionalInterface
    public interface Step {
        void answer(FixtureServer.Request http, JsonNode message) throws Exception;
    }

    private final Map<String, Step> steps = new HashMap<>();

    private ScriptedMcp() {
        on("initialize", (http, msg) -> http.json(200, result(msg, initializeResult("2025-11-25"))));
        on("notifications/initialized", (http, msg) -> http.empty(202));
        on("tools/list", reply(toolsResult(tool("echo", "message"), tool("health"))));
        on("tools/call", reply(textResult("ok")));
        on("server/discover", raw(400, "application/json",
                "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"Bad Request: Server not initialized\"},\"id\":null}"));
        on("DELETE", (http, msg) -> http.empty(200));
        on("GET", (http, msg) -> http.empty(405));
    }

    public static ScriptedMcp legacy() {
        return new ScriptedMcp();
    }

    public ScriptedMcp on(String method, Step step) {
        steps.put(method, step);
        return this;
    }

    @Override
    public void handle(FixtureServer.Request http) throws Exception {
        if (!http.method().equals("POST")) {
            Step step = steps.get(http.method());
            if (step == null) {
                http.empty(405);
            } else {
                step.answer(http, null);
            }
            return;
        }
        JsonNode msg = http.json();
        if (msg == null || !msg.isObject()) {
            http.respond(400, "application/json", "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"Parse error\"},\"id\":null}");
            return;
        }
        String method = msg.has("method") ? msg.get("method").stringValue() : "response";
        Step step = steps.get(method);
        if (step == null) {
            http.json(200, error(msg, -32601, "Method not found: " + method));
            return;
        }
        step.answer(http, msg);
    }

    // ---- building answers -------------------------------------------------------------------

    public static ObjectNode initializeResult(String version) {
        ObjectNode r = Json.object();
        r.put("protocolVersion", version);
        r.putObject("capabilities").putObject("tools");
        ObjectNode info = r.putObject("serverInfo");
        info.put("name", "scripted");
        info.put("version", "1.0.0");
        return r;
    }

    public static ObjectNode tool(String name, String... requiredStringParams) {
        ObjectNode t = Json.object();
        t.put("name", name);
        t.put("description", "The " + name + " tool");
        ObjectNode schema = t.putObject("inputSchema");
        schema.put("type", "object");
        ObjectNode props = schema.putObject("properties");
        ArrayNode required = schema.putArray("required");
        for (String p : requiredStringParams) {
            props.putObject(p).put("type", "string");
            required.add(p);
        }
        t.putObject("annotations").put("readOnlyHint", true);
        return t;
    }

    public static ObjectNode toolsResult(ObjectNode... tools) {
        ObjectNode r = Json.object();
        ArrayNode list = r.putArray("tools");
        for (ObjectNode t : tools) {
            list.add(t);
        }
        return r;
    }

    public static ObjectNode textResult(String text) {
        ObjectNode r = Json.object();
        r.putArray("content").addObject().put("type", "text").put("text", text);
        return r;
    }

    public static ObjectNode result(JsonNode request, ObjectNode result) {
        ObjectNode msg = Json.object();
        msg.put("jsonrpc", "2.0");
        msg.set("id", request.get("id"));
        msg.set("result", result);
        return msg;
    }

    public static ObjectNode error(JsonNode request, int code, String message) {
        ObjectNode msg = Json.object();
        msg.put("jsonrpc", "2.0");
        msg.set("id", request == null ? null : request.get("id"));
        msg.putObject("error").put("code", code).put("message", message);
        return msg;
    }

    /** Answers with a JSON result. */
    public static Step reply(ObjectNode result) {
        return (http, msg) -> http.json(200, result(msg, result));
    }

    /** Answers over SSE: a priming event (empty data), a notification, then the result. */
    public static Step replySse(ObjectNode result) {
        return (http, msg) -> {
            try (OutputStream out = http.stream(200, "text/event-stream")) {
                out.write("id: prime-1\ndata: \n\n".getBytes(StandardCharsets.UTF_8));
                out.write(("event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\","
                        + "\"params\":{\"level\":\"info\",\"data\":\"working\"}}\n\n").getBytes(StandardCharsets.UTF_8));
                out.write(("event: message\nid: 2\ndata: " + Json.MAPPER.writeValueAsString(result(msg, result)) + "\n\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    /** Answers with a JSON-RPC error. */
    public static Step error(int code, String message) {
        return (http, msg) -> http.json(200, error(msg, code, message));
    }

    /** Answers with whatever HTTP response is given. */
    public static Step raw(int status, String contentType, String body) {
        return (http, msg) -> http.respond(status, contentType, body);
    }
}
