package dev.mcpwatch.incident;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.Layer;
import dev.mcpwatch.probe.Phase;

/**
 * The incident-response guide's tiers: P1 complete outage, P2 degraded, P3 warning (a leading
 * indicator, no user-visible impact yet). {@link #ofOutage} is the tier of a confirmed-down monitor
 * by its failure; the detection rules add P2 degradations and P3 warnings.
 */
public enum Severity {
    P1, P2, P3;

    @JsonValue
    public String wireName() {
        return name();
    }

    public boolean higherThan(Severity other) {
        return ordinal() < other.ordinal();
    }

    public static Severity fromWireName(String s) {
        return valueOf(s);
    }

    /**
     * P1 when no agent can use the server: unreachable (dns, tcp, tls), initialize timing out or
     * answering with something that is not JSON-RPC, an empty tool list where tools are expected, an
     * expired certificate. Any other confirmed failure (some tools failing, an auth wall, rate
     * limiting, fewer tools than expected) is P2.
     */
    public static Severity ofOutage(Failure f) {
        Layer layer = f.layer();
        if (layer == Layer.DNS || layer == Layer.TCP || layer == Layer.TLS) {
            return P1;
        }
        boolean opening = f.phase() == Phase.INITIALIZE || f.phase() == Phase.DISCOVER || f.phase() == Phase.SSE_OPEN
                || f.phase().isNetwork();
        return switch (f.reason()) {
            case TIMEOUT -> opening ? P1 : P2;
            case NOT_MCP, JSONRPC_PARSE_ERROR, JSONRPC_INVALID, HTTP_ERROR, REDIRECT_LOOP, RESPONSE_TOO_LARGE -> opening ? P1 : P2;
            case INITIALIZE_ERROR, INITIALIZE_INCOMPLETE, PROTOCOL_VERSION_UNSUPPORTED -> P1;
            case TOOLS_LIST_EMPTY -> P1;
            default -> P2;
        };
    }
}
