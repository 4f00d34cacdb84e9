package dev.mcpwatch.config;

import dev.mcpwatch.probe.Layer;
import dev.mcpwatch.probe.Reason;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A monitor's {@code remediation:} (or the one in {@code defaults:}): what mcpwatch does by itself
 * when the monitor is confirmed down with one of the {@code on} reasons — run a command, or send an
 * HTTP request (a restart hook) — then how long it watches for the recovery, and the guards that
 * keep an automatic restart from becoming a restart loop (a cooldown, a limit per hour, as systemd's
 * {@code StartLimitBurst} does).
 *
 * @param on         the failure reasons that trigger it; by default the tcp-layer and timeout outages
 *                   (nothing listens, or it hangs), where a restart is the guide's first mitigation
 * @param command    a program and its arguments (exactly one of command and http)
 * @param cwd        the command's working directory
 * @param env        the command's whole environment: nothing of mcpwatch's own is passed on
 * @param http       a request to send instead of a command
 * @param timeout    the action's deadline; a command still running then is killed with its descendants
 * @param watch      how long to wait for the recovery, re-probing every retry_interval
 * @param cooldown   at least this long between two attempts on a monitor
 * @param maxPerHour at most this many attempts per monitor in any hour
 */
public record RemediationSettings(List<String> on, List<String> command, String cwd, Map<String, String> env, Http http,
        Duration timeout, Duration watch, Duration cooldown, Integer maxPerHour) {

    /** {@code http:} of a remediation: the request of a restart hook. */
    public record Http(String method, String url, Map<String, String> headers, String body) {
        public Http {
            method = method == null ? "POST" : method;
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }
    }

    public static final List<String> DEFAULT_ON = Arrays.stream(Reason.values())
            .filter(r -> r.layer() == Layer.TCP || r.layer() == Layer.TIME).map(Reason::wireName).toList();

    public RemediationSettings {
        on = on == null || on.isEmpty() ? DEFAULT_ON : List.copyOf(on);
        command = command == null ? List.of() : List.copyOf(command);
        env = env == null ? Map.of() : Map.copyOf(env);
        timeout = timeout == null ? Duration.ofSeconds(60) : timeout;
        watch = watch == null ? Duration.ofMinutes(5) : watch;
        cooldown = cooldown == null ? Duration.ofMinutes(10) : cooldown;
        maxPerHour = maxPerHour == null ? 3 : maxPerHour;
    }

    public boolean triggeredBy(Reason reason) {
        return on.contains(reason.wireName());
    }

    /** The schema of {@code remediation:}, a fragment of the monitor settings'. */
    public static final String SCHEMA = """
            {
              "type": "object", "additionalProperties": false,
              "description": "on a confirmed P1 with one of the on reasons, run command or send http once, then watch for the recovery (not for monitors added from the dashboard or the API)",
              "properties": {
                "on": {
                  "type": "array", "items": {"$ref": "#/$defs/reason"},
                  "description": "failure reasons that trigger it; default: connection_refused, connect_timeout, network_unreachable, timeout"
                },
                "command": {"$ref": "#/$defs/texts", "description": "a program and its arguments, e.g. [systemctl, restart, weather-mcp]"},
                "cwd": {"$ref": "#/$defs/text", "description": "the command's working directory"},
                "env": {"$ref": "#/$defs/variables", "description": "the command's whole environment (nothing of mcpwatch's is passed on)"},
                "http": {
                  "type": "object", "additionalProperties": false, "required": ["url"],
                  "description": "a request to a restart hook instead of a command",
                  "properties": {
                    "method": {"enum": ["POST", "PUT", "GET", "DELETE", "PATCH"], "errorMessage": "must be POST, PUT, GET, DELETE or PATCH"},
                    "url": {"$ref": "#/$defs/text", "description": "an http(s) URL"},
                    "headers": {"$ref": "#/$defs/headers", "description": "values are never shown or stored (write secrets as ${ENV_VAR})"},
                    "body": {"$ref": "#/$defs/text"}
                  }
                },
                "timeout": {"$ref": "#/$defs/duration", "description": "the action's deadline (default 60s); a command still running is killed with its descendants"},
                "watch": {"$ref": "#/$defs/duration", "description": "how long to watch for the recovery, re-probing every retry_interval (default 5m); not recovered by then, escalation moves to its next step"},
                "cooldown": {"$ref": "#/$defs/duration", "description": "at least this long between two attempts on the monitor (default 10m)"},
                "max_per_hour": {"$ref": "#/$defs/integer", "minimum": 1, "maximum": 60, "description": "at most this many attempts per monitor in any hour (default 3)"}
              }
            }
            """;
}
