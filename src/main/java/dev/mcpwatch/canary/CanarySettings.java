package dev.mcpwatch.canary;

import dev.mcpwatch.incident.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A continuous canary as the configuration ({@code canaries:}) or {@code POST /api/canaries}
 * defines it: two monitors, the stable and the canary, compared round after round; or one monitor
 * whose URL leads to both, split by a response header. {@code stage} is where the canary starts
 * (5, 25, 50 or 100 % of traffic), {@code started_at} when (default: when mcpwatch first sees it);
 * promotions are recorded later through the API. A rollback verdict alerts as
 * {@code canary.rollback} with {@code severity} (P1 by default) through the alert routes.
 *
 * @param interval how often a round probes both sides (default 10 s)
 * @param allowBreaking breaking tool-surface changes are acknowledged for this deploy
 * @param prometheus where real traffic is read (the guide's metrics by {@code version}), or null
 */
public record CanarySettings(String id, String stable, String canary, String monitor, Split split, Integer stage, Instant startedAt,
        Duration interval, Boolean allowBreaking, Severity severity, Prometheus prometheus) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    static final Duration MAX_INTERVAL = Duration.ofHours(1);

    /** The JSON Schema of one item of {@code canaries:}, a fragment of the configuration's schema. */
    public static final String SCHEMA = """
            {
              "type": "object", "additionalProperties": false, "required": ["id"],
              "x-missing": "is empty; a canary needs an id and either stable and canary, or monitor and split",
              "description": "a continuous canary (docs/canary.md): a stable and a canary monitor compared by the canary guide's rollback rules and progression gates; GET /api/canaries/{id} answers promote, hold or rollback",
              "properties": {
                "id": {"$ref": "#/$defs/monitor_id", "description": "the canary's name in the API (/api/canaries/{id}) and the dashboard"},
                "stable": {"$ref": "#/$defs/text", "description": "the id of the monitor of the stable version (with canary)"},
                "canary": {"$ref": "#/$defs/text", "description": "the id of the monitor of the new version (with stable)"},
                "monitor": {"$ref": "#/$defs/text", "description": "instead of stable and canary: one monitor whose URL leads to both versions (with split)"},
                "split": {
                  "type": "object", "additionalProperties": false, "required": ["header", "stable", "canary"],
                  "x-missing": "needs header, stable and canary",
                  "description": "how to tell the versions apart behind one URL: the response header that names the version, and each side's value",
                  "properties": {
                    "header": {"type": "string", "pattern": "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", "errorMessage": "is not a valid HTTP header name",
                      "description": "e.g. X-Server-Version"},
                    "stable": {"$ref": "#/$defs/text", "description": "the header's value from the stable version"},
                    "canary": {"$ref": "#/$defs/text", "description": "the header's value from the canary"}
                  }
                },
                "stage": {"enum": [5, 25, 50, 100], "errorMessage": "must be 5, 25, 50 or 100 (percent of traffic)",
                  "description": "the share of traffic the canary takes when it starts; promotions are recorded with POST /api/canaries/{id}/stage, and a new value here applies from the reload", "default": 5},
                "started_at": {"type": "string", "format": "date-time", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T.*(Z|[+-][0-9]{2}:[0-9]{2})$",
                  "errorMessage": "must be a time like 2026-11-21T10:00:00Z", "description": "when the deploy began (default: when mcpwatch first reads this canary)"},
                "interval": {"$ref": "#/$defs/duration", "description": "how often a round probes both sides (1s to 1h)", "default": "10s"},
                "allow_breaking": {"$ref": "#/$defs/boolean", "description": "true acknowledges breaking tool-surface changes for this deploy", "default": false},
                "severity": {"enum": ["P1", "P2", "P3"], "errorMessage": "must be P1, P2 or P3",
                  "description": "the severity of the canary.rollback alert, routed like any other", "default": "P1"},
                "prometheus": {
                  "type": "object", "additionalProperties": false, "required": ["url"],
                  "x-missing": "needs the url of a Prometheus server",
                  "description": "also judge real traffic: the servers' mcp_tool_call_errors_total and mcp_tool_call_duration_seconds in this Prometheus, by their version label",
                  "properties": {
                    "url": {"$ref": "#/$defs/text", "description": "the Prometheus server, e.g. http://prometheus:9090 (user info is sent as basic auth, never shown)"},
                    "stable_version": {"$ref": "#/$defs/text", "description": "the stable's version label (default: the split's stable value, else stable)"},
                    "canary_version": {"$ref": "#/$defs/text", "description": "the canary's version label (default: the split's canary value, else canary)"}
                  }
                }
              }
            }
            """;

    /** Stable and canary behind one URL: the header that names the version, and each side's value of it. */
    public record Split(String header, String stable, String canary) {
        HeaderSplit toHeaderSplit() {
            return new HeaderSplit(header, stable, canary);
        }
    }

    /** Where real traffic is read, and each side's {@code version} label there (defaults in {@link #stableLabel}, {@link #canaryLabel}). */
    public record Prometheus(String url, String stableVersion, String canaryVersion) {}

    public CanarySettings {
        stage = stage == null ? Stage.FIVE.percent() : stage;
        interval = interval == null ? DEFAULT_INTERVAL : interval;
        allowBreaking = allowBreaking != null && allowBreaking;
        severity = severity == null ? Severity.P1 : severity;
    }

    /** What is wrong with these settings, by the key it is written under (in the order written); empty when they can run. */
    public List<Map.Entry<String, String>> problems() {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        if (id == null || !id.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
            out.add(Map.entry("id", "a canary id is 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit; got "
                    + (id == null ? "none" : "'" + id + "'")));
        }
        String name = "canary '" + id + "'";
        boolean two = stable != null || canary != null;
        boolean one = monitor != null || split != null;
        if (two == one) {
            out.add(Map.entry(two ? "monitor" : "stable", name + " needs either stable and canary (two monitor ids), or monitor and split "
                    + "(one monitor whose responses name the version in a header)"));
        } else if (two && (stable == null || canary == null)) {
            out.add(Map.entry(stable == null ? "stable" : "canary", name + " needs both stable and canary monitor ids"));
        } else if (two && stable.equals(canary)) {
            out.add(Map.entry("canary", name + ": stable and canary are the same monitor '" + stable + "'"));
        } else if (one && (monitor == null || split == null)) {
            out.add(Map.entry(monitor == null ? "monitor" : "split", name + " needs both monitor and split (header, stable, canary)"));
        } else if (split != null) {
            try {
                split.toHeaderSplit();
            } catch (IllegalArgumentException | NullPointerException e) {
                out.add(Map.entry("split", e instanceof NullPointerException ? "the split needs a header" : e.getMessage()));
            }
        }
        try {
            Stage.of(stage);
        } catch (IllegalArgumentException e) {
            out.add(Map.entry("stage", e.getMessage()));
        }
        if (prometheus != null && (prometheus.url() == null || !prometheus.url().matches("(?i)https?://[^/?#\\s]+.*"))) {
            out.add(Map.entry("prometheus", name + ": prometheus needs the http(s) URL of a Prometheus server, got "
                    + (prometheus.url() == null ? "none" : "'" + dev.mcpwatch.probe.Urls.redact(prometheus.url()) + "'")));
        }
        if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
            out.add(Map.entry("interval", name + ": the interval must be between 1s and 1h, got " + Analysis.words(interval)));
        }
        return out;
    }

    /** These settings, or an {@code IllegalArgumentException} with the first thing wrong with them. */
    public CanarySettings validated() {
        List<Map.Entry<String, String>> problems = problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.getFirst().getValue());
        }
        return this;
    }

    /** The monitors this canary probes. */
    public List<String> monitors() {
        return monitor != null ? List.of(monitor) : List.of(stable, canary);
    }

    /** The stable's {@code version} label in Prometheus. */
    String stableLabel() {
        return prometheus != null && prometheus.stableVersion() != null ? prometheus.stableVersion() : split != null ? split.stable() : "stable";
    }

    /** The canary's {@code version} label in Prometheus. */
    String canaryLabel() {
        return prometheus != null && prometheus.canaryVersion() != null ? prometheus.canaryVersion() : split != null ? split.canary() : "canary";
    }

    /** The monitor a rollback alert is about: the canary's, or the one URL's. */
    String alertedMonitor() {
        return monitor != null ? monitor : canary;
    }
}
