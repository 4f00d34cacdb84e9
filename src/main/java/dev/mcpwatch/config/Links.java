package dev.mcpwatch.config;

import java.net.URI;

/** Settings that hold a link: a public URL, a monitor's URL, a runbook. */
public final class Links {
    private Links() {}

    /** An absolute http(s) URL with a host. */
    public static boolean isHttpUrl(String s) {
        try {
            URI u = URI.create(s);
            return (u.getScheme() != null && (u.getScheme().equals("http") || u.getScheme().equals("https")))
                    && u.getHost() != null && !u.getHost().isEmpty();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
