package dev.mcpwatch.alert;

import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.Reason;

/**
 * Which of the incident runbook's five failure modes an alert is about, as the slug of its built-in
 * runbook page ({@code /runbooks/{slug}} under {@code server.public_url}), linked from alerts unless
 * the monitor names its own {@code runbook_url}.
 */
final class Runbooks {
    public static final String CONNECTION_REFUSED = "connection-refused";
    public static final String HANDSHAKE_FAILURE = "handshake-failure";
    public static final String TIMEOUT = "timeout";
    public static final String SCHEMA_DRIFT = "schema-drift";
    public static final String ELEVATED_ERROR_RATE = "elevated-error-rate";

    private Runbooks() {}

    /** The failure mode of a probe failure. */
    public static String slug(Reason reason, Phase phase) {
        return switch (reason) {
            case DNS_UNRESOLVED, CONNECTION_REFUSED, CONNECT_TIMEOUT, NETWORK_UNREACHABLE -> CONNECTION_REFUSED;
            case TIMEOUT -> TIMEOUT;
            case TOOLS_MISSING, TOOLS_LIST_EMPTY -> SCHEMA_DRIFT;
            case TOOL_CALL_ERROR, TOOL_CALL_ASSERTION_FAILED, TOOLS_LIST_ERROR, RATE_LIMITED -> ELEVATED_ERROR_RATE;
            case HTTP_ERROR -> phase == Phase.TOOLS_LIST || phase == Phase.TOOL_CALL ? ELEVATED_ERROR_RATE : HANDSHAKE_FAILURE;
            default -> HANDSHAKE_FAILURE; // TLS, auth walls, not-MCP answers, JSON-RPC and initialize failures
        };
    }

    /** The failure mode of a warning, by its type. */
    public static String slug(String warningType) {
        if (warningType.startsWith("drift")) {
            return SCHEMA_DRIFT;
        }
        if (warningType.startsWith("certificate")) {
            return HANDSHAKE_FAILURE;
        }
        if (warningType.contains("latency")) {
            return TIMEOUT;
        }
        return ELEVATED_ERROR_RATE;
    }
}
