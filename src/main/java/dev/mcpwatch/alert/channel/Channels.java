package dev.mcpwatch.alert.channel;

import dev.mcpwatch.config.Section;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The registry of channel types: each type once, with the settings it takes and the reader that
 * validates them at configuration load. Adding a channel is one class and one line here.
 *
 * <p>Settings every channel takes: {@code type}, {@code timeout} (this channel's delivery deadline)
 * and {@code concurrency} (deliveries to it at once, default 4). A secret setting (a webhook URL, a
 * routing key, an API key, a password) must be written, but may come out empty from
 * {@code ${VAR:-}}: the channel is then disabled, reported by {@code config check} and skipped by
 * routes, so an example configuration loads on a machine without the secrets.
 */
public final class Channels {
    static final int DEFAULT_CONCURRENCY = 4;
    private static final Set<String> COMMON = Set.of("type", "timeout", "concurrency");

    /** Reads one type's own settings; problems go to the section. */
    @FunctionalInterface
    interface Reader {
        Channel read(Common common, Section s);
    }

    /** The settings every channel has. */
    /** What every channel's configuration has besides its own keys. */
    public record Common(String name, Duration timeout, int concurrency) {}

    private record Type(Set<String> keys, Reader reader) {}

    private static final Map<String, Type> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put("webhook", new Type(WebhookChannel.KEYS, WebhookChannel::read));
        TYPES.put("slack", new Type(SlackChannel.KEYS, SlackChannel::read));
        TYPES.put("discord", new Type(DiscordChannel.KEYS, DiscordChannel::read));
        TYPES.put("pagerduty", new Type(PagerDutyChannel.KEYS, PagerDutyChannel::read));
        TYPES.put("opsgenie", new Type(OpsgenieChannel.KEYS, OpsgenieChannel::read));
        TYPES.put("teams", new Type(TeamsChannel.KEYS, TeamsChannel::read));
        TYPES.put("ntfy", new Type(NtfyChannel.KEYS, NtfyChannel::read));
        TYPES.put("email", new Type(EmailChannel.KEYS, EmailChannel::read));
    }

    private Channels() {}

    public static Set<String> types() {
        return TYPES.keySet();
    }

    /** Reads and validates the channel {@code name} at {@code s}; null when it is unusable (problems reported). */
    public static Channel read(String name, Section s) {
        if (!s.requireObject()) {
            if (s.isMissing()) {
                s.problem("is empty; a channel needs at least a type (" + String.join(", ", TYPES.keySet()) + ")");
            }
            return null;
        }
        String typeName = s.requiredString("type");
        if (typeName == null) {
            return null;
        }
        Type type = TYPES.get(typeName);
        if (type == null) {
            s.get("type").problem("must be one of " + String.join(", ", TYPES.keySet()) + ", got '" + typeName + "'");
            return null;
        }
        Set<String> allowed = new HashSet<>(COMMON);
        allowed.addAll(type.keys());
        s.allowOnly(new TreeSet<>(allowed));
        Duration timeout = s.duration("timeout", null);
        if (timeout != null && (timeout.isZero() || timeout.compareTo(Duration.ofMinutes(5)) > 0)) {
            s.get("timeout").problem("must be more than 0 and at most 5m, got " + timeout.toMillis() + "ms");
            timeout = null;
        }
        int concurrency = s.integer("concurrency", DEFAULT_CONCURRENCY, 1, 256);
        return type.reader().read(new Common(name, timeout, concurrency), s);
    }

    /**
     * A secret setting: it must be written, but may be empty (the channel is then disabled). Its
     * value is never repeated in a problem.
     */
    static String secret(Section s, String key) {
        if (!s.isSet(key)) {
            s.get(key).problem("is required (write it as ${ENV_VAR} so the secret stays out of the file)");
            return "";
        }
        String v = s.string(key, "");
        return v == null ? "" : v.strip();
    }

    /** A secret that must be an http(s) URL when set; the value is never repeated in a problem. */
    static String secretUrl(Section s, String key) {
        String v = secret(s, key);
        if (!v.isEmpty() && !Http.isHttpUrl(v)) {
            s.get(key).problem("must be an http(s) URL (the value is not shown: it may hold a token)");
        }
        return v;
    }

    /** An optional base URL (for tests and private deployments), http(s), without a trailing slash. */
    static String baseUrl(Section s, String key, String fallback) {
        String v = s.string(key, fallback);
        if (v != null && !Http.isHttpUrl(v)) {
            s.get(key).problem("must be an http(s) URL, got '" + v + "'");
            return fallback;
        }
        return v != null && v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
    }

    static String emptyBecause(String key, String value) {
        return value == null || value.isEmpty() ? key + " is empty (is its environment variable set?)" : null;
    }
}
