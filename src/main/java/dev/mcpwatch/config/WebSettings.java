package dev.mcpwatch.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The dashboard's sessions and the public status pages ({@code web:} and {@code status_pages:}).
 *
 * @param trustProxy     honour {@code X-Forwarded-Proto} from a reverse proxy that terminates TLS:
 *                       session cookies are then marked Secure when the proxy says https
 * @param sessionIdle    a session not used for this long ends
 * @param sessionMax     a session ends this long after login, used or not
 * @param statusPages    the public status pages, each at {@code /status/{slug}}
 */
public record WebSettings(boolean trustProxy, Duration sessionIdle, Duration sessionMax, List<StatusPageConfig> statusPages) {
    public static final WebSettings DEFAULT = new WebSettings(false, Duration.ofHours(12), Duration.ofDays(7), List.of());

    static final Block<WebSettings> BLOCK = Block.of("web", WebSettings.class, DEFAULT, """
            {
              "type": "object", "additionalProperties": false,
              "description": "the dashboard (at /, behind login) and its sessions",
              "properties": {
                "trust_proxy": {
                  "$ref": "#/$defs/boolean",
                  "description": "true behind a reverse proxy that terminates TLS: X-Forwarded-Proto: https then marks session cookies Secure"
                },
                "session_idle": {"$ref": "#/$defs/duration", "description": "a session unused this long ends (at least 5m)"},
                "session_max": {"$ref": "#/$defs/duration", "description": "a session ends this long after login, used or not"}
              }
            }
            """).checkedBy((w, at) -> {
                if (w.sessionIdle().compareTo(Duration.ofMinutes(5)) < 0) {
                    at.at("session_idle").problem("must be at least 5m, got " + Durations.format(w.sessionIdle()));
                }
                if (w.sessionMax().compareTo(w.sessionIdle()) < 0) {
                    at.at("session_max").problem("must not be shorter than session_idle (" + Durations.format(w.sessionIdle()) + "), got "
                            + Durations.format(w.sessionMax()));
                }
            });

    public WebSettings {
        statusPages = List.copyOf(statusPages);
    }

    public Optional<StatusPageConfig> statusPage(String slug) {
        return statusPages.stream().filter(p -> p.slug().equals(slug)).findFirst();
    }

    /** Whether any status page shows this monitor (only those have public badges and JSON). */
    public boolean isPublic(String monitorId) {
        return statusPages.stream().anyMatch(p -> p.monitors().contains(monitorId));
    }

    /** The same settings with these status pages. */
    WebSettings withStatusPages(List<StatusPageConfig> pages) {
        return new WebSettings(trustProxy, sessionIdle, sessionMax, pages);
    }

    /** One public status page: its address, its heading and the monitors it shows, in order. */
    public record StatusPageConfig(String slug, String title, String description, List<String> monitors) {
        public StatusPageConfig {
            monitors = monitors == null ? List.of() : List.copyOf(monitors);
        }
    }
}
