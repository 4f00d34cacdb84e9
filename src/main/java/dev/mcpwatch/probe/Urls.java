package dev.mcpwatch.probe;

import java.net.URI;

/**
 * Monitor URLs as they may be shown or stored. A URL's user info and query values often carry a
 * token ({@code https://user:${T}@host/mcp}, {@code ?key=${T}}); the real URL is only ever needed to
 * probe, so everything else — pages, the API, results, the database, alerts, log lines — gets this
 * form. The one redaction of URLs in mcpwatch: use it rather than writing another.
 */
public final class Urls {
    private Urls() {}

    /** The URL without user info and fragment, each query value replaced by {@code (redacted)}; null stays null. */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        try {
            URI u = URI.create(url);
            if (u.getScheme() == null || u.getHost() == null) {
                return "(unparsable URL)";
            }
            String query = u.getRawQuery();
            StringBuilder q = new StringBuilder();
            if (query != null) {
                for (String pair : query.split("&")) {
                    int eq = pair.indexOf('=');
                    q.append(q.isEmpty() ? "?" : "&").append(eq < 0 ? pair : pair.substring(0, eq) + "=(redacted)");
                }
            }
            return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()) + (u.getRawPath() == null ? "" : u.getRawPath())
                    + q;
        } catch (IllegalArgumentException e) {
            return "(unparsable URL)";
        }
    }
}
