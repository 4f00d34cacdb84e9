package dev.mcpwatch.probe;

import dev.mcpwatch.schema.ToolFingerprint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The MCP steps of a probe, in the order an agent takes them, over any {@link McpChannel}: open the
 * conversation (legacy {@code initialize}, modern {@code server/discover}, or detect which),
 * list the tools across pages, call the health-check tools. Each step checks what came back and
 * throws the failure it means.
 */
final class Conversation {
    private final ProbeSpec spec;
    private final Recorder rec;
    private final McpChannel channel;
    private final boolean stdio;
    private long nextId = 1;
    private JsonNode capabilities;

    Conversation(ProbeSpec spec, Recorder rec, McpChannel channel) {
        this.spec = spec;
        this.rec = rec;
        this.channel = channel;
        this.stdio = spec.transport() == Transport.STDIO;
    }

    /**
     * Opens the conversation in {@code era}, or detects the era when it is null: a modern
     * {@code server/discover} first, and the legacy handshake when the answer is not a modern one.
     */
    RequestShape open(Era era) {
        if (era == Era.LEGACY) {
            return initialize(spec.revision() != null ? spec.revision() : Era.LEGACY.latestRevision(), false);
        }
        RequestShape modern = discover(era == null);
        return modern != null ? modern : initialize(Era.LEGACY.latestRevision(), true);
    }

    // ---- legacy era -------------------------------------------------------------------------

    private RequestShape initialize(String revision, boolean detected) {
        ObjectNode params = Json.object();
        params.put("protocolVersion", revision);
        params.putObject("capabilities");
        params.set("clientInfo", Prober.clientInfo());
        JsonRpc.RpcReply reply = channel.call(Phase.INITIALIZE, JsonRpc.request(nextId++, "initialize", params), Map.of(),
                spec.timeouts().initialize());
        if (reply.isError()) {
            JsonRpc.RpcError e = reply.error();
            if (e.code() == JsonRpc.UNSUPPORTED_PROTOCOL_VERSION || e.message().toLowerCase(Locale.ROOT).contains("protocol version")) {
                throw new ProbeFailure(Reason.PROTOCOL_VERSION_UNSUPPORTED, Phase.INITIALIZE, "Server refused protocol version "
                        + revision + ": " + e.describe() + supportedList(e), reply.httpStatus());
            }
            throw new ProbeFailure(Reason.INITIALIZE_ERROR, Phase.INITIALIZE, "initialize failed: " + e.describe()
                    + (reply.httpStatus() >= 400 ? " (HTTP " + reply.httpStatus() + ")" : ""), reply.httpStatus());
        }
        JsonNode result = reply.result();
        List<String> missing = new ArrayList<>();
        if (!result.path("protocolVersion").isString()) {
            missing.add("protocolVersion");
        }
        if (!result.path("serverInfo").isObject() || !result.path("serverInfo").path("name").isString()) {
            missing.add("serverInfo");
        }
        if (!result.path("capabilities").isObject()) {
            missing.add("capabilities");
        }
        if (!missing.isEmpty()) {
            throw new ProbeFailure(Reason.INITIALIZE_INCOMPLETE, Phase.INITIALIZE, "initialize result lacks "
                    + String.join(", ", missing));
        }
        String negotiated = result.get("protocolVersion").stringValue();
        rec.protocolVersion(negotiated);
        rec.era(Era.LEGACY, detected);
        serverInfo(result.get("serverInfo"), result.get("capabilities"));
        if (Era.ofRevision(negotiated) != Era.LEGACY) {
            throw new ProbeFailure(Reason.PROTOCOL_VERSION_UNSUPPORTED, Phase.INITIALIZE, "Server chose protocol version "
                    + Text.clip(negotiated, 40) + "; mcpwatch speaks " + String.join(", ", Era.LEGACY_REVISIONS) + " in the initialize handshake");
        }
        RequestShape dialect = new RequestShape.Legacy(negotiated);
        channel.notify(Phase.INITIALIZED, JsonRpc.notification("notifications/initialized"),
                dialect.headers("notifications/initialized", null, Map.of()), spec.timeouts().step());
        return dialect;
    }

