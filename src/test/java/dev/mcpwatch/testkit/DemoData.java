package dev.mcpwatch.testkit;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.detect.Detector;
import dev.mcpwatch.monitor.Incidents;
import dev.mcpwatch.monitor.MonitorEvents;
import dev.mcpwatch.monitor.ResultRecorder;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.probe.ToolList;
import dev.mcpwatch.status.StatusUpdates;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.MonitorStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Weeks of history for the browser tests and the screenshots, written through the real recorder and
 * detector into the database a {@link WebFixture} will then open: healthy probes with varying
 * latency, a tool list that changed five days ago (a schema drift nobody acknowledged yet), two past
 * incidents, and an outage that started two hours ago.
 */
public final class DemoData {
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;

    /** The tools the weather server lists now (its fixture serves the same, so live probes see no change). */
    public static final List<ObjectNode> WEATHER_TOOLS = List.of(tool("get_forecast", "city", "string"), tool("get_alerts", "state", "number"),
            tool("get_radar", "region", "string"));
    public static final List<ObjectNode> SEARCH_TOOLS = List.of(tool("search", "query", "string"), tool("fetch", "url", "string"),
            tool("summarize", "text", "string"));

    private DemoData() {}

    /** A fixture MCP server that lists {@code tools}. */
    public static ScriptedMcp server(List<ObjectNode> tools) {
        return ScriptedMcp.legacy().on("tools/list", ScriptedMcp.reply(ScriptedMcp.toolsResult(tools.toArray(ObjectNode[]::new))));
    }

    /** Fills {@code dir}'s database for monitors {@code weather}, {@code search} and {@code files} of {@code monitors}. */
    public static void seed(Path dir, List<MonitorConfig> monitors) throws java.sql.SQLException {
        StorageSettings storage = new StorageSettings("jdbc:sqlite:" + dir.resolve("mcpwatch.db"), null, null, Duration.ofDays(7),
                Duration.ofDays(400), 10_000);
        long now = System.currentTimeMillis();
        Random random = new Random(42);
        try (Database db = Database.open(storage)) {
            db.transaction(c -> new MonitorStore().sync(c, monitors, now)); // names for the automatic updates
            MonitorEvents events = new MonitorEvents();
            Incidents incidents = new Incidents(db, events, InstantSource.system());
            events.listen(new StatusUpdates(() -> { }, List::of, incidents)); // the automatic "investigating" of the P1, as serve posts it
            ResultRecorder recorder = new ResultRecorder(db, "default", 10_000, incidents, InstantSource.system());
            recorder.assessWith(new Detector(db.dialect(), events)); // baselines, the drift, warnings, as serve judges them
            MonitorConfig weather = find(monitors, "weather");
            MonitorConfig search = find(monitors, "search");
            MonitorConfig files = find(monitors, "files");
            ToolList v1 = Results.toolList(List.of(tool("get_forecast", "city", "string"), tool("get_alerts", "state", "string")));
            ToolList v2 = Results.toolList(List.<JsonNode>copyOf(WEATHER_TOOLS));
            ToolList searchTools = Results.toolList(List.<JsonNode>copyOf(SEARCH_TOOLS));
            // Written in time order, as probes would have been, so the tool-list history reads forward.
            List<Pending> all = new ArrayList<>();
            for (long t = now - 60 * DAY; t < now - DAY; t += 3 * HOUR) {
                boolean newer = t > now - 5 * DAY;
                all.add(new Pending(weather, Results.healthy(Instant.ofEpochMilli(t), 60 + 40 * random.nextDouble() + (newer ? 30 : 0),
                        newer ? v2 : v1)));
                all.add(new Pending(search, Results.healthy(Instant.ofEpochMilli(t + 600_000), 120 + 80 * random.nextDouble(), searchTools)));
            }
            for (long t = now - DAY; t < now - 10 * 60_000; t += 10 * 60_000) {
                all.add(new Pending(weather, Results.healthy(Instant.ofEpochMilli(t), 80 + 50 * random.nextDouble(), v2)));
                all.add(new Pending(search, Results.healthy(Instant.ofEpochMilli(t + 60_000), 130 + 90 * random.nextDouble(), searchTools)));
            }
            // Twelve days ago, early in the UTC day (an outage that crossed midnight would split its minutes over two bars) and
            // half an hour after one of the 3-hourly healthy probes above, so that none falls inside it.
            long twelveDaysAgo = now - now % DAY - 12 * DAY;
            outage(all, weather, twelveDaysAgo + now % (3 * HOUR) + 30 * 60_000 + 123, 47 * 60_000, v1);
            outage(all, search, now - 33 * DAY, 3 * HOUR, searchTools);
            for (int i = 0; i < 3; i++) {
                all.add(new Pending(files, Results.failed(Instant.ofEpochMilli(now - 2 * HOUR + i * 10_000L), Reason.CONNECTION_REFUSED,
                        Phase.CONNECT, "Connection refused to 127.0.0.1:9")));
            }
            all.sort(Comparator.comparing(p -> p.result().startedAt()));
            all.forEach(p -> record(recorder, p.monitor(), p.result()));
        }
    }

    private record Pending(MonitorConfig monitor, ProbeResult result) {}

    /** A P1 outage from {@code onset}, over after {@code length}. */
    private static void outage(List<Pending> all, MonitorConfig m, long onset, long length, ToolList tools) {
        for (int i = 0; i < 3; i++) {
            all.add(new Pending(m, Results.failed(Instant.ofEpochMilli(onset + i * 10_000L), Reason.TIMEOUT, Phase.INITIALIZE,
                    "Timeout after 10000 ms in initialize")));
        }
        all.add(new Pending(m, Results.healthy(Instant.ofEpochMilli(onset + length - 10_000), 90, tools)));
        all.add(new Pending(m, Results.healthy(Instant.ofEpochMilli(onset + length), 90, tools)));
    }

    private static void record(ResultRecorder recorder, MonitorConfig m, ProbeResult r) {
        if (recorder.record(m, r, r.startedAt().toEpochMilli() + 1_000) == null) {
            throw new IllegalStateException("could not write demo data: " + recorder.health());
        }
    }

    private static ObjectNode tool(String name, String param, String type) {
        return (ObjectNode) Json.MAPPER.readTree("{\"name\":\"" + name + "\",\"description\":\"" + name.replace('_', ' ') + "\",\"inputSchema\":{\"type\":"
                + "\"object\",\"properties\":{\"" + param + "\":{\"type\":\"" + type + "\"}},\"required\":[\"" + param + "\"]}}");
    }

    private static MonitorConfig find(List<MonitorConfig> monitors, String id) {
        return monitors.stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
    }
}
