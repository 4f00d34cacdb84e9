package dev.mcpwatch.probe;

import com.fasterxml.jackson.annotation.JsonValue;

/** The layer of the stack a failure belongs to, from the network up to the tools (PRODUCT.md §1). */
public enum Layer {
    DNS, TCP, TLS, HTTP, MCP, TOOLS, TIME;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
