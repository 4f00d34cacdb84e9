package dev.mcpwatch.auth;

import dev.mcpwatch.web.Frame;
import dev.mcpwatch.web.Refusal;
import io.javalin.http.Context;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Set;

/**
 * Runs before every request and decides who may go on:
 * <ul>
 *   <li>public: {@code /health}, status pages, runbook pages, badges, stylesheets, the login and setup pages, and
 *       the signed acknowledgement links of alerts ({@code /ack/…}: the signature is their credential);</li>
 *   <li>{@code /api/openapi.json} and {@code /api/docs}: the API's description, public like the source it is built from;</li>
 *   <li>{@code /metrics}: its own access ({@code web.metrics}, checked by its routes), so a scraper
 *       needs neither a session nor an API token;</li>
 *   <li>{@code /api}: an API token ({@code Authorization: Bearer mcpw_…}) or a dashboard session.
 *       Before any password exists the API answers reads openly, as it did before the dashboard
 *       (mcpwatch listens on 127.0.0.1 by default), and refuses writes;</li>
 *   <li>{@code /mcp}, mcpwatch's MCP server for agents: an API token only (agents keep no cookies, and a
 *       session would let any site a user visits call write tools). Like the API, open to reads before any
 *       password exists; a read-only token reaches only the read tools (the endpoint checks that per tool).
 *       A 401 names the RFC 9728 metadata ({@link ProtectedResourceRoutes});</li>
 *   <li>a read-only API token may read {@code /api} but not change anything;</li>
 *   <li>everything else is the dashboard: a session, or off to the login (or first-run) page.</li>
 * </ul>
 * A request that changes something with a session cookie must carry that session's CSRF token (a
 * hidden form field, or {@code X-CSRF-Token} for scripts) and, when the browser names its
 * {@code Origin}, come from this very host. API tokens need no CSRF token: browsers never send them
 * on their own.
 */
public final class AccessControl {
    public static final String PRINCIPAL = "mcpwatch.principal";
    public static final String CSRF_FIELD = "_csrf";
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private final AuthService auth;

    public AccessControl(AuthService auth) {
        this.auth = auth;
    }

    public void check(Context ctx) throws SQLException {
        // JSON from the API carries probed servers' text as it came; no browser may sniff it into a page.
        ctx.header("X-Content-Type-Options", "nosniff");
        String path = ctx.path();
        if (isPublic(path)) {
            return;
        }
        boolean mcp = path.equals("/mcp");
        boolean api = path.equals("/api") || path.startsWith("/api/") || mcp;
        boolean safe = SAFE.contains(ctx.method().name());
        AuthService.Principal who;
        String authorization = ctx.header("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            who = auth.token(authorization.substring(7).strip());
            if (who == null) {
                throw mcp ? Refusal.challenge("the API token is unknown or revoked", ProtectedResourceRoutes.challenge(ctx))
                        : Refusal.bearer("the API token is unknown or revoked");
            }
        } else if (mcp) {
            who = null;
        } else {
            who = auth.session(ctx.cookie(Cookies.SESSION));
        }
        if (who == null) {
            if (api) {
                if (!auth.passwordSet()) {
                    // Every MCP request is a POST; which tools it may call is the endpoint's to decide.
                    if (safe || mcp) {
                        ctx.attribute(PRINCIPAL, new AuthService.Principal("anonymous", null, "open", true));
                        return;
                    }
                    throw Refusal.status(401, "set a password first (mcpwatch user set-password, or the setup page), then use an API token");
                }
                if (mcp) {
                    throw Refusal.challenge("this MCP endpoint needs an API token (Authorization: Bearer …; mcpwatch token create)",
                            ProtectedResourceRoutes.challenge(ctx));
                }
                throw Refusal.bearer("this API needs an API token (Authorization: Bearer …) or a dashboard session");
            }
            if (!auth.passwordSet()) {
                throw Refusal.redirect("/setup");
            }
            if (safe) {
                String next = ctx.queryString() == null ? path : path + "?" + ctx.queryString();
                throw Refusal.redirect("/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
            }
            throw Refusal.status(401, "your session has ended; log in again");
        }
        if (who.readOnly() && !safe && !mcp) {
            throw Refusal.status(403, "this API token is read-only; it cannot change anything (create one without --read-only)");
        }
        if (who.bySession() && !safe) {
            requireSameOrigin(ctx, auth.settings().trustProxy());
            String sent = ctx.header("X-CSRF-Token");
            if (sent == null && isForm(ctx)) {
                sent = ctx.formParam(CSRF_FIELD);
            }
            if (!Secrets.same(who.csrf(), sent)) {
                throw Refusal.status(403, "this form is out of date (missing or wrong CSRF token); reload the page and try again");
            }
        }
        ctx.attribute(PRINCIPAL, who);
    }

    /** The principal this request was let in as. */
    public static AuthService.Principal principal(Context ctx) {
        return ctx.attribute(PRINCIPAL);
    }

    /** The frame of a dashboard page for whoever is logged in. */
    public static Frame frame(Context ctx, String title, String section) {
        AuthService.Principal p = principal(ctx);
        return new Frame(title, p == null ? null : p.user(), p == null ? null : p.csrf(), section);
    }

    static boolean isPublic(String path) {
        return path.equals("/health") || path.equals("/metrics") || path.startsWith(ProtectedResourceRoutes.PATH) || path.equals("/api/openapi.json") || path.equals("/api/docs") || path.equals("/login") || path.equals("/setup") || path.equals("/favicon.ico")
                || path.startsWith("/status/") || path.equals("/runbooks") || path.startsWith("/runbooks/") || path.startsWith("/badge/") || path.startsWith("/assets/") || path.startsWith("/ack/");
    }

    /** A cross-site form post names another origin; refuse it even before looking at the token. */
    static void requireSameOrigin(Context ctx, boolean trustProxy) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return; // not sent by this client; the CSRF token decides
        }
        String host = trustProxy && ctx.header("X-Forwarded-Host") != null ? ctx.header("X-Forwarded-Host") : ctx.header("Host");
        String authority;
        try {
            authority = URI.create(origin).getRawAuthority();
        } catch (IllegalArgumentException e) {
            authority = null;
        }
        if (authority == null || host == null || !authority.equalsIgnoreCase(host.strip())) {
            throw Refusal.status(403, "this request came from another site (Origin " + origin + "); it was not carried out");
        }
    }

    private static boolean isForm(Context ctx) {
        String type = ctx.contentType();
        return type != null && (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data"));
    }
}
