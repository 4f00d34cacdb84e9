package dev.mcpwatch.probe;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The steps of one probe, in the order an agent goes through them. Network phases come first
 * (stdio has {@code spawn} instead), then one phase per MCP step.
 */
public enum Phase {
    DNS("dns"),
    CONNECT("connect"),
    TLS("tls"),
    /** stdio: starting the server process. */
    SPAWN("spawn"),
    /** Deprecated HTTP+SSE transport: opening the event stream and waiting for the endpoint event. */
    SSE_OPEN("sse_open"),
    /** Modern era (2026-07-28): {@code server/discover}. */
    DISCOVER("discover"),
    /** Legacy era: {@code initialize}. */
    INITIALIZE("initialize"),
    INITIALIZED("initialized"),
    TOOLS_LIST("tools_list"),
    TOOL_CALL("tool_call"),
    /**
     * Ending the session (DELETE, closing the stream, stopping the process). Fails a probe only when
     * a stdio server's stdout stays open after everything it started that mcpwatch can find was killed.
     */
    CLOSE("close"),
    TOTAL("total");

    private final String wireName;

    Phase(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public boolean isNetwork() {
        return this == DNS || this == CONNECT || this == TLS || this == SPAWN;
    }

    public static Phase fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
