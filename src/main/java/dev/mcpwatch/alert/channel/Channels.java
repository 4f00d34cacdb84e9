package dev.mcpwatch.alert.channel;

import dev.mcpwatch.config.Block;
import dev.mcpwatch.config.Section;
import dev.mcpwatch.probe.Json;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The registry of channel types: each type once, with the {@link Block} that declares its settings
 * (the key is the {@code type}, the schema what else it takes) and the factory that builds the
 * channel from them. Adding a channel is one class and one line here; the configuration's schema
 * gets its settings from this list.
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

    /** What every channel's configuration has besides its own keys. */
    public record Common(String name, Duration timeout, int concurrency) {}

    /** Builds a channel from its checked settings; what only the channel can check (an address, a CA file) goes to the section. */
    @FunctionalInterface
    interface Factory<S> {
        Channel create(Common common, S settings, Section at);
    }

    private record Type<S>(Block<S> block, Factory<S> factory) {
        Channel create(Common common, Section at) {
            S settings = block.read(at.without(COMMON), block.defaults());
            return settings == null ? null : factory.create(common, settings, at);
        }
    }

    private static final Map<String, Type<?>> TYPES = new LinkedHashMap<>();

    static {
        add(WebhookChannel.SETTINGS, WebhookChannel::create);
        add(SlackChannel.SETTINGS, SlackChannel::create);
        add(DiscordChannel.SETTINGS, DiscordChannel::create);
        add(PagerDutyChannel.SETTINGS, PagerDutyChannel::create);
        add(OpsgenieChannel.SETTINGS, OpsgenieChannel::create);
        add(TeamsChannel.SETTINGS, TeamsChannel::create);
        add(NtfyChannel.SETTINGS, NtfyChannel::create);
        add(EmailChannel.SETTINGS, EmailChannel::create);
    }

    private static <S> void add(Block<S> block, Factory<S> factory) {
        TYPES.put(block.key(), new Type<>(block, factory));
    }

    private Channels() {}

    public static Set<String> types() {
        return TYPES.keySet();
    }

    /** Each channel type's settings, in the order above. */
    public static List<Block<?>> blocks() {
        return TYPES.values().stream().<Block<?>>map(Type::block).toList();
    }

    /** Builds the channel {@code name} from what its section holds; null when it is unusable (its problems are reported). */
    public static Channel create(String name, Section at) {
        Type<?> type = TYPES.get(at.at("type").text());
        if (type == null) {
            return null;
        }
        Duration timeout = at.at("timeout").bind(Duration.class);
        if (timeout != null && (timeout.isZero() || timeout.compareTo(Duration.ofMinutes(5)) > 0)) {
            at.at("timeout").problem("must be more than 0 and at most 5m, got " + timeout.toMillis() + "ms");
            timeout = null;
        }
        Integer concurrency = at.at("concurrency").bind(Integer.class);
        return type.create(new Common(name, timeout, concurrency == null ? DEFAULT_CONCURRENCY : concurrency), at);
    }

    /**
     * The schema of one channel: {@code type} picks the settings that may follow it, each type's
     * own and the ones every channel takes.
     */
    public static ObjectNode schema() {
        ObjectNode common = Json.object();
        ArrayNode names = common.putObject("type").putArray("enum");
        TYPES.keySet().forEach(names::add);
        common.putObject("timeout").put("$ref", "#/$defs/duration")
                .put("description", "this channel's delivery deadline, at most 5m (default alerting.delivery.timeout)");
        common.putObject("concurrency").put("$ref", "#/$defs/integer").put("minimum", 1).put("maximum", 256).put("default", DEFAULT_CONCURRENCY)
                .put("description", "deliveries to this channel at once; the others wait in the outbox");
        ObjectNode channel = Json.object().put("type", "object");
        channel.putArray("required").add("type");
        channel.put("x-missing", "is empty; a channel needs at least a type (" + String.join(", ", TYPES.keySet()) + ")");
        channel.set("properties", common);
        ArrayNode variants = channel.putArray("allOf");
        for (Type<?> type : TYPES.values()) {
            ObjectNode variant = variants.addObject();
            ObjectNode when = variant.putObject("if");
            when.putObject("properties").putObject("type").put("const", type.block().key());
            when.putArray("required").add("type");
            ObjectNode then = type.block().schema().deepCopy();
            ObjectNode properties = common.deepCopy();
            if (then.has("properties")) {
                properties.setAll((ObjectNode) then.get("properties"));
            }
            then.set("properties", properties);
            then.put("additionalProperties", false);
            variant.set("then", then);
        }
        return channel;
    }

    /** A secret as written; empty when its variable was empty, which disables the channel. */
    static String secret(String value) {
        return value == null ? "" : value.strip();
    }

    /** A secret that must be an http(s) URL when set; the value is never repeated in a problem. */
    static String secretUrl(String value, Section at) {
        String v = secret(value);
        if (!v.isEmpty() && !Http.isHttpUrl(v)) {
            at.problem("must be an http(s) URL (the value is not shown: it may hold a token)");
        }
        return v;
    }

    /** An optional base URL (for tests and private deployments), http(s), without a trailing slash. */
    static String baseUrl(String value, Section at, String fallback) {
        if (value == null) {
            return fallback;
        }
        if (!Http.isHttpUrl(value)) {
            at.problem("must be an http(s) URL, got '" + value + "'");
            return fallback;
        }
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    static String emptyBecause(String key, String value) {
        return value == null || value.isEmpty() ? key + " is empty (is its environment variable set?)" : null;
    }
}
