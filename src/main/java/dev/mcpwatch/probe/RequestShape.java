package dev.mcpwatch.probe;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * How requests are shaped in each protocol era once the conversation is open: legacy requests
 * carry the negotiated version in a header; modern ones carry version, identity and capabilities in
 * {@code _meta} and mirror method and name into headers.
 */
sealed interface RequestShape {
    Era era();

    String version();

    /** The params to send for a request, given its own params. */
    ObjectNode params(ObjectNode params);

    /** HTTP headers for a request; {@code name} is the tool name for tools/call, else null. */
    Map<String, String> headers(String method, String name, Map<String, String> paramHeaders);

    record Legacy(String version) implements RequestShape {
        @Override
        public Era era() {
            return Era.LEGACY;
        }

        @Override
        public ObjectNode params(ObjectNode params) {
            return params;
        }

        @Override
        public Map<String, String> headers(String method, String name, Map<String, String> paramHeaders) {
            return Map.of("MCP-Protocol-Version", version);
        }
    }

    record Modern(String version) implements RequestShape {
        @Override
        public Era era() {
            return Era.MODERN;
        }

        @Override
        public ObjectNode params(ObjectNode params) {
            ObjectNode meta = params.putObject("_meta");
            meta.put("io.modelcontextprotocol/protocolVersion", version);
            meta.set("io.modelcontextprotocol/clientInfo", Prober.clientInfo());
            meta.putObject("io.modelcontextprotocol/clientCapabilities");
            return params;
        }

        @Override
        public Map<String, String> headers(String method, String name, Map<String, String> paramHeaders) {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("MCP-Protocol-Version", version);
            h.put("Mcp-Method", method);
            if (name != null) {
                h.put("Mcp-Name", headerValue(name));
            }
            h.putAll(paramHeaders);
            return h;
        }
    }

    /**
     * A header value as the 2026-07-28 transport wants it: plain when it is visible ASCII without
     * surrounding spaces, else the {@code =?base64?…?=} sentinel form (so are tabs, as the
     * conformance suite expects).
     */
    static String headerValue(String value) {
        boolean plain = !value.isEmpty() && value.strip().equals(value)
                && !(value.startsWith("=?base64?") && value.endsWith("?="));
        for (int i = 0; plain && i < value.length(); i++) {
            char c = value.charAt(i);
            plain = c >= 0x20 && c <= 0x7e; // a tab is legal in HTTP but not safe everywhere: encoded too
        }
        return plain ? value : "=?base64?" + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "?=";
    }
}
