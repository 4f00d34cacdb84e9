package dev.mcpwatch.testkit;

import dev.mcpwatch.probe.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A modern-era (2026-07-28) streamable HTTP MCP server written to the specification, because no SDK
 * speaks that revision yet: no handshake and no session, version and capabilities in every request's
 * {@code _meta}, {@code server/discover}, and strict server validation of {@code MCP-Protocol-Version},
 * {@code Mcp-Method}, {@code Mcp-Name} and {@code Mcp-Param-*} (400 with HeaderMismatch -32020 when a
 * header is missing or does not match the body, 400 with UnsupportedProtocolVersion -32022).
 */
public final class ModernMcp implements FixtureServer.Handler {
    public static final String REVISION = "2026-07-28";

    private final List<String> supported;
    private final boolean dualEra;
    private final List<ObjectNode> tools = new ArrayList<>();
    private final List<String> methodsSeen = new CopyOnWriteArrayList<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final Map<String, java.util.function.Function<JsonNode, ObjectNode>> toolResults = new ConcurrentHashMap<>();
    private volatile int refusalsLeft;
    private final Map<String, String> lastHeaders = new ConcurrentHashMap<>();

    private ModernMcp(List<String> supported, boolean dualEra) {
        this.supported = supported;
        this.dualEra = dualEra;
        tools.add(ScriptedMcp.tool("search", "query"));
        ObjectNode region = ScriptedMcp.tool("run_query", "region", "query");
        ((ObjectNode) region.get("inputSchema").get("properties").get("region")).put("x-mcp-header", "Region");
        tools.add(region);
    }

    /** A server that speaks only 2026-07-28. */
    public static ModernMcp modernOnly() {
        return new ModernMcp(List.of(REVISION), false);
    }

    /** A server that speaks only versions mcpwatch does not know. */
    public static ModernMcp speaking(String... versions) {
        return new ModernMcp(List.of(versions), false);
    }

    /** A server that also answers the legacy initialize handshake. */
    public static ModernMcp dualEra() {
        return new ModernMcp(List.of(REVISION, "2025-11-25"), true);
    }

    public List<String> methodsSeen() {
        return List.copyOf(methodsSeen);
    }

    /** Every JSON-RPC request received, in order. */
    public List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    /** Lists one more tool. */
    public ModernMcp withTool(ObjectNode tool) {
        tools.add(tool);
        return this;
    }

    /** Answers tools/call of {@code tool} with what {@code result} makes of the request's params. */
    public ModernMcp answering(String tool, java.util.function.Function<JsonNode, ObjectNode> result) {
        toolResults.put(tool, result);
        return this;
    }

    /** Refuses the first {@code times} requests with -32022 although it supports their version (a confused version check). */
    public ModernMcp refusingFirst(int times) {
        refusalsLeft = times;
        return this;
    }

    /** Headers (lower-case names) of the last request with this method. */
    public Map<String, String> lastHeaders(String method) {
        Map<String, String> out = new java.util.HashMap<>();
        lastHeaders.forEach((k, v) -> {
            if (k.startsWith(method + " ")) {
                out.put(k.substring(method.length() + 1), v);
            }
        });
        return out;
    }

