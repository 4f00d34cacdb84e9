package dev.mcpwatch.auth;

import dev.mcpwatch.web.Routes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RFC 9728 protected-resource metadata for mcpwatch's own MCP endpoint, at
 * {@code /.well-known/oauth-protected-resource/mcp} (the path-based form clients try first) and
 * without the suffix. It names the resource and how to present a token (an API token in the
 * {@code Authorization} header); it names no authorization server, because mcpwatch issues its
 * tokens itself ({@code mcpwatch token create}, or the dashboard's Settings page).
 */
public final class ProtectedResourceRoutes implements Routes {
    public static final String PATH = "/.well-known/oauth-protected-resource";

    @Override
    public void register(RoutesConfig routes) {
        routes.get(PATH + "/mcp", this::metadata);
        routes.get(PATH, this::metadata);
    }

    private void metadata(Context ctx) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("resource", origin(ctx) + "/mcp");
        out.put("bearer_methods_supported", List.of("header"));
        out.put("resource_name", "mcpwatch");
        ctx.json(out);
    }

    /** The challenge of a 401 on {@code /mcp}: Bearer, and where its metadata is (RFC 9728 §5.1). */
    static String challenge(Context ctx) {
        return "Bearer realm=\"mcpwatch\", resource_metadata=\"" + origin(ctx) + PATH + "/mcp\"";
    }

    /**
     * Scheme and host as the client named them, so the resource is the very URL it called (a proxy in
     * front passes its Host on; {@code server.public_url} names pages, not what an agent dialled).
     */
    static String origin(Context ctx) {
        return ctx.scheme() + "://" + ctx.host();
    }
}
