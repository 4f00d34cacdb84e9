package dev.mcpwatch.testkit;

import dev.mcpwatch.config.ConfigException;
import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.monitor.Incidents;
import dev.mcpwatch.monitor.MonitorEvents;
import dev.mcpwatch.monitor.ResultRecorder;
import dev.mcpwatch.probe.Era;
import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.PhaseTiming;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.probe.ServerInfo;
import dev.mcpwatch.probe.ToolList;
import dev.mcpwatch.probe.ToolSnapshot;
import dev.mcpwatch.probe.Transport;
import dev.mcpwatch.schema.ToolFingerprint;
import dev.mcpwatch.store.Database;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Probe results and monitors built by hand, for tests of what happens after a probe (storage, the
 * incident state machine, the API): a healthy result with a given latency and tool list, or a failed
 * one with a given reason. Fingerprints are computed the way the probe computes them.
 */
public final class Results {
    public static final String TARGET = "http://127.0.0.1:9/mcp";

    private Results() {}

    /** A recorder that records into {@code db}, publishing its monitor events to a bus nobody listens to. */
    public static ResultRecorder recorder(Database db, String location, int capacity) {
        return new ResultRecorder(db, location, capacity, new Incidents(db, new MonitorEvents(), InstantSource.system()), InstantSource.system());
    }

    /** Monitors from YAML, loaded exactly as a configuration file would be (no environment). */
    public static List<MonitorConfig> monitors(String yaml) {
        try {
            return new ConfigLoader(Map.<String, String>of()::get).loadText(yaml, "test.yaml").monitors();
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** One monitor with this id and the built-in defaults (failure threshold 3, success threshold 2). */
    public static MonitorConfig monitor(String id) {
        return monitors("monitors:\n  - id: " + id + "\n    url: " + TARGET + "\n").getFirst();
    }

    /** A healthy probe that started at {@code startedAt}, took {@code totalMs} and listed {@code tools}. */
    public static ProbeResult healthy(Instant startedAt, double totalMs, ToolList tools) {
        List<PhaseTiming> timings = List.of(
                PhaseTiming.network(Phase.CONNECT, 0, totalMs * 0.1),
                new PhaseTiming(Phase.INITIALIZE, totalMs * 0.1, totalMs * 0.5, totalMs * 0.4, 200, "json", null),
                new PhaseTiming(Phase.TOOLS_LIST, totalMs * 0.6, totalMs * 0.4, totalMs * 0.3, 200, "json", null));
        return new ProbeResult(TARGET, Transport.STREAMABLE_HTTP, startedAt, true, null, totalMs, timings, Era.LEGACY, true,
                "2025-11-25", "127.0.0.1:9", null, new ServerInfo("fixture", null, "1.0.0"), Json.object(), true, tools, null, null,
                List.of());
    }

    public static ProbeResult healthy(Instant startedAt, double totalMs) {
        return healthy(startedAt, totalMs, tools("echo", "add"));
    }

    /** A failed probe: connection refused at connect, unless another reason is given. */
    public static ProbeResult failed(Instant startedAt, Reason reason, Phase phase, String message) {
        return new ProbeResult(TARGET, Transport.STREAMABLE_HTTP, startedAt, false, new Failure(reason, phase, message), 1.5,
                List.of(PhaseTiming.network(Phase.CONNECT, 0, 1.5)), null, false, null, null, null, null, null, false, null, null,
                null, List.of());
    }

    public static ProbeResult failed(Instant startedAt) {
        return failed(startedAt, Reason.CONNECTION_REFUSED, Phase.CONNECT, "Connection refused to 127.0.0.1:9");
    }

    /** A tool list of simple tools with these names, each taking one string argument. */
    public static ToolList tools(String... names) {
        List<JsonNode> defs = new ArrayList<>();
        for (String name : names) {
            defs.add(Json.MAPPER.readTree("{\"name\":\"" + name + "\",\"description\":\"The " + name + " tool\","
                    + "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}}"));
        }
        return toolList(defs);
    }

    /** The tool list a probe would make of these definitions. */
    public static ToolList toolList(List<JsonNode> definitions) {
        List<ToolSnapshot> snaps = new ArrayList<>();
        List<String> prints = new ArrayList<>();
        for (JsonNode def : definitions) {
            String print = ToolFingerprint.of(def);
            prints.add(print);
            snaps.add(new ToolSnapshot(def.get("name").stringValue(), def.path("title").stringValue(null),
                    def.path("description").stringValue(null), print, def));
        }
        return new ToolList(definitions.size(), 1, ToolFingerprint.ofList(prints), ToolFingerprint.ofWording(definitions), snaps);
    }

    /**
     * A copy of a real probe's result as monitor {@code target} would have measured it at
     * {@code start}: each phase 0.7–1.3 times as long (from {@code random}), the server at
     * {@code version} (null: as it was).
     */
    public static ProbeResult jittered(ProbeResult t, String target, Instant start, java.util.Random random, String version) {
        List<PhaseTiming> timings = new ArrayList<>();
        double at = 0;
        for (PhaseTiming p : t.timings()) {
            double f = 0.7 + 0.6 * random.nextDouble();
            double d = p.durationMs() * f;
            timings.add(new PhaseTiming(p.phase(), at, d, p.firstByteMs() == null ? null : p.firstByteMs() * f, p.httpStatus(),
                    p.contentType(), p.serverMs(), p.servedBy()));
            at += d;
        }
        ServerInfo server = version == null ? t.server() : new ServerInfo(t.server().name(), t.server().title(), version);
        return new ProbeResult(target, t.transport(), start, true, null, at, timings, t.era(), t.eraDetected(), t.protocolVersion(),
                t.resolvedAddress(), t.tls(), server, t.capabilities(), t.sessionUsed(), t.tools(), t.toolCall(), t.toolCalls(), t.auth(),
                t.warnings(), t.credentials());
    }
}
