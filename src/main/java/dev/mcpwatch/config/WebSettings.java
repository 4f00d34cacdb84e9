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
 * @param apiEnvAllow    the environment variables a monitor added from the dashboard or the API may
 *                       reference: names, or prefixes ending in {@code *}; none by default
 * @param metrics        who may read {@code /metrics}
 */
public record WebSettings(boolean trustProxy, Duration sessionIdle, Duration sessionMax, List<StatusPageConfig> statusPages,
        List<String> apiEnvAllow, MetricsSettings metrics) {
    public static final WebSettings DEFAULT = new WebSettings(false, Duration.ofHours(12), Duration.ofDays(7), List.of(), List.of(),
            MetricsSettings.DEFAULT);

    public static final Block<WebSettings> BLOCK = Block.of("web", WebSettings.class, DEFAULT, """
            {
              "type": "object", "additionalProperties": false,
              "description": "the dashboard (at /, behind login) and its sessions",
              "properties": {
                "trust_proxy": {
                  "$ref": "#/$defs/boolean",
                  "description": "true behind a reverse proxy that terminates TLS: X-Forwarded-Proto: https then marks session cookies Secure"
                },
                "session_idle": {"$ref": "#/$defs/duration", "description": "a session unused this long ends (at least 5m)"},
                "session_max": {"$ref": "#/$defs/duration", "description": "a session ends this long after login, used or not"},
                "metrics": %s,
                "api_env_allow": {
                  "type": ["array", "string"],
                  "description": "environment variables that monitors added from the dashboard or the API may reference in header values: names (MCP_TOKEN) or prefixes (MCP_*); none by default, since serve's environment also holds its own secrets",
                  "items": {
                    "type": "string", "pattern": "^([A-Za-z_][A-Za-z0-9_]*[*]?|[*])$",
                    "errorMessage": "must be a variable name (MCP_TOKEN) or a prefix ending in * (MCP_*)"
                  }
                }
              }
            }
            """.formatted(MetricsSettings.SCHEMA)).checkedBy(WebSettings::check);

    public WebSettings {
        statusPages = List.copyOf(statusPages);
        apiEnvAllow = List.copyOf(apiEnvAllow);
        metrics = metrics == null ? MetricsSettings.DEFAULT : metrics;
    }

    public WebSettings(boolean trustProxy, Duration sessionIdle, Duration sessionMax, List<StatusPageConfig> statusPages) {
        this(trustProxy, sessionIdle, sessionMax, statusPages, List.of(), MetricsSettings.DEFAULT);
    }

    public WebSettings(boolean trustProxy, Duration sessionIdle, Duration sessionMax, List<StatusPageConfig> statusPages,
            List<String> apiEnvAllow) {
        this(trustProxy, sessionIdle, sessionMax, statusPages, apiEnvAllow, MetricsSettings.DEFAULT);
    }

    private static void check(WebSettings w, Section at) {
        if (w.sessionIdle().compareTo(Duration.ofMinutes(5)) < 0) {
            at.at("session_idle").problem("must be at least 5m, got " + Durations.pretty(w.sessionIdle()));
        }
        if (w.sessionMax().compareTo(w.sessionIdle()) < 0) {
            at.at("session_max").problem("must not be shorter than session_idle (" + Durations.pretty(w.sessionIdle()) + "), got "
                    + Durations.pretty(w.sessionMax()));
        }
        MetricsSettings.check(w.metrics(), at.at("metrics"));
        // The schema lets * through so that this can say why it is refused.
        for (Section name : at.at("api_env_allow").items()) {
            if ("*".equals(name.text())) {
                name.problem("must be a variable name (MCP_TOKEN) or a prefix ending in * (MCP_*), got '*'; "
                        + "* alone would let the API read every secret of mcpwatch's environment");
            }
        }
    }

    /**
     * Whether a monitor from the dashboard or the API may read this environment variable. Nothing
     * is allowed unless listed: the process also holds the database password, webhook signing
     * secrets and channel keys, and an API user chooses where a monitor's headers are sent.
     */
    public boolean allowsApiEnv(String name) {
        for (String allowed : apiEnvAllow) {
            if (allowed.endsWith("*") ? name.startsWith(allowed.substring(0, allowed.length() - 1)) : name.equals(allowed)) {
                return true;
            }
        }
        return false;
    }

    public Optional<StatusPageConfig> statusPage(String slug) {
        return statusPages.stream().filter(p -> p.slug().equals(slug)).findFirst();
    }

    /** Whether any status page shows this monitor (only those have public badges and JSON). */
    public boolean isPublic(String monitorId) {
        return statusPages.stream().anyMatch(p -> p.monitors().contains(monitorId));
    }

    /** The same settings with these status pages. */
    public WebSettings withStatusPages(List<StatusPageConfig> pages) {
        return new WebSettings(trustProxy, sessionIdle, sessionMax, pages, apiEnvAllow, metrics);
    }

    /**
     * One public status page: its address, its heading, the monitors it shows, in order, and those of
     * them marked critical (the page says "Major outage" when all of these are down, not only when
     * every monitor is).
     */
    public record StatusPageConfig(String slug, String title, String description, List<String> monitors, List<String> critical) {
        public StatusPageConfig {
            monitors = monitors == null ? List.of() : List.copyOf(monitors);
            critical = critical == null ? List.of() : List.copyOf(critical);
        }

        public StatusPageConfig(String slug, String title, String description, List<String> monitors) {
            this(slug, title, description, monitors, List.of());
        }
    }
}
