package dev.mcpwatch.probe;

import dev.mcpwatch.schema.SchemaValidation;
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
import tools.jackson.databind.node.POJONode;

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
    /** Listed tools a streamable HTTP client must reject (invalid x-mcp-header), by name, with why. */
    private final Map<String, String> rejected = new LinkedHashMap<>();

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
        boolean detecting = era == null;
        Opening opening = discover(Era.MODERN.latestRevision(), detecting, true);
        return opening.dialect() != null ? opening.dialect() : initialize(opening.legacyRevision(), true);
    }

    /**
     * How {@code server/discover} came out: a modern dialect, or (when detecting) the legacy revision
     * to open with instead, the best one the server named or else the newest mcpwatch speaks.
     */
    private record Opening(RequestShape dialect, String legacyRevision) {
        static Opening legacy(String revision) {
            return new Opening(null, revision == null ? Era.LEGACY.latestRevision() : revision);
        }
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
     * Sends {@code server/discover} at {@code version}. When {@code detecting}, an answer that is not
     * a recognized modern one (any other error status or JSON-RPC error, no {@code supportedVersions},
     * and on stdio silence) means a legacy server, and the legacy handshake follows. An
     * {@code UnsupportedProtocolVersionError} (-32022) names the versions the server supports: the
     * probe retries once with the best one both sides speak (2026-07-28 §Versioning), and goes to the
     * legacy handshake only when that best version is a legacy one.
     */
    private Opening discover(String version, boolean detecting, boolean mayRetry) {
        RequestShape.Modern modern = new RequestShape.Modern(version);
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
                return Opening.legacy(null);
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
                return versionRejected(modern.version(), e, reply.httpStatus(), detecting, mayRetry);
            }
            if (JsonRpc.MODERN_ERRORS.contains(e.code())) {
                throw new ProbeFailure(Reason.INITIALIZE_ERROR, Phase.DISCOVER, "server/discover failed: " + e.describe(), reply.httpStatus());
            }
            if (detecting) {
                return Opening.legacy(null);
            }
            throw new ProbeFailure(Reason.PROTOCOL_VERSION_UNSUPPORTED, Phase.DISCOVER, "Server does not speak "
                    + modern.version() + ": server/discover answered " + e.describe(), reply.httpStatus());
        }
        JsonNode result = reply.result();
        List<String> versions = strings(result.path("supportedVersions"));
        if (!versions.contains(modern.version())) {
            if (detecting && (versions.isEmpty() || versions.stream().anyMatch(v -> Era.ofRevision(v) == Era.LEGACY))) {
                return Opening.legacy(bestOf(versions, Era.LEGACY));
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
        if (!info.isObject() && result.path("serverInfo").isObject()) {
            info = result.get("serverInfo");
            rec.warn("server/discover result carries serverInfo at the top level, not in _meta (io.modelcontextprotocol/serverInfo)");
        } else if (!info.isObject()) {
            rec.warn("server/discover result carries no serverInfo in _meta");
        }
        serverInfo(info, result.get("capabilities"));
        return new Opening(modern, null);
    }

    /**
     * The server refused {@code asked} with -32022. Retries once with the best version both sides
     * speak; a legacy best means the legacy handshake (when detecting). A second refusal of a version
     * the server itself listed is the server's fault, and the message says so.
     */
    private Opening versionRejected(String asked, JsonRpc.RpcError e, int httpStatus, boolean detecting, boolean mayRetry) {
        List<String> supported = supported(e);
        String modern = bestOf(supported, Era.MODERN);
        String legacy = bestOf(supported, Era.LEGACY);
        if (modern != null && mayRetry) {
            if (!modern.equals(asked)) {
                rec.warn("server refused protocol version " + asked + "; retried with " + modern);
            }
            return discover(modern, detecting, false);
        }
        if (modern != null) {
            throw new ProbeFailure(Reason.PROTOCOL_VERSION_UNSUPPORTED, Phase.DISCOVER, "Server refused protocol version " + asked
                    + " again after naming " + modern + " as supported" + supportedList(e) + "; its version check is inconsistent",
                    httpStatus);
        }
        if (legacy != null && detecting) {
            return Opening.legacy(legacy);
        }
        String ours = String.join(", ", Era.MODERN_REVISIONS);
        if (legacy != null) {
            throw new ProbeFailure(Reason.PROTOCOL_VERSION_UNSUPPORTED, Phase.DISCOVER, "Server does not support " + asked
                    + supportedList(e) + "; it speaks only legacy revisions: pin one (protocol: " + legacy
                    + ") or let mcpwatch detect the era", httpStatus);
        }
        throw new ProbeFailure(Reason.PROTOCOL_VERSION_UNSUPPORTED, Phase.DISCOVER, "Server does not support " + asked
                + (supported.isEmpty() ? " and names no version it supports" : supportedList(e) + ", none of which mcpwatch speaks ("
                + ours + ", " + String.join(", ", Era.LEGACY_REVISIONS) + ")"), httpStatus);
    }

    /** The newest revision of {@code era} that mcpwatch speaks and {@code offered} contains, or null. */
    private static String bestOf(List<String> offered, Era era) {
        List<String> ours = era == Era.MODERN ? Era.MODERN_REVISIONS : Era.LEGACY_REVISIONS;
        return ours.stream().filter(offered::contains).findFirst().orElse(null);
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
        List<ToolSnapshot> tools = new ArrayList<>();
        List<String> wording = new ArrayList<>();
        long toolBytes = 0;
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
                // The transports hand tools over already compact (JsonFeed); a tree is made compact here.
                ListedTool listed = tool instanceof POJONode pojo && pojo.getPojo() instanceof ListedTool t ? t
                        : tool.isObject() && tool.path("name").isString() ? ListedTool.of(tool) : null;
                if (listed == null) {
                    throw new ProbeFailure(Reason.TOOLS_LIST_ERROR, Phase.TOOLS_LIST, "tools/list returned a tool without a name");
                }
                ToolSnapshot snap = listed.snapshot();
                tools.add(snap);
                wording.add(listed.wording());
                toolBytes += snap.size();
                if (tools.size() > spec.limits().maxTools()) {
                    throw new ProbeFailure(Reason.TOOLS_LIST_ERROR, Phase.TOOLS_LIST, "tools/list listed more than "
                            + spec.limits().maxTools() + " tools (across " + pages + " pages)");
                }
                if (toolBytes > spec.limits().maxToolBytes()) {
                    throw new ProbeFailure(Reason.TOOLS_LIST_ERROR, Phase.TOOLS_LIST, "tools/list definitions take more than "
                            + spec.limits().maxToolBytes() + " bytes in all (" + tools.size() + " tools across " + pages + " pages)");
                }
            }
            JsonNode next = reply.result().get("nextCursor");
            cursor = next != null && next.isString() && !next.stringValue().isEmpty() ? next.stringValue() : null;
            if (cursor != null && !cursors.add(cursor)) {
                throw new ProbeFailure(Reason.TOOLS_LIST_ERROR, Phase.TOOLS_LIST, "tools/list returned cursor '"
                        + Text.clip(cursor, 40) + "' twice");
            }
        } while (cursor != null);

        ToolList list = snapshot(tools, wording, pages);
        rec.tools(list);
        if (dialect.era() == Era.MODERN && spec.transport() == Transport.STREAMABLE_HTTP) {
            rejectInvalidHeaders(list);
        }
        checkExpectations(list);
        return list;
    }

    /**
     * 2026-07-28 clients on streamable HTTP must drop tools whose {@code x-mcp-header} annotations
     * are invalid. The stored list keeps them (it records what the server serves), but they count as
     * missing for the expectations and are never called, as no agent would see them.
     */
    private void rejectInvalidHeaders(ToolList list) {
        for (ToolSnapshot tool : list.tools()) {
            String problem = ToolHeaders.problem(tool.definition().path("inputSchema"));
            if (problem != null) {
                rejected.put(tool.name(), problem);
            }
        }
        if (!rejected.isEmpty()) {
            List<String> named = rejected.entrySet().stream().limit(5)
                    .map(e -> "`" + Text.clip(e.getKey(), 60) + "` (" + e.getValue() + ")").toList();
            rec.warn(rejected.size() + (rejected.size() == 1 ? " tool is" : " tools are") + " rejected by conforming clients for an "
                    + "invalid x-mcp-header, so agents do not see " + (rejected.size() == 1 ? "it" : "them") + ": " + String.join("; ", named)
                    + (rejected.size() > 5 ? "; …" : ""));
        }
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
        List<String> absent = expect.requiredTools().stream().filter(n -> list.find(n) == null || rejected.containsKey(n)).sorted().toList();
        if (!absent.isEmpty()) {
            throw new ProbeFailure(Reason.TOOLS_MISSING, Phase.TOOLS_LIST, "Expected tool" + (absent.size() == 1 ? " " : "s ")
                    + String.join(", ", absent.stream().map(n -> "`" + n + "`").toList()) + (absent.size() == 1 ? " is" : " are")
                    + " missing (server lists " + list.count() + " tools)");
        }
    }

    /** The list with its fingerprints, from each tool's own, taken while it was parsed: no definition is parsed again. */
    private static ToolList snapshot(List<ToolSnapshot> tools, List<String> wording, int pages) {
        List<String> prints = new ArrayList<>(tools.size());
        for (ToolSnapshot tool : tools) {
            prints.add(tool.fingerprint());
        }
        return new ToolList(tools.size(), pages, ToolFingerprint.ofList(prints), ToolFingerprint.ofWordingParts(wording), tools);
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
        if (rejected.containsKey(call.name())) {
            throw new ProbeFailure(Reason.TOOLS_MISSING, Phase.TOOL_CALL, "Health-check tool `" + call.name() + "` is listed with an "
                    + "invalid x-mcp-header, so clients must drop it and mcpwatch does not call it: " + rejected.get(call.name()));
        }
        if (tool != null && !tool.definition().path("annotations").path("readOnlyHint").asBoolean(false)) {
            rec.warn("health-check tool `" + call.name() + "` is not annotated readOnlyHint; it is called on every probe");
        }
        ObjectNode args = call.arguments() == null ? Json.object() : (ObjectNode) call.arguments().deepCopy();
        Map<String, String> paramHeaders = tool == null ? Map.of() : ToolHeaders.headers(tool.definition().path("inputSchema"), args);
        JsonNode answers = null;
        String state = null;
        for (int round = 0; ; round++) {
            ObjectNode params = Json.object();
            params.put("name", call.name());
            params.set("arguments", args.deepCopy());
            if (answers != null) {
                params.set("inputResponses", answers);
            }
            if (state != null) {
                params.put("requestState", state); // echoed exactly as the server sent it, never read
            }
            ObjectNode request = JsonRpc.request(nextId++, "tools/call", dialect.params(params)); // a retry is a new request: new id
            if (answers != null) {
                declareAnswerCapabilities(request, answers);
            }
            JsonRpc.RpcReply reply = channel.call(Phase.TOOL_CALL, request, dialect.headers("tools/call", call.name(), paramHeaders),
                    spec.timeouts().step());
            if (reply.isError()) {
                rec.toolCall(new ToolCallOutcome(call.name(), false, false, reply.error().describe(), null, null, reply.error().code(),
                        null));
                throw new ProbeFailure(Reason.TOOL_CALL_ERROR, Phase.TOOL_CALL, "tools/call `" + call.name() + "` failed: "
                        + reply.error().describe(), reply.httpStatus());
            }
            JsonNode result = reply.result();
            if (!"input_required".equals(result.path("resultType").stringValue(null))) {
                checkToolResult(call, tool, result);
                return;
            }
            JsonNode requests = result.path("inputRequests");
            List<String> unanswered = new ArrayList<>();
            ObjectNode next = Json.object();
            for (Map.Entry<String, JsonNode> r : requests.isObject() ? requests.properties() : Set.<Map.Entry<String, JsonNode>>of()) {
                JsonNode answer = call.inputResponses() == null ? null : call.inputResponses().get(r.getKey());
                if (answer == null) {
                    unanswered.add("`" + Text.clip(r.getKey(), 40) + "` (" + Text.clip(r.getValue().path("method").stringValue("?"), 40)
                            + describeInputRequest(r.getValue()) + ")");
                } else {
                    next.set(r.getKey(), answer);
                }
            }
            JsonNode sentState = result.get("requestState");
            if (!unanswered.isEmpty() || round >= MAX_INPUT_ROUNDS) {
                needsInput(call, unanswered, round);
                return;
            }
            answers = next.isEmpty() ? null : next;
            state = sentState != null && sentState.isString() ? sentState.stringValue() : null;
            if (answers == null && state == null) {
                throw new ProbeFailure(Reason.TOOL_CALL_ERROR, Phase.TOOL_CALL, "Tool `" + call.name() + "` answered input_required "
                        + "with neither inputRequests nor requestState, so there is nothing to retry with");
            }
        }
    }

    /** Rounds of input a health call may go through before mcpwatch stops answering. */
    private static final int MAX_INPUT_ROUNDS = 3;

    /**
     * A health call that asks for input nobody configured is a problem of the monitor's
     * configuration, not of the server (which answered correctly): the call is recorded as needing
     * input and the probe stays healthy, with a warning saying what to configure. The detection
     * rule {@code health_call.needs_input} makes it a P3 warning.
     */
    private void needsInput(ProbeSpec.ToolCall call, List<String> unanswered, int rounds) {
        String why = unanswered.isEmpty()
                ? "kept asking for input after " + rounds + " rounds of configured input_responses"
                : "asks for input (input_required: " + String.join(", ", unanswered) + ")";
        String message = "Health-check tool `" + call.name() + "` " + why + "; a health check must answer without a person. "
                + "Configure input_responses for it or call another tool (a monitor configuration problem, not an outage)";
        rec.toolCall(new ToolCallOutcome(call.name(), false, false, Text.clip(message, 500), null, true));
        rec.warn(message);
    }

    private static String describeInputRequest(JsonNode request) {
        String message = request.path("params").path("message").stringValue(null);
        return message == null ? "" : ": " + Text.clip(message, 60);
    }

    /**
     * Configured answers come from the operator, so the retry declares the capability each answer
     * needs (elicitation, sampling, roots), on this request only: modern capabilities are per request,
     * and the tool list stays probed with none.
     */
    private static void declareAnswerCapabilities(ObjectNode request, JsonNode answers) {
        JsonNode caps = request.path("params").path("_meta").get("io.modelcontextprotocol/clientCapabilities");
        if (!(caps instanceof ObjectNode c)) {
            return;
        }
        for (JsonNode a : answers) {
            if (a.has("action")) {
                c.putObject("elicitation");
            } else if (a.has("roots")) {
                c.putObject("roots");
            } else if (a.has("model") || a.has("role")) {
                c.putObject("sampling");
            }
        }
    }

    private void checkToolResult(ProbeSpec.ToolCall call, ToolSnapshot tool, JsonNode result) {
        String text = resultText(result);
        boolean isError = result.path("isError").asBoolean(false);
        if (isError) {
            rec.toolCall(new ToolCallOutcome(call.name(), false, true, Text.clip(text, 500), null));
            throw new ProbeFailure(Reason.TOOL_CALL_ERROR, Phase.TOOL_CALL, "Tool `" + call.name() + "` returned isError: "
                    + Text.clip(text, 200));
        }
        Boolean passed = call.expectContains() == null ? null : text.contains(call.expectContains());
        String schemaError = spec.checkOutputSchemas() ? outputSchemaError(tool, result) : null;
        rec.toolCall(new ToolCallOutcome(call.name(), !Boolean.FALSE.equals(passed), false, Text.clip(text, 500), passed, null, null,
                schemaError));
        if (Boolean.FALSE.equals(passed)) {
            throw new ProbeFailure(Reason.TOOL_CALL_ASSERTION_FAILED, Phase.TOOL_CALL, "Tool `" + call.name()
                    + "` result does not contain '" + Text.clip(call.expectContains(), 60) + "' (got: '" + Text.clip(text, 120) + "')");
        }
    }

    /**
     * How a successful result fails its tool's {@code outputSchema}, or null: a tool that declares one
     * must return {@code structuredContent} conforming to it (MCP 2025-06-18 on), and a client that
     * validates, as the SDKs do, turns anything else into an error for the agent.
     */
    private String outputSchemaError(ToolSnapshot tool, JsonNode result) {
        JsonNode schema = tool == null ? null : tool.definition().get("outputSchema");
        if (schema == null || schema.isNull()) {
            return null;
        }
        JsonNode structured = result.get("structuredContent");
        if (structured == null || structured.isNull()) {
            return "tool `" + tool.name() + "` declares an outputSchema but returned no structuredContent";
        }
        try {
            String problems = SchemaValidation.problems(schema, structured);
            return problems == null ? null : Text.clip("structuredContent of `" + tool.name() + "` does not match its outputSchema: "
                    + problems, 300);
        } catch (IllegalArgumentException e) {
            rec.warn(Text.clip("the outputSchema of `" + tool.name() + "` could not be checked: " + e.getMessage(), 200));
            return null;
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
