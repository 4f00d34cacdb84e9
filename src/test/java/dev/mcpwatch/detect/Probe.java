package dev.mcpwatch.detect;

import dev.mcpwatch.probe.Authorizer;
import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.probe.ServerInfo;
import dev.mcpwatch.probe.TlsInfo;
import dev.mcpwatch.probe.ToolCallOutcome;
import dev.mcpwatch.probe.ToolList;
import dev.mcpwatch.probe.ToolSnapshot;
import dev.mcpwatch.probe.Transport;
import dev.mcpwatch.schema.ToolFingerprint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A probe result made in a test, as the prober would have recorded it: when it started, how long it
 * took (whole milliseconds, so the finish time is exact), and what it found. Healthy, listing
 * {@link #WEATHER} from server version 1.0.0, unless told otherwise.
 */
final class Probe {
    /** The tools of the weather server most scenarios watch. */
    static final ToolList WEATHER = tools(tool("get_weather", "city"), tool("get_alerts", "region"));

    private final Instant startedAt;
    private long ms = 100;
    private Failure failure;
    private ToolList tools = WEATHER;
    private String version = "1.0.0";
    private TlsInfo tls;
    private final List<ToolCallOutcome> calls = new ArrayList<>();
    private Authorizer.CredentialInfo credentials;

    private Probe(Instant startedAt) {
        this.startedAt = startedAt;
    }

    static Probe at(Instant startedAt) {
        return new Probe(startedAt);
    }

    Probe ms(long totalMs) {
        this.ms = totalMs;
        return this;
    }

    /** Fails where a probe would: nothing after the failing phase is known. */
    Probe fails(Reason reason, Phase phase, String message) {
        this.failure = new Failure(reason, phase, message);
        if (phase.isNetwork() || phase == Phase.INITIALIZE) {
            this.tools = null;
            this.version = null;
        }
        return this;
    }

    Probe refused() {
        return fails(Reason.CONNECTION_REFUSED, Phase.CONNECT, "Connection refused to 127.0.0.1:443").ms(1);
    }

    Probe tools(ToolList tools) {
        this.tools = tools;
        return this;
    }

    Probe version(String version) {
        this.version = version;
        return this;
    }

    Probe certificate(Instant notAfter) {
        this.tls = new TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256", "CN=weather.example.com", "CN=Example CA", notAfter, null, true,
                true, null);
        return this;
    }

    /** A health call that asked for input the monitor does not answer. */
    Probe callNeedingInput(String tool) {
        calls.add(new ToolCallOutcome(tool, false, false, "Health-check tool `" + tool + "` asks for input", null, true));
        return this;
    }

    /** Credentials used, with one that expires at {@code at}. */
    Probe expiring(String what, Instant at) {
        this.credentials = new Authorizer.CredentialInfo("client_credentials", "https://auth.example.com", null,
                List.of(new Authorizer.Expiring(what, at)));
        return this;
    }

    Probe call(String tool, boolean ok) {
        calls.add(new ToolCallOutcome(tool, ok, !ok, ok ? tool + " ok" : "upstream 502", null));
        return this;
    }

    long finishedAt() {
        return startedAt.toEpochMilli() + ms;
    }

    ProbeResult result() {
        return new ProbeResult("https://weather.example.com/mcp", Transport.STREAMABLE_HTTP, startedAt, failure == null, failure, ms,
                List.of(), null, false, tools == null ? null : "2025-11-25", "127.0.0.1", tls,
                version == null ? null : new ServerInfo("weather", null, version), null, true, tools,
                calls.isEmpty() ? null : calls.getFirst(), calls, null, List.of(), credentials);
    }

    // ---- tool lists -------------------------------------------------------------------------

    /** A tool with required string parameters, read-only. */
    static ObjectNode tool(String name, String... params) {
        ObjectNode t = Json.object();
        t.put("name", name);
        t.put("description", "The " + name + " tool");
        ObjectNode schema = t.putObject("inputSchema").put("type", "object");
        ObjectNode props = schema.putObject("properties");
        var required = schema.putArray("required");
        for (String p : params) {
            props.putObject(p).put("type", "string");
            required.add(p);
        }
        t.putObject("annotations").put("readOnlyHint", true);
        return t;
    }

    /** A tool list as the probe snapshots it: fingerprints of each tool, of the list and of its wording. */
    static ToolList tools(JsonNode... tools) {
        List<ToolSnapshot> snaps = new ArrayList<>();
        List<String> prints = new ArrayList<>();
        for (JsonNode t : tools) {
            String print = ToolFingerprint.of(t);
            prints.add(print);
            snaps.add(new ToolSnapshot(t.get("name").asString(), null, t.path("description").asString(null), print, t));
        }
        return new ToolList(tools.length, 1, ToolFingerprint.ofList(prints), ToolFingerprint.ofWording(List.of(tools)), snaps);
    }

    /** Every {@code step} from {@code from} (inclusive) to {@code to} (exclusive). */
    static List<Instant> every(Duration step, Instant from, Instant to) {
        List<Instant> out = new ArrayList<>();
        for (Instant t = from; t.isBefore(to); t = t.plus(step)) {
            out.add(t);
        }
        return out;
    }
}