    // ---- modern era -------------------------------------------------------------------------

    /**
     * Sends {@code server/discover}. When {@code detecting}, an answer that is not a recognized
     * modern one (any other error status or JSON-RPC error, no {@code supportedVersions}, and on
     * stdio silence) means a legacy server: returns null so the caller falls back to initialize.
     */
    private RequestShape discover(boolean detecting) {
        RequestShape.Modern modern = new RequestShape.Modern(Era.MODERN.latestRevision());
        ObjectNode request = JsonRpc.request(nextId++, "server/discover", modern.params(Json.object()));
        Duration limit = spec.timeouts().initialize();
        if (detecting && stdio) {
            // A legacy stdio server may ignore an unknown method entirely; do not wait long for it.
            limit = min(limit, Duration.ofSeconds(3));
        }
        JsonRpc.RpcReply reply;
        try {
            reply = channel.call(Phase.DISCOVER, request, modern.headers("server/discover", null, Map.of()), limit);
        } catch (ProbeFailure f) {
            boolean legacySignal = (f.reason() == Reason.HTTP_ERROR && Set.of(400, 404, 405).contains(f.httpStatus()))
                    || (stdio && f.reason() == Reason.TIMEOUT);
            if (detecting && legacySignal) {
                return null;
            }
            if (legacySignal) {
                throw new ProbeFailure(Reason.PROTOCOL_VERSION_UNSUPPORTED, Phase.DISCOVER, "Server does not speak "
                        + modern.version() + ": " + f.failure().message(), f.httpStatus());
            }
            throw f;
        }
        if (reply.isError()) {
            JsonRpc.RpcError e = reply.error();
            if (e.code() == JsonRpc.UNSUPPORTED_PROTOCOL_VERSION) {
                if (detecting && supported(e).stream().anyMatch(v -> Era.ofRevision(v) == Era.LEGACY)) {
                    return null;
                }
                throw new ProbeFailure(Reason.PROTOCOL_VERSION_UNSUPPORTED, Phase.DISCOVER, "Server does not support "
                        + modern.version() + supportedList(e), reply.httpStatus());
            }
            if (JsonRpc.MODERN_ERRORS.contains(e.code())) {
                throw new ProbeFailure(Reason.INITIALIZE_ERROR, Phase.DISCOVER, "server/discover failed: " + e.describe(), reply.httpStatus());
            }
            if (detecting) {
                return null;
            }
            throw new ProbeFailure(Reason.PROTOCOL_VERSION_UNSUPPORTED, Phase.DISCOVER, "Server does not speak "
                    + modern.version() + ": server/discover answered " + e.describe(), reply.httpStatus());
        }
        JsonNode result = reply.result();
        List<String> versions = strings(result.path("supportedVersions"));
        if (!versions.contains(modern.version())) {
            if (detecting && (versions.isEmpty() || versions.stream().anyMatch(v -> Era.ofRevision(v) == Era.LEGACY))) {
                return null;
            }
            throw new ProbeFailure(Reason.PROTOCOL_VERSION_UNSUPPORTED, Phase.DISCOVER, "server/discover lists versions "
                    + versions + ", not " + modern.version());
        }
        if (!result.path("capabilities").isObject()) {
            throw new ProbeFailure(Reason.INITIALIZE_INCOMPLETE, Phase.DISCOVER, "server/discover result lacks capabilities");
        }
        rec.protocolVersion(modern.version());
        rec.era(Era.MODERN, detecting);
        JsonNode info = result.path("_meta").path("io.modelcontextprotocol/serverInfo");
        if (!info.isObject()) {
            rec.warn("server/discover result carries no serverInfo in _meta");
        }
        serverInfo(info, result.get("capabilities"));
        return modern;
    }

