package dev.mcpwatch.auth;

import io.javalin.http.Context;

/**
 * The cookies mcpwatch sets, written out by hand so every attribute is visible: HttpOnly (no script
 * reads them), SameSite (no other site's form or image sends them), Path=/, and Secure whenever the
 * browser reached us over https — directly, or through a trusted proxy that says so in
 * {@code X-Forwarded-Proto} ({@code web.trust_proxy}).
 */
final class Cookies {
    static final String SESSION = "mcpwatch_session";
    /** Double-submit token of the login and setup forms, which have no session to hold one. */
    static final String FORM = "mcpwatch_form";

    private Cookies() {}

    static boolean secure(Context ctx, boolean trustProxy) {
        if ("https".equalsIgnoreCase(ctx.scheme())) {
            return true;
        }
        return trustProxy && "https".equalsIgnoreCase(firstValue(ctx.header("X-Forwarded-Proto")));
    }

    static void set(Context ctx, String name, String value, long maxAgeSeconds, String sameSite, boolean secure) {
        ctx.res().addHeader("Set-Cookie", name + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=" + sameSite
                + (secure ? "; Secure" : ""));
    }

    static void clear(Context ctx, String name, boolean secure) {
        set(ctx, name, "", 0, "Lax", secure);
    }

    private static String firstValue(String header) {
        if (header == null) {
            return null;
        }
        int comma = header.indexOf(',');
        return (comma < 0 ? header : header.substring(0, comma)).strip();
    }
}
