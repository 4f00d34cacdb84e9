package dev.mcpwatch.runbook;

import dev.mcpwatch.probe.Reason;
import java.util.Arrays;
import java.util.Optional;

/**
 * The failure modes that have a runbook page at {@code /runbooks/{slug}}: the incident runbook
 * guide's five (connection refused, handshake failure, timeout, schema drift, elevated error rate)
 * and the two the product adds (TLS certificate, authentication required). Every failure reason
 * belongs to exactly one, so an alert always links a page whose first steps fit what broke.
 */
public enum RunbookMode {
    CONNECTION_REFUSED("connection-refused", "Connection refused"),
    HANDSHAKE_FAILURE("handshake-failure", "Protocol handshake failure"),
    TIMEOUT("timeout", "Timeout"),
    SCHEMA_DRIFT("schema-drift", "Schema drift"),
    ELEVATED_ERROR_RATE("elevated-error-rate", "Elevated error rate"),
    TLS_CERTIFICATE("tls-certificate", "TLS certificate"),
    AUTHENTICATION_REQUIRED("authentication-required", "Authentication required");

    private final String slug;
    private final String title;

    RunbookMode(String slug, String title) {
        this.slug = slug;
        this.title = title;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    /**
     * The mode of a failure reason. Decided by the reason alone (not the phase), so that the same
     * reason always opens the same page: the table in the README and the pages stay one list.
     */
    public static RunbookMode of(Reason reason) {
        return switch (reason) {
            // Nothing answers on the address: the process, its port or the way to it.
            case DNS_UNRESOLVED, CONNECTION_REFUSED, CONNECT_TIMEOUT, NETWORK_UNREACHABLE -> CONNECTION_REFUSED;
            case TLS_HANDSHAKE_FAILED, CERT_EXPIRED, CERT_UNTRUSTED, CERT_HOSTNAME_MISMATCH, INSECURE_REDIRECT -> TLS_CERTIFICATE;
            case AUTH_REQUIRED -> AUTHENTICATION_REQUIRED;
            // Something answers, but not with a working MCP session.
            case HTTP_ERROR, NOT_MCP, REDIRECT_LOOP, RESPONSE_TOO_LARGE, JSONRPC_PARSE_ERROR, JSONRPC_INVALID, INITIALIZE_ERROR,
                    INITIALIZE_INCOMPLETE, PROTOCOL_VERSION_UNSUPPORTED, SESSION_REJECTED -> HANDSHAKE_FAILURE;
            // The tools the agents use changed shape or went away.
            case TOOLS_LIST_EMPTY, TOOLS_MISSING -> SCHEMA_DRIFT;
            // The session works, the work fails.
            case RATE_LIMITED, TOOLS_LIST_ERROR, TOOL_CALL_ERROR, TOOL_CALL_ASSERTION_FAILED -> ELEVATED_ERROR_RATE;
            case TIMEOUT -> TIMEOUT;
        };
    }

    /** The mode of a warning, by its type ({@code drift.detected}, {@code certificate.expiring}…). */
    public static RunbookMode ofWarning(String type) {
        if (type.startsWith("drift") || type.equals("tools.fewer")) {
            return SCHEMA_DRIFT;
        }
        if (type.startsWith("certificate")) {
            return TLS_CERTIFICATE;
        }
        if (type.startsWith("credentials")) {
            return AUTHENTICATION_REQUIRED;
        }
        if (type.contains("latency")) {
            return TIMEOUT;
        }
        return ELEVATED_ERROR_RATE;
    }

    public static Optional<RunbookMode> bySlug(String slug) {
        return Arrays.stream(values()).filter(m -> m.slug.equals(slug)).findFirst();
    }
}
