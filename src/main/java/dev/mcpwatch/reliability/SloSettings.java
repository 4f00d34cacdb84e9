package dev.mcpwatch.reliability;

import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * One entry of {@code slos:} as written, bound from the checked file: a target on a monitor or a tag,
 * what it counts, over which window, and (optionally) its own burn-rate alerts instead of the SRE
 * workbook's three. {@link #slo} turns it into the {@link Slo} the code evaluates; what is wrong
 * throws a sentence naming the key.
 *
 * @param target    a share: {@code 99.9%} or {@code 0.999}
 * @param window    the rolling window of the budget (default 30 days)
 * @param threshold latency objectives: a healthy probe under this total time is good
 * @param tool      count this tool's health calls ({@code expect.call} / {@code calls}) instead of probes
 * @param alerts    the burn-rate alerts; absent: {@link BurnAlert#DEFAULTS}; empty: none
 */
public record SloSettings(String id, String name, String monitor, String tag, Objective objective, Double target, Duration window,
        Duration threshold, String tool, List<AlertSettings> alerts, Boolean statusPage) {

    /** One burn-rate alert as written. */
    public record AlertSettings(Duration longWindow, Duration shortWindow, Double factor, Severity severity) {}

    public static final Duration DEFAULT_WINDOW = Duration.ofDays(30);

    /** The JSON Schema of one entry (a fragment of the configuration's schema; {@code #/$defs/…} are its shared definitions). */
    public static ObjectNode schema() {
        return (ObjectNode) Json.MAPPER.readTree("""
                {
                  "type": "object", "additionalProperties": false, "required": ["id", "target"],
                  "x-missing": "is empty; an SLO needs an id, a monitor or a tag, and a target",
                  "description": "a service level objective: target % of a monitor's (or a tag's monitors') probes good over a rolling window, with burn-rate alerts (docs/reliability.md)",
                  "properties": {
                    "id": {
                      "type": "string", "pattern": "^[a-z0-9][a-z0-9._-]{0,63}$",
                      "errorMessage": "must be lower-case letters, digits, '.', '_' or '-' (at most 64), starting with a letter or digit",
                      "description": "names the SLO in the API, alerts (dedup key slo:<id>:<windows>) and the dashboard"
                    },
                    "name": {"$ref": "#/$defs/text", "description": "how people call it (default: the id)"},
                    "monitor": {"$ref": "#/$defs/text", "description": "the monitor's id (set this or tag)"},
                    "tag": {"$ref": "#/$defs/text", "description": "every monitor with this tag, counted together (set this or monitor)"},
                    "objective": {
                      "enum": ["availability", "latency"], "default": "availability",
                      "errorMessage": "must be availability or latency",
                      "description": "availability: healthy probes of all probes; latency: healthy probes under threshold of all healthy probes"
                    },
                    "target": {"$ref": "#/$defs/share", "description": "the share of good events: 99.9% or 0.999"},
                    "window": {"$ref": "#/$defs/duration", "default": "30d", "description": "the rolling window of the error budget (28d and 30d are usual)"},
                    "threshold": {"$ref": "#/$defs/duration", "description": "latency objectives: a probe's total time under this is good, e.g. 800ms"},
                    "tool": {"$ref": "#/$defs/text", "description": "availability of one tool: its health calls that succeed, of all its calls"},
                    "alerts": {
                      "type": "array", "errorMessage": "must be a list of burn-rate alerts",
                      "description": "burn-rate alerts (default: 14.4x over 1h and 5m and 6x over 6h and 30m as P1, 1x over 3d and 6h as P3); [] for none",
                      "items": {
                        "type": "object", "additionalProperties": false, "required": ["long_window", "short_window", "factor"],
                        "x-missing": "needs long_window, short_window and factor",
                        "properties": {
                          "long_window": {"$ref": "#/$defs/duration", "description": "the burn rate over this window must reach the factor"},
                          "short_window": {"$ref": "#/$defs/duration", "description": "and over this shorter one (it ends the alert soon after the burn stops)"},
                          "factor": {"$ref": "#/$defs/number", "description": "the burn rate: 1 spends the budget exactly over the window"},
                          "severity": {"enum": ["P1", "P2", "P3"], "default": "P1", "errorMessage": "must be P1, P2 or P3", "description": "routes the slo.burn event like an incident of this severity"}
                        }
                      }
                    },
                    "status_page": {"$ref": "#/$defs/boolean", "default": false, "description": "status pages that show the SLO's monitor also show its attainment"}
                  }
                }
                """);
    }

    /** The SLO this entry describes; {@code IllegalArgumentException} with a sentence when it cannot be one. */
    public Slo slo() {
        if ((monitor == null) == (tag == null)) {
            throw new IllegalArgumentException("set either monitor or tag (the SLO counts one monitor's probes, or all of a tag's monitors')");
        }
        Objective o = objective == null ? Objective.AVAILABILITY : objective;
        if (target == null || !(target > 0 && target < 1)) {
            throw new IllegalArgumentException("target must be above 0% and below 100%, e.g. 99.9%, got " + target);
        }
        Duration w = window == null ? DEFAULT_WINDOW : window;
        if (w.compareTo(Duration.ofHours(1)) < 0 || w.toMillis() % 60_000 != 0) {
            throw new IllegalArgumentException("window must be whole minutes and at least 1h (28d and 30d are usual), got " + Windows.words(w));
        }
        if (o == Objective.AVAILABILITY && threshold != null) {
            throw new IllegalArgumentException("threshold applies to latency objectives; set objective: latency or remove it");
        }
        List<BurnAlert> burn = new ArrayList<>();
        if (alerts == null) {
            burn.addAll(BurnAlert.DEFAULTS);
        } else {
            for (int i = 0; i < alerts.size(); i++) {
                AlertSettings a = alerts.get(i);
                try {
                    burn.add(new BurnAlert(a.longWindow(), a.shortWindow(), a.factor(), a.severity() == null ? Severity.P1 : a.severity()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("alerts[" + i + "]: " + e.getMessage());
                }
            }
        }
        return new Slo(id, name == null ? id : name, monitor, tag, o, target, w, threshold, tool, burn, Boolean.TRUE.equals(statusPage));
    }
}
