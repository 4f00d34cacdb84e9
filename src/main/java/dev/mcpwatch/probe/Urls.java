package dev.mcpwatch.probe;

/**
 * Monitor URLs as they may be shown or stored. A URL's user info and query values often carry a
 * token ({@code https://user:${T}@host/mcp}, {@code ?key=${T}}); the real URL is only ever needed to
 * probe, so everything else — pages, the API, results, the database, alerts, log lines — gets this
 * form. The one redaction of URLs in mcpwatch: use it rather than writing another.
 */
public final class Urls {
    private Urls() {}

    /**
     * The URL without user info and fragment, each query value replaced by {@code (redacted)}; null
     * stays null. Works on the text, so that something that is not quite a URL (a configuration
     * mistake) is shown as written, minus what could be a secret.
     */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        String s = url;
        int hash = s.indexOf('#');
        if (hash >= 0) {
            s = s.substring(0, hash);
        }
        String query = null;
        int question = s.indexOf('?');
        if (question >= 0) {
            query = s.substring(question + 1);
            s = s.substring(0, question);
        }
        int scheme = s.indexOf("://");
        int authority = scheme < 0 ? 0 : scheme + 3;
        int path = s.indexOf('/', authority);
        int at = s.lastIndexOf('@', (path < 0 ? s.length() : path) - 1);
        if (at >= authority) {
            s = s.substring(0, authority) + s.substring(at + 1);
        }
        StringBuilder out = new StringBuilder(s);
        if (query != null) {
            String sep = "?";
            for (String pair : query.split("&", -1)) {
                int eq = pair.indexOf('=');
                out.append(sep).append(eq < 0 ? pair : pair.substring(0, eq) + "=(redacted)");
                sep = "&";
            }
        }
        return out.toString();
    }
}