    // ---- tools ------------------------------------------------------------------------------

    /** Lists every tool across pages and checks the list against the expectations. */
    ToolList listTools(RequestShape dialect) {
        ProbeSpec.Expectations expect = spec.expect();
        if (!capabilities.has("tools")) {
            if (expect.minTools() > 0 || !expect.requiredTools().isEmpty()) {
                throw new ProbeFailure(Reason.TOOLS_LIST_EMPTY, Phase.TOOLS_LIST, "Server declares no tools capability; expected at least "
                        + Math.max(1, expect.minTools()) + " tool" + (Math.max(1, expect.minTools()) == 1 ? "" : "s"));
            }
            return null;
        }
        List<JsonNode> tools = new ArrayList<>();
        Set<String> cursors = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            if (++pages > spec.limits().maxPages()) {
                throw new ProbeFailure(Reason.TOOLS_LIST_ERROR, Phase.TOOLS_LIST, "tools/list kept paginating past "
                        + spec.limits().maxPages() + " pages");
            }
            ObjectNode params = Json.object();
            if (cursor != null) {
                params.put("cursor", cursor);
            }
            JsonRpc.RpcReply reply = channel.call(Phase.TOOLS_LIST, JsonRpc.request(nextId++, "tools/list", dialect.params(params)),
                    dialect.headers("tools/list", null, Map.of()), spec.timeouts().step());
            if (reply.isError()) {
                throw new ProbeFailure(Reason.TOOLS_LIST_ERROR, Phase.TOOLS_LIST, "tools/list failed: " + reply.error().describe(),
                        reply.httpStatus());
            }
            JsonNode page = reply.result().get("tools");
            if (page == null || !page.isArray()) {
                throw new ProbeFailure(Reason.TOOLS_LIST_ERROR, Phase.TOOLS_LIST, "tools/list result has no tools array");
            }
            for (JsonNode tool : page) {
                if (!tool.isObject() || !tool.path("name").isString()) {
                    throw new ProbeFailure(Reason.TOOLS_LIST_ERROR, Phase.TOOLS_LIST, "tools/list returned a tool without a name");
                }
                tools.add(tool);
            }
            JsonNode next = reply.result().get("nextCursor");
            cursor = next != null && next.isString() && !next.stringValue().isEmpty() ? next.stringValue() : null;
            if (cursor != null && !cursors.add(cursor)) {
                throw new ProbeFailure(Reason.TOOLS_LIST_ERROR, Phase.TOOLS_LIST, "tools/list returned cursor '"
                        + Text.clip(cursor, 40) + "' twice");
            }
        } while (cursor != null);

