package dev.mcpwatch.cli;

import dev.mcpwatch.probe.Layer;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.Reason;

/** Exit codes of {@code mcpwatch probe} (PRODUCT.md §1), so scripts can branch on what broke. */
final class ExitCodes {
    static final int HEALTHY = 0;
    static final int USAGE = 1;
    static final int PROTOCOL_OR_TOOLS = 2;
    static final int AUTH_REQUIRED = 3;
    static final int UNREACHABLE = 4;

    private ExitCodes() {}

    static int of(ProbeResult result) {
        if (result.healthy()) {
            return HEALTHY;
        }
        Reason reason = result.failure().reason();
        if (reason == Reason.AUTH_REQUIRED) {
            return AUTH_REQUIRED;
        }
        Layer layer = reason.layer();
        return switch (layer) {
            case DNS, TCP, TLS, TIME -> UNREACHABLE;
            case HTTP, MCP, TOOLS -> PROTOCOL_OR_TOOLS;
        };
    }
}
