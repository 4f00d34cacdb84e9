package dev.mcpwatch.probe;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How the probe talks to the server. */
public enum Transport {
    STREAMABLE_HTTP("streamable-http"),
    /** The deprecated HTTP+SSE transport of 2024-11-05. */
    SSE("sse"),
    STDIO("stdio");

    private final String wireName;

    Transport(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public static Transport fromWireName(String name) {
        for (Transport t : values()) {
            if (t.wireName.equals(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException(
                "unknown transport '" + name + "' (expected streamable-http, sse or stdio)");
    }
}
