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

    /**
     * One public status page: its address, its heading, the monitors it shows, in order, and those of
     * them marked critical (the page says "Major outage" when all of these are down, not only when
     * every monitor is).
     */
    public record StatusPageConfig(String slug, String title, String description, List<String> monitors, List<String> critical) {
        public StatusPageConfig {
            monitors = List.copyOf(monitors);
            critical = critical == null ? List.of() : List.copyOf(critical);
        }

        public StatusPageConfig(String slug, String title, String description, List<String> monitors) {
            this(slug, title, description, monitors, List.of());
        }
    }
}
