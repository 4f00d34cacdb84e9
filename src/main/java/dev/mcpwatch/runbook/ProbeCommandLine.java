package dev.mcpwatch.runbook;

import dev.mcpwatch.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The {@code mcpwatch probe …} command that reproduces a monitor's probe by hand, written from the
 * monitor's stored configuration — which holds no secret: header and environment values become
 * {@code ${VAR}} references (the probe reads header references from the environment itself), a URL's
 * query values stay redacted. So the command can be shown on a page and copied into a shell; the
 * on-call sets the variables it names.
 */
public final class ProbeCommandLine {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:@%+,=-]+");
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DEFAULT_INITIALIZE_TIMEOUT = Duration.ofSeconds(10);

    /** The command, and what it cannot carry (so the page says it rather than letting it fail quietly). */
    public record Command(String line, List<String> variables, List<String> notes) {}

    private ProbeCommandLine() {}

    /** From a monitor's stored configuration ({@code MonitorStore.describe}). */
    public static Command of(JsonNode config) {
        List<String> args = new ArrayList<>(List.of("mcpwatch", "probe"));
        List<String> variables = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String transport = config.path("transport").asString("streamable-http");
        if ("sse".equals(transport)) {
            args.addAll(List.of("--transport", "sse"));
        }
        String protocol = config.path("protocol").asString("auto");
        if (!"auto".equals(protocol)) {
            args.addAll(List.of("--protocol", protocol));
        }
        for (String header : config.path("headers").propertyNames()) {
            String variable = variable(header);
            variables.add(variable);
            args.addAll(List.of("-H", header + ": ${" + variable + "}"));
        }
        duration(config, "timeout_ms", DEFAULT_TIMEOUT).ifPresent(d -> args.addAll(List.of("--timeout", d)));
        duration(config, "initialize_timeout_ms", DEFAULT_INITIALIZE_TIMEOUT).ifPresent(d -> args.addAll(List.of("--initialize-timeout", d)));
        JsonNode expect = config.path("expect");
        if (expect.path("min_tools").asInt(1) != 1) {
            args.addAll(List.of("--min-tools", Integer.toString(expect.path("min_tools").asInt())));
        }
        for (JsonNode tool : expect.path("tools")) {
            args.addAll(List.of("--require-tool", tool.asString()));
        }
        JsonNode call = expect.has("call") ? expect.path("call") : expect.path("calls").path(0);
        if (call.has("tool")) {
            args.addAll(List.of("--call", call.path("tool").asString()));
            if (call.has("arguments")) {
                args.addAll(List.of("--args", call.path("arguments").toString()));
            }
            if (call.has("contains")) {
                args.addAll(List.of("--expect", call.path("contains").asString()));
            }
            if (expect.path("calls").size() > 1) {
                notes.add("the monitor makes " + expect.path("calls").size() + " health calls; the command repeats the first");
            }
        }
        if (config.path("allow_insecure_redirect").asBoolean(false)) {
            args.add("--allow-insecure-redirect");
        }
        if (config.path("trusted_certificates").asInt(0) > 0) {
            notes.add("the monitor trusts extra CA certificates: add --ca with its tls.ca_file");
        }
        StringBuilder line = new StringBuilder();
        args.forEach(a -> append(line, a));
        if ("stdio".equals(transport)) {
            append(line, "--stdio");
            for (String name : config.path("env").propertyNames()) {
                variables.add(name);
                line.append(" --env \"").append(name).append("=${").append(name).append("}\""); // the shell fills it in
            }
            append(line, "--");
            config.path("command").forEach(part -> append(line, part.asString()));
        } else {
            String url = config.path("url").asString("");
            if (url.contains("(redacted)")) {
                notes.add("the URL's query values are shown redacted: put the real ones back");
            }
            append(line, url);
        }
        return new Command(line.toString(), List.copyOf(variables), List.copyOf(notes));
    }

    /** The variable a header's value is read from: its name in capitals ({@code X-Api-Key} → {@code X_API_KEY}). */
    static String variable(String header) {
        String name = header.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_").replaceAll("^_+|_+$", "");
        return name.isEmpty() || Character.isDigit(name.charAt(0)) ? "H_" + name : name;
    }

    private static java.util.Optional<String> duration(JsonNode config, String field, Duration standard) {
        if (!config.has(field)) {
            return java.util.Optional.empty();
        }
        Duration d = Duration.ofMillis(config.path(field).asLong());
        return d.equals(standard) ? java.util.Optional.empty() : java.util.Optional.of(Durations.format(d));
    }

    /** Appends one argument, single-quoted unless it is plain; {@code ${VAR}} inside single quotes reaches the probe as written. */
    private static void append(StringBuilder line, String arg) {
        if (!line.isEmpty()) {
            line.append(' ');
        }
        if (PLAIN.matcher(arg).matches()) {
            line.append(arg);
        } else {
            line.append('\'').append(arg.replace("'", "'\\''")).append('\'');
        }
    }
}