    @Override
    public void handle(FixtureServer.Request http) throws Exception {
        if (!http.method().equals("POST")) {
            http.empty(405);
            return;
        }
        JsonNode msg = http.json();
        if (msg == null || !msg.has("method")) {
            http.json(400, ScriptedMcp.error(null, -32700, "Parse error"));
            return;
        }
        String method = msg.get("method").stringValue();
        methodsSeen.add(method);
        requests.add(msg);
        for (String h : List.of("MCP-Protocol-Version", "Mcp-Method", "Mcp-Name", "Mcp-Param-Region", "Mcp-Session-Id")) {
            String v = http.header(h);
            if (v != null) {
                lastHeaders.put(method + " " + h.toLowerCase(java.util.Locale.ROOT), v);
            }
        }
        JsonNode meta = msg.path("params").path("_meta");
        if (dualEra && !meta.has("io.modelcontextprotocol/protocolVersion")) {
            legacy(http, msg, method);
            return;
        }
        String version = meta.path("io.modelcontextprotocol/protocolVersion").stringValue(null);
        String mismatch = headerMismatch(http, msg, method, version);
        if (mismatch != null) {
            http.json(400, ScriptedMcp.error(msg, -32020, "Header mismatch: " + mismatch));
            return;
        }
        if (!supported.contains(version) || (refusalsLeft > 0 && refusalsLeft-- > 0)) {
            ObjectNode err = ScriptedMcp.error(msg, -32022, "Unsupported protocol version");
            ObjectNode data = ((ObjectNode) err.get("error")).putObject("data");
            ArrayNode s = data.putArray("supported");
            supported.forEach(s::add);
            data.put("requested", version);
            http.json(400, err);
            return;
        }
        switch (method) {
            case "server/discover" -> {
                ObjectNode r = complete();
                ArrayNode versions = r.putArray("supportedVersions");
                supported.forEach(versions::add);
                r.putObject("capabilities").putObject("tools");
                ObjectNode info = r.putObject("_meta").putObject("io.modelcontextprotocol/serverInfo");
                info.put("name", "modern-fixture");
                info.put("version", "3.0.0");
                r.put("ttlMs", 60_000);
                r.put("cacheScope", "public");
                http.json(200, ScriptedMcp.result(msg, r));
            }
            case "tools/list" -> {
                ObjectNode r = complete();
                ArrayNode list = r.putArray("tools");
                tools.forEach(list::add);
                r.put("ttlMs", 60_000);
                r.put("cacheScope", "public");
                http.json(200, ScriptedMcp.result(msg, r));
            }
            case "tools/call" -> {
                var custom = toolResults.get(msg.path("params").path("name").stringValue(""));
                if (custom != null) {
                    http.json(200, ScriptedMcp.result(msg, custom.apply(msg.get("params"))));
                    return;
                }
                ObjectNode r = complete();
                r.putArray("content").addObject().put("type", "text").put("text", "rows: 3");
                http.json(200, ScriptedMcp.result(msg, r));
            }
            default -> http.json(404, ScriptedMcp.error(msg, -32601, "Method not found"));
        }
    }

    private void legacy(FixtureServer.Request http, JsonNode msg, String method) throws Exception {
        switch (method) {
            case "initialize" -> http.json(200, ScriptedMcp.result(msg, ScriptedMcp.initializeResult("2025-11-25")));
            case "notifications/initialized" -> http.empty(202);
            case "tools/list" -> {
                ObjectNode r = Json.object();
                ArrayNode list = r.putArray("tools");
                tools.forEach(list::add);
                http.json(200, ScriptedMcp.result(msg, r));
            }
            default -> http.json(200, ScriptedMcp.error(msg, -32601, "Method not found"));
        }
    }

    /** The server-side validation of the 2026-07-28 transport; null when the headers are right. */
    private static String headerMismatch(FixtureServer.Request http, JsonNode msg, String method, String version) {
        String pv = http.header("MCP-Protocol-Version");
        if (pv == null || !pv.equals(version)) {
            return "MCP-Protocol-Version " + pv + " does not match _meta " + version;
        }
        if (!method.equals(http.header("Mcp-Method"))) {
            return "Mcp-Method " + http.header("Mcp-Method") + " does not match " + method;
        }
        if (method.equals("tools/call")) {
            String name = msg.path("params").path("name").stringValue(null);
            String header = decode(http.header("Mcp-Name"));
            if (header == null || !header.equals(name)) {
                return "Mcp-Name " + header + " does not match " + name;
            }
            JsonNode region = msg.path("params").path("arguments").get("region");
            if (region != null && !region.isNull()) {
                String h = decode(http.header("Mcp-Param-Region"));
                if (h == null || !h.equals(region.stringValue())) {
                    return "Mcp-Param-Region " + h + " does not match " + region;
                }
            }
        }
        return null;
    }

    private static String decode(String header) {
        if (header != null && header.startsWith("=?base64?") && header.endsWith("?=")) {
            return new String(Base64.getDecoder().decode(header.substring(9, header.length() - 2)), StandardCharsets.UTF_8);
        }
        return header;
    }

    private static ObjectNode complete() {
        ObjectNode r = Json.object();
        r.put("resultType", "complete");
        return r;
    }
}
