package dev.mcpwatch.testkit;

import tools.jackson.databind.node.ObjectNode;

/**
 * MCP servers whose every string is an attack on the pages that show it: the server name, tool
 * names, titles, descriptions and schema fields carry HTML and script, and a broken one puts the
 * same into the error message of its tools/list. Rendered anywhere without escaping, the payload
 * would set {@code document.title} and {@code window.__pwned}.
 */
public final class HostileMcp {
    public static final String PAYLOAD = "<script>document.title='pwned';window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">";

    private HostileMcp() {}

    /** A healthy server with one tool whose every text is the payload. */
    public static ScriptedMcp healthy() {
        ObjectNode tool = ScriptedMcp.tool("<b>bold</b>" + PAYLOAD);
        tool.put("title", "<i>title</i>" + PAYLOAD);
        tool.put("description", "Description " + PAYLOAD);
        ObjectNode props = (ObjectNode) tool.path("inputSchema").path("properties");
        props.putObject("<svg onload=\"window.__pwned=3\">").put("type", "string").put("description", PAYLOAD);
        ObjectNode init = ScriptedMcp.initializeResult("2025-11-25");
        ((ObjectNode) init.path("serverInfo")).put("name", "evil" + PAYLOAD).put("version", "<u>1.0</u>" + PAYLOAD);
        return ScriptedMcp.legacy()
                .on("initialize", (http, msg) -> http.json(200, ScriptedMcp.result(msg, init)))
                .on("tools/list", ScriptedMcp.reply(ScriptedMcp.toolsResult(tool, ScriptedMcp.tool("plain"))));
    }

    /** A server whose tools/list fails with the payload as its error message. */
    public static ScriptedMcp failing() {
        return ScriptedMcp.legacy().on("tools/list", ScriptedMcp.error(-32603, "upstream says " + PAYLOAD));
    }

    /** Whether a body shows the payload only as text: none of its markup came through unescaped. */
    public static boolean escaped(String body) {
        return !body.contains("<script>document.title") && !body.contains("<img src=x") && !body.contains("<svg onload")
                && !body.contains("<b>bold</b>");
    }

}