        ToolList list = snapshot(tools, pages);
        rec.tools(list);
        checkExpectations(list);
        return list;
    }

    private void checkExpectations(ToolList list) {
        ProbeSpec.Expectations expect = spec.expect();
        if (list.count() == 0 && expect.minTools() > 0) {
            throw new ProbeFailure(Reason.TOOLS_LIST_EMPTY, Phase.TOOLS_LIST, "tools/list returned 0 tools, expected at least "
                    + expect.minTools());
        }
        if (list.count() < expect.minTools()) {
            throw new ProbeFailure(Reason.TOOLS_MISSING, Phase.TOOLS_LIST, "tools/list returned " + list.count()
                    + " tools, expected at least " + expect.minTools());
        }
        List<String> absent = expect.requiredTools().stream().filter(n -> list.find(n) == null).sorted().toList();
        if (!absent.isEmpty()) {
            throw new ProbeFailure(Reason.TOOLS_MISSING, Phase.TOOLS_LIST, "Expected tool" + (absent.size() == 1 ? " " : "s ")
                    + String.join(", ", absent.stream().map(n -> "`" + n + "`").toList()) + (absent.size() == 1 ? " is" : " are")
                    + " missing (server lists " + list.count() + " tools)");
        }
    }

    private static ToolList snapshot(List<JsonNode> tools, int pages) {
        List<ToolSnapshot> snaps = new ArrayList<>(tools.size());
        List<String> prints = new ArrayList<>(tools.size());
        for (JsonNode tool : tools) {
            String print = ToolFingerprint.of(tool);
            prints.add(print);
            snaps.add(new ToolSnapshot(tool.get("name").stringValue(), tool.path("title").stringValue(null),
                    tool.path("description").stringValue(null), print, tool));
        }
        return new ToolList(tools.size(), pages, ToolFingerprint.ofList(prints), ToolFingerprint.ofWording(tools), snaps);
    }

    /**
     * Calls every configured health-check tool in order. One call's failure is the probe's, as it
     * always was. With several, a call that fails does not stop the others: the probe fails only when
     * all of them fail (nothing an agent needs works), and when some succeed it stays healthy with
     * each outcome recorded, so detection can tell a degraded server from a down one.
     */
    void callTools(RequestShape dialect, ToolList tools) {
        List<ProbeSpec.ToolCall> calls = spec.toolCalls();
        if (calls.size() == 1) {
            callTool(dialect, tools, calls.getFirst());
            return;
        }
        List<String> failed = new ArrayList<>();
        ProbeFailure first = null;
        for (ProbeSpec.ToolCall call : calls) {
            int outcomes = rec.toolCallCount();
            try {
                callTool(dialect, tools, call);
            } catch (ProbeFailure f) {
                if (rec.toolCallCount() == outcomes) {
                    rec.toolCall(new ToolCallOutcome(call.name(), false, false, Text.clip(f.failure().message(), 500), null));
                }
                failed.add("`" + call.name() + "`: " + Text.clip(f.failure().message(), 120));
                first = first == null ? f : first;
            }
        }
        if (first != null && failed.size() == calls.size()) {
            throw new ProbeFailure(first.reason(), first.failure().phase(), "All " + calls.size() + " health-check tools failed: "
                    + String.join("; ", failed), first.httpStatus());
        }
        for (String f : failed) {
            rec.warn("health-check tool " + f);
        }
    }

    /** Calls one health-check tool and checks its result. */
    private void callTool(RequestShape dialect, ToolList tools, ProbeSpec.ToolCall call) {
        ToolSnapshot tool = tools == null ? null : tools.find(call.name());
        if (tools != null && tool == null) {
            throw new ProbeFailure(Reason.TOOLS_MISSING, Phase.TOOL_CALL, "Health-check tool `" + call.name()
                    + "` is not listed (server lists " + tools.count() + " tools)");
        }
        if (tool != null && !tool.definition().path("annotations").path("readOnlyHint").asBoolean(false)) {
            rec.warn("health-check tool `" + call.name() + "` is not annotated readOnlyHint; it is called on every probe");
        }
        ObjectNode args = call.arguments() == null ? Json.object() : (ObjectNode) call.arguments().deepCopy();
        ObjectNode params = Json.object();
        params.put("name", call.name());
        params.set("arguments", args);
        Map<String, String> paramHeaders = tool == null ? Map.of() : paramHeaders(tool.definition().path("inputSchema"), args);
        JsonRpc.RpcReply reply = channel.call(Phase.TOOL_CALL, JsonRpc.request(nextId++, "tools/call", dialect.params(params)),
                dialect.headers("tools/call", call.name(), paramHeaders), spec.timeouts().step());
        if (reply.isError()) {
            rec.toolCall(new ToolCallOutcome(call.name(), false, false, reply.error().describe(), null));
            throw new ProbeFailure(Reason.TOOL_CALL_ERROR, Phase.TOOL_CALL, "tools/call `" + call.name() + "` failed: "
                    + reply.error().describe(), reply.httpStatus());
        }
        JsonNode result = reply.result();
        if ("input_required".equals(result.path("resultType").stringValue(null))) {
            rec.toolCall(new ToolCallOutcome(call.name(), false, false, null, null));
            throw new ProbeFailure(Reason.TOOL_CALL_ERROR, Phase.TOOL_CALL, "Tool `" + call.name()
                    + "` asked for input (input_required); a health-check tool must answer without it");
        }
        String text = resultText(result);
        boolean isError = result.path("isError").asBoolean(false);
        if (isError) {
            rec.toolCall(new ToolCallOutcome(call.name(), false, true, Text.clip(text, 500), null));
            throw new ProbeFailure(Reason.TOOL_CALL_ERROR, Phase.TOOL_CALL, "Tool `" + call.name() + "` returned isError: "
                    + Text.clip(text, 200));
        }
        Boolean passed = call.expectContains() == null ? null : text.contains(call.expectContains());
        rec.toolCall(new ToolCallOutcome(call.name(), !Boolean.FALSE.equals(passed), false, Text.clip(text, 500), passed));
        if (Boolean.FALSE.equals(passed)) {
            throw new ProbeFailure(Reason.TOOL_CALL_ASSERTION_FAILED, Phase.TOOL_CALL, "Tool `" + call.name()
                    + "` result does not contain '" + Text.clip(call.expectContains(), 60) + "' (got: '" + Text.clip(text, 120) + "')");
        }
    }

    /** The text of a tool result: its text content items, then its structured content as JSON. */
    private static String resultText(JsonNode result) {
        StringBuilder text = new StringBuilder();
        for (JsonNode item : result.path("content")) {
            if ("text".equals(item.path("type").stringValue(null))) {
                if (!text.isEmpty()) {
                    text.append('\n');
                }
                text.append(item.path("text").stringValue(""));
            }
        }
        JsonNode structured = result.get("structuredContent");
        if (structured != null && !structured.isNull()) {
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(structured.toString());
        }
        return text.toString();
    }

    /**
     * {@code Mcp-Param-*} headers for a modern tools/call: the argument values whose schema
     * properties carry {@code x-mcp-header}, reached through {@code properties} keys only.
     */
    static Map<String, String> paramHeaders(JsonNode schema, JsonNode args) {
        Map<String, String> out = new LinkedHashMap<>();
        collectParamHeaders(schema, args, out, 0);
        return out;
    }

    private static void collectParamHeaders(JsonNode schema, JsonNode args, Map<String, String> out, int depth) {
        if (depth > 16 || !schema.path("properties").isObject() || args == null || !args.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> prop : schema.get("properties").properties()) {
            JsonNode value = args.get(prop.getKey());
            String header = prop.getValue().path("x-mcp-header").stringValue(null);
            if (header != null && value != null && !value.isNull()) {
                if (value.isString()) {
                    out.put("Mcp-Param-" + header, RequestShape.headerValue(value.stringValue()));
                } else if (value.isIntegralNumber() || value.isBoolean()) {
                    out.put("Mcp-Param-" + header, value.asString());
                }
            }
            collectParamHeaders(prop.getValue(), value, out, depth + 1);
        }
    }

    // ---- shared -----------------------------------------------------------------------------

    private void serverInfo(JsonNode info, JsonNode caps) {
        capabilities = caps;
        ServerInfo server = info != null && info.isObject()
                ? new ServerInfo(clip(info.path("name").stringValue(null)), clip(info.path("title").stringValue(null)),
                        clip(info.path("version").stringValue(null)))
                : null;
        rec.server(server, caps);
    }

    private static String clip(String s) {
        return s == null ? null : Text.clip(s, 200);
    }

    private static List<String> supported(JsonRpc.RpcError e) {
        return e.data() == null ? List.of() : strings(e.data().path("supported"));
    }

    private static String supportedList(JsonRpc.RpcError e) {
        List<String> s = supported(e);
        return s.isEmpty() ? "" : " (server supports " + String.join(", ", s.stream().map(v -> Text.clip(v, 20)).toList()) + ")";
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array.isArray()) {
            for (JsonNode n : array) {
                if (n.isString()) {
                    out.add(n.stringValue());
                }
            }
        }
        return out;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
