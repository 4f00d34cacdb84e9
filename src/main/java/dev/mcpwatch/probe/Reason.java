package dev.mcpwatch.probe;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The closed set of reasons a probe can fail for (PRODUCT.md §1). Every failed probe carries exactly
 * one. The layer says where in the stack to start looking.
 */
public enum Reason {
    DNS_UNRESOLVED(Layer.DNS),

    CONNECTION_REFUSED(Layer.TCP),
    CONNECT_TIMEOUT(Layer.TCP),
    NETWORK_UNREACHABLE(Layer.TCP),

    TLS_HANDSHAKE_FAILED(Layer.TLS),
    CERT_EXPIRED(Layer.TLS),
    CERT_UNTRUSTED(Layer.TLS),
    CERT_HOSTNAME_MISMATCH(Layer.TLS),
    /** An https endpoint redirected to cleartext http, which the monitor does not allow. */
    INSECURE_REDIRECT(Layer.TLS),

    HTTP_ERROR(Layer.HTTP),
    NOT_MCP(Layer.HTTP),
    AUTH_REQUIRED(Layer.HTTP),
    RATE_LIMITED(Layer.HTTP),
    REDIRECT_LOOP(Layer.HTTP),
    RESPONSE_TOO_LARGE(Layer.HTTP),

    JSONRPC_PARSE_ERROR(Layer.MCP),
    JSONRPC_INVALID(Layer.MCP),
    INITIALIZE_ERROR(Layer.MCP),
    INITIALIZE_INCOMPLETE(Layer.MCP),
    PROTOCOL_VERSION_UNSUPPORTED(Layer.MCP),
    SESSION_REJECTED(Layer.MCP),

    TOOLS_LIST_ERROR(Layer.TOOLS),
    TOOLS_LIST_EMPTY(Layer.TOOLS),
    TOOLS_MISSING(Layer.TOOLS),
    TOOL_CALL_ERROR(Layer.TOOLS),
    TOOL_CALL_ASSERTION_FAILED(Layer.TOOLS),

    TIMEOUT(Layer.TIME);

    private final Layer layer;

    Reason(Layer layer) {
        this.layer = layer;
    }

    public Layer layer() {
        return layer;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Reason fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
