package dev.mcpwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.mcpwatch.App;
import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.config.ServerSettings;
import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.configfile.McpwatchConfig;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.probe.ToolList;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.MonitorStore;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.web.WebServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The JSON API against a started server on loopback and a SQLite store filled the way mcpwatch
 * fills it (monitors synced from configuration, results through the recorder): cursor paging that
 * visits everything exactly once, filters, results by time, uptime and percentiles from rollups,
 * tool lists, incidents with their timeline, and errors that say what to change.
 */
class MonitorRoutesTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Instant T0 = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MINUTES);

    /** A /health answer a test can change. */
    private final AtomicReference<HealthReport> health = new AtomicReference<>(
            new HealthReport("ok", "test", "node-1", 1, null, null, null));

    private Database db;
    private ResultRecorder recorder;
    private WebServer api;

    record Response(int status, String contentType, JsonNode body) {}

    @BeforeEach
    void start() {
        db = Databases.sqlite();
        recorder = Results.recorder(db, "default", 1_000);
        ApiMonitors none = new ApiMonitors(db, ConfigLoader::readMonitor, k -> null, k -> false, Set::of, new Incidents(db, new MonitorEvents(), InstantSource.system()),
                InstantSource.system());
        api = WebServer.start(new ServerSettings("127.0.0.1", 0, null, "default", 16), List.of(new HealthRoutes(health::get),
                new MonitorRoutes(db, none, InstantSource.system()), new IncidentRoutes(db)));
    }

    @AfterEach
    void stop() {
        api.close();
        db.close();
    }

    // ---- monitors -----------------------------------------------------------------------------

    @Test
    void cursorPagingVisitsEveryMonitorExactlyOnce() throws Exception {
        StringBuilder yaml = new StringBuilder("monitors:\n");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            String id = "m-%03d".formatted(i);
            ids.add(id);
            yaml.append("  - {id: ").append(id).append(", url: 'https://").append(id).append(".example.com/mcp'")
                    .append(i < 200 ? ", tags: [prod]" : "").append("}\n");
        }
        sync(Results.monitors(yaml.toString()));

        List<List<String>> pages = walk("/api/monitors?limit=100");

        assertThat(pages).extracting(List::size).containsExactly(100, 100, 50);
        List<String> seen = pages.stream().flatMap(List::stream).toList();
        assertThat(seen).doesNotHaveDuplicates().containsExactlyElementsOf(ids);

        assertThat(walk("/api/monitors?tag=prod&limit=100")).as("200 monitors: two full pages and no empty third")
                .extracting(List::size).containsExactly(100, 100);
        assertThat(get("/api/monitors").body().path("items").size()).as("default limit").isEqualTo(100);
        assertThat(walk("/api/monitors?limit=500")).extracting(List::size).containsExactly(250);
    }

    @Test
    void aMonitorRemovedFromTheConfigurationIsNoLongerListedButKeepsItsPage() throws Exception {
        List<MonitorConfig> both = Results.monitors("""
                monitors:
                  - {id: kept, url: 'https://kept.example.com/mcp'}
                  - {id: gone, url: 'https://gone.example.com/mcp'}
                """);
        sync(both);
        sync(both.subList(0, 1));

        assertThat(ids(get("/api/monitors"))).containsExactly("kept");
        Response gone = get("/api/monitors/gone");
        assertThat(gone.status()).isEqualTo(200);
        assertThat(gone.body().path("removedAt").isNumber()).isTrue();
    }

    @Test
    void monitorsFilterByStatusTagAndSearch() throws Exception {
        List<MonitorConfig> monitors = Results.monitors("""
                monitors:
                  - {id: weather-prod, name: Weather (production), url: 'https://w.example.com/mcp', tags: [prod, team_a]}
                  - {id: weather-staging, name: Weather (staging), url: 'https://ws.example.com/mcp', tags: [staging, teamxa]}
                  - {id: search-api, name: Search, url: 'https://s.example.com/mcp', tags: [prod]}
                  - {id: search_api, name: Search v2, url: 'https://s2.example.com/mcp'}
                  - {id: fresh, url: 'https://f.example.com/mcp'}
                """);
        sync(monitors);
        MonitorConfig weatherProd = monitors.get(0);
        for (int i = 0; i < 3; i++) {
            record(weatherProd, Results.failed(T0.plusSeconds(10L * i)));
        }
        record(monitors.get(1), Results.failed(T0));
        record(monitors.get(2), Results.healthy(T0, 30));
        record(monitors.get(3), Results.healthy(T0, 30));

        assertThat(ids(get("/api/monitors?status=down"))).containsExactly("weather-prod");
        assertThat(ids(get("/api/monitors?status=suspect"))).containsExactly("weather-staging");
        assertThat(ids(get("/api/monitors?status=up"))).containsExactly("search-api", "search_api");
        assertThat(ids(get("/api/monitors?status=unknown"))).containsExactly("fresh");
        assertThat(ids(get("/api/monitors?tag=prod"))).containsExactly("search-api", "weather-prod");
        assertThat(ids(get("/api/monitors?tag=team_a"))).as("'_' is a character, not a wildcard").containsExactly("weather-prod");
        assertThat(ids(get("/api/monitors?q=WEATHER"))).containsExactly("weather-prod", "weather-staging");
        assertThat(ids(get("/api/monitors?q=production"))).as("the name is searched too").containsExactly("weather-prod");
        assertThat(ids(get("/api/monitors?q=search_"))).as("'_' is a character, not a wildcard").containsExactly("search_api");
        assertThat(ids(get("/api/monitors?q=%25"))).as("'%' is a character, not a wildcard").isEmpty();
        assertThat(ids(get("/api/monitors?status=down&tag=prod&q=weather"))).containsExactly("weather-prod");
        assertThat(ids(get("/api/monitors?status=up&tag=staging"))).isEmpty();

        JsonNode down = get("/api/monitors/weather-prod").body();
        assertThat(down.path("status").stringValue()).isEqualTo("down");
        assertThat(down.path("consecutiveFailures").intValue()).isEqualTo(3);
        assertThat(down.path("lastReason").stringValue()).isEqualTo("connection_refused");
        assertThat(down.path("openIncidentId").isNumber()).isTrue();
        assertThat(down.path("tags").toString()).isEqualTo("[\"prod\",\"team_a\"]");
    }

    @Test
    void headerValuesNeverLeaveThroughTheApi() throws Exception {
        sync(Results.monitors("""
                monitors:
                  - id: private
                    url: https://private.example.com/mcp
                    headers: {Authorization: Bearer very-secret-token}
                """));

        Response one = get("/api/monitors/private");
        Response list = get("/api/monitors");

        assertThat(one.body().path("config").path("headers").path("Authorization").stringValue()).isEqualTo("(redacted)");
        assertThat(one.body().toString()).doesNotContain("very-secret-token");
        assertThat(list.body().toString()).doesNotContain("very-secret-token");
    }

    // ---- results ------------------------------------------------------------------------------

    @Test
    void resultsArePagedNewestFirstByCursorAndFilteredByTime() throws Exception {
        MonitorConfig api = sync(Results.monitor("api"));
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            // Probes 10 s apart; the last five share a start time, which the cursor must still tell apart.
            Instant at = T0.plusSeconds(10L * Math.min(i, 20));
            ids.add(record(api, i % 4 == 0 ? Results.failed(at) : Results.healthy(at, 20 + i)).resultId());
        }

        List<Response> pages = new ArrayList<>();
        String next = "/api/monitors/api/results?limit=10";
        while (next != null) {
            Response page = get(next);
            assertThat(page.status()).isEqualTo(200);
            pages.add(page);
            String cursor = page.body().path("next_cursor").stringValue(null);
            next = cursor == null ? null : "/api/monitors/api/results?limit=10&cursor=" + cursor;
        }

        assertThat(pages).extracting(p -> p.body().path("items").size()).containsExactly(10, 10, 5);
        List<Long> seen = new ArrayList<>();
        List<Long> startedAt = new ArrayList<>();
        for (Response page : pages) {
            for (JsonNode item : page.body().path("items")) {
                seen.add(item.path("id").longValue());
                startedAt.add(item.path("startedAt").longValue());
            }
        }
        assertThat(seen).doesNotHaveDuplicates().containsExactlyElementsOf(ids.reversed());
        assertThat(startedAt).isSortedAccordingTo((a, b) -> Long.compare(b, a));

        long from = T0.plusSeconds(50).toEpochMilli();
        long to = T0.plusSeconds(100).toEpochMilli();
        JsonNode window = get("/api/monitors/api/results?from=" + from + "&to=" + to).body();
        assertThat(window.path("items")).extracting(n -> n.path("startedAt").longValue())
                .containsExactly(to - 10_000, to - 20_000, to - 30_000, to - 40_000, from);
        JsonNode iso = get("/api/monitors/api/results?from=" + Instant.ofEpochMilli(from) + "&to=" + Instant.ofEpochMilli(to)).body();
        assertThat(iso).isEqualTo(window);

        JsonNode failed = get("/api/monitors/api/results?limit=1").body().path("items").get(0);
        assertThat(failed.path("healthy").booleanValue()).isFalse();
        assertThat(failed.path("reason").stringValue()).isEqualTo("connection_refused");
        assertThat(failed.path("layer").stringValue()).isEqualTo("tcp");
        assertThat(failed.path("detail").path("failure").path("message").stringValue()).isEqualTo("Connection refused to 127.0.0.1:9");
    }

    // ---- stats from rollups ---------------------------------------------------------------------

    @Test
    void statsGiveUptimeAndPercentilesPerWindowFromRollups() throws Exception {
        MonitorConfig api = sync(Results.monitor("api"));
        Instant now = Instant.now();
        List<Double> lastDay = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            double ms = 10 + 10 * i;
            lastDay.add(ms);
            record(api, Results.healthy(now.minus(Duration.ofMinutes(150 - 5L * i)), ms));
        }
        for (int i = 0; i < 5; i++) {
            record(api, Results.failed(now.minus(Duration.ofMinutes(40 - 5L * i))));
        }
        recordSeries(api, now.minus(Duration.ofDays(3)), 10, false);
        recordSeries(api, now.minus(Duration.ofDays(20)), 10, true);
        recordSeries(api, now.minus(Duration.ofDays(60)), 10, false);
        recordSeries(api, now.minus(Duration.ofDays(100)), 10, false);

        JsonNode stats = get("/api/monitors/api/stats").body();
        // Raw results expire long before rollups: the figures must not change when they are gone.
        db.transaction(c -> c.createStatement().executeUpdate("DELETE FROM probe_results"));
        assertThat(get("/api/monitors/api/stats").body().path("windows").path("90d").path("probes"))
                .isEqualTo(stats.path("windows").path("90d").path("probes"));

        JsonNode day = stats.path("windows").path("24h");
        assertThat(day.path("resolution").stringValue()).isEqualTo("hour");
        assertThat(day.path("probes").longValue()).isEqualTo(25);
        assertThat(day.path("failures").longValue()).isEqualTo(5);
        assertThat(day.path("uptime").doubleValue()).isEqualTo(0.8);
        assertThat(day.path("latencyMs").path("p50").doubleValue())
                .isCloseTo(exactQuantile(lastDay, 0.50), withinPercentage(1)).isCloseTo(100, withinPercentage(1));
        assertThat(day.path("latencyMs").path("p95").doubleValue())
                .isCloseTo(exactQuantile(lastDay, 0.95), withinPercentage(1)).isCloseTo(190, withinPercentage(1));
        assertThat(day.path("failuresByReason").path("connection_refused").longValue()).isEqualTo(5);

        assertThat(window(stats, "7d")).containsExactly(35L, 5L);
        assertThat(window(stats, "30d")).containsExactly(45L, 15L);
        assertThat(window(stats, "90d")).containsExactly(55L, 15L);
        assertThat(stats.path("windows").path("7d").path("uptime").doubleValue()).isCloseTo(30.0 / 35, withinPercentage(0.001));
        assertThat(stats.path("windows").path("90d").path("resolution").stringValue()).isEqualTo("day");
        assertThat(stats.path("windows").path("90d").path("uptime").doubleValue()).isCloseTo(40.0 / 55, withinPercentage(0.001));
    }

    @Test
    void statsAndSeriesMergeEveryLocationUnlessAskedForOne() throws Exception {
        MonitorConfig api = sync(Results.monitor("api"));
        ResultRecorder euWest = Results.recorder(db, "eu-west", 1_000);
        Instant now = Instant.now();
        for (int i = 0; i < 6; i++) {
            record(api, Results.healthy(now.minus(Duration.ofMinutes(60 - 2L * i)), 100));
            assertThat(euWest.record(api, Results.healthy(now.minus(Duration.ofMinutes(59 - 2L * i)), 300), finishedAt(now))).isNotNull();
        }
        assertThat(euWest.record(api, Results.failed(now.minus(Duration.ofMinutes(30))), finishedAt(now))).isNotNull();

        JsonNode merged = get("/api/monitors/api/stats").body().path("windows").path("24h");
        JsonNode eu = get("/api/monitors/api/stats?location=eu-west").body();
        JsonNode home = get("/api/monitors/api/stats?location=default").body().path("windows").path("24h");

        assertThat(merged.path("probes").longValue()).isEqualTo(13);
        assertThat(merged.path("failures").longValue()).isEqualTo(1);
        assertThat(merged.path("latencyMs").path("p50").doubleValue()).as("six at 100 ms, six at 300 ms").isBetween(99.0, 301.0);
        assertThat(eu.path("location").stringValue()).isEqualTo("eu-west");
        assertThat(eu.path("windows").path("24h").path("probes").longValue()).isEqualTo(7);
        assertThat(eu.path("windows").path("24h").path("failures").longValue()).isEqualTo(1);
        assertThat(eu.path("windows").path("24h").path("latencyMs").path("p50").doubleValue()).isCloseTo(300, withinPercentage(1));
        assertThat(home.path("probes").longValue()).isEqualTo(6);
        assertThat(home.path("latencyMs").path("p95").doubleValue()).isCloseTo(100, withinPercentage(1));
        assertThat(get("/api/monitors/api/stats?location=mars").body().path("windows").path("24h").path("probes").longValue())
                .as("a location that never probed it").isZero();

        String window = "&from=" + now.minus(Duration.ofHours(3)).toEpochMilli() + "&to=" + now.toEpochMilli();
        long mergedProbes = 0;
        for (JsonNode b : get("/api/monitors/api/series?resolution=minute" + window).body().path("buckets")) {
            mergedProbes += b.path("probes").longValue();
        }
        long euProbes = 0;
        for (JsonNode b : get("/api/monitors/api/series?resolution=minute&location=eu-west" + window).body().path("buckets")) {
            euProbes += b.path("probes").longValue();
        }
        JsonNode hours = get("/api/monitors/api/series?resolution=hour" + window).body().path("buckets");
        long hourProbes = 0;
        for (JsonNode b : hours) {
            hourProbes += b.path("probes").longValue();
        }
        assertThat(mergedProbes).isEqualTo(13);
        assertThat(euProbes).isEqualTo(7);
        assertThat(hourProbes).as("one bucket per hour, both locations in it").isEqualTo(13);
        assertThat(hours.size()).isLessThanOrEqualTo(2);

        for (String path : List.of("/api/monitors/api/stats?location=eu%20west", "/api/monitors/api/series?location=-eu")) {
            Response bad = get(path);
            assertThat(bad.status()).as(path).isEqualTo(400);
            assertThat(bad.body().path("error").stringValue()).as(path).startsWith("location must be");
        }
    }

    @Test
    void aMonitorWithoutProbesHasNoUptimeRatherThanAFakeOne() throws Exception {
        sync(Results.monitor("idle"));

        JsonNode day = get("/api/monitors/idle/stats").body().path("windows").path("24h");

        assertThat(day.path("probes").longValue()).isZero();
        assertThat(day.path("uptime").isNull()).isTrue();
        assertThat(day.path("latencyMs").path("p50").isNull()).isTrue();
    }

    // ---- tools --------------------------------------------------------------------------------

    @Test
    void toolsShowTheCurrentListAndEveryChange() throws Exception {
        MonitorConfig api = sync(Results.monitor("api"));
        ToolList v1 = Results.tools("search");
        ToolList v2 = Results.tools("search", "summarize");
        record(api, Results.healthy(T0, 20, v1));
        record(api, Results.healthy(T0.plusSeconds(60), 20, v1));
        record(api, Results.failed(T0.plusSeconds(120)));
        record(api, Results.healthy(T0.plusSeconds(180), 20, v2));

        JsonNode tools = get("/api/monitors/api/tools").body();

        assertThat(tools.path("current").path("fingerprint").stringValue()).isEqualTo(v2.fingerprint());
        assertThat(tools.path("current").path("toolCount").intValue()).isEqualTo(2);
        assertThat(tools.path("current").path("tools")).extracting(t -> t.path("name").stringValue()).containsExactly("search", "summarize");
        assertThat(tools.path("current").path("tools").get(0).path("inputSchema").path("type").stringValue()).isEqualTo("object");
        assertThat(tools.path("history")).extracting(h -> h.path("fingerprint").stringValue())
                .containsExactly(v2.fingerprint(), v1.fingerprint());
        assertThat(tools.path("history").get(0).path("serverVersion").stringValue()).isEqualTo("1.0.0");

        sync(Results.monitor("never-probed"));
        JsonNode none = get("/api/monitors/never-probed/tools").body();
        assertThat(none.path("current").isNull()).isTrue();
        assertThat(none.path("history").isEmpty()).isTrue();
    }

    // ---- incidents ----------------------------------------------------------------------------

    @Test
    void incidentsAreListedFilteredAndShownWithTheirTimeline() throws Exception {
        List<MonitorConfig> monitors = Results.monitors("""
                monitors:
                  - {id: recovered, url: 'https://r.example.com/mcp'}
                  - {id: broken, url: 'https://b.example.com/mcp'}
                """);
        sync(monitors);
        MonitorConfig recovered = monitors.get(0);
        MonitorConfig broken = monitors.get(1);
        for (int i = 0; i < 3; i++) {
            record(recovered, Results.failed(T0.plusSeconds(10L * i), Reason.TIMEOUT, Phase.INITIALIZE, "Timeout after 10000 ms in initialize"));
        }
        record(recovered, Results.healthy(T0.plusSeconds(60), 20));
        record(recovered, Results.healthy(T0.plusSeconds(70), 20));
        for (int i = 0; i < 4; i++) {
            record(broken, Results.failed(T0.plusSeconds(100L + 10 * i)));
        }

        JsonNode all = get("/api/incidents").body();
        assertThat(all.path("items")).extracting(i -> i.path("monitorId").stringValue()).containsExactly("broken", "recovered");
        assertThat(all.path("next_cursor").isNull()).isTrue();
        assertThat(get("/api/incidents?status=open").body().path("items"))
                .extracting(i -> i.path("monitorId").stringValue()).containsExactly("broken");
        assertThat(get("/api/incidents?status=resolved").body().path("items"))
                .extracting(i -> i.path("monitorId").stringValue()).containsExactly("recovered");
        assertThat(get("/api/monitors/recovered/incidents").body().path("items")).hasSize(1);
        assertThat(get("/api/incidents?monitor=broken").body().path("items")).hasSize(1);

        JsonNode first = get("/api/incidents?limit=1").body();
        JsonNode second = get("/api/incidents?limit=1&cursor=" + first.path("next_cursor").stringValue()).body();
        assertThat(first.path("items").get(0).path("monitorId").stringValue()).isEqualTo("broken");
        assertThat(second.path("items").get(0).path("monitorId").stringValue()).isEqualTo("recovered");
        assertThat(second.path("next_cursor").isNull()).isTrue();

        long id = all.path("items").get(1).path("id").longValue();
        JsonNode incident = get("/api/incidents/" + id).body();
        assertThat(incident.path("status").stringValue()).isEqualTo("resolved");
        assertThat(incident.path("reason").stringValue()).isEqualTo("timeout");
        assertThat(incident.path("layer").stringValue()).isEqualTo("time");
        assertThat(incident.path("phase").stringValue()).isEqualTo("initialize");
        assertThat(incident.path("onsetAt").longValue()).isEqualTo(T0.toEpochMilli());
        assertThat(incident.path("detectedAt").longValue()).isEqualTo(finishedAt(T0.plusSeconds(20)));
        assertThat(incident.path("resolvedAt").longValue()).isEqualTo(finishedAt(T0.plusSeconds(70)));
        assertThat(incident.path("failingProbes").intValue()).isEqualTo(3);
        assertThat(incident.path("mttdMs").longValue()).isEqualTo(finishedAt(T0.plusSeconds(20)) - T0.toEpochMilli());
        assertThat(incident.path("mttrMs").longValue()).isEqualTo(50_000);
        assertThat(incident.path("timeline")).extracting(e -> e.path("kind").stringValue()).containsExactly("opened", "resolved");
        assertThat(incident.path("timeline").get(0).path("detail").path("reason").stringValue()).isEqualTo("timeout");
        assertThat(incident.path("timeline").get(1).path("detail").path("resolution").stringValue()).isEqualTo("recovered");

        JsonNode open = get("/api/incidents/" + all.path("items").get(0).path("id").longValue()).body();
        assertThat(open.path("failingProbes").intValue()).isEqualTo(4);
        assertThat(open.path("mttrMs").isNull()).isTrue();
    }

    // ---- errors -------------------------------------------------------------------------------

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("/api/monitors?limit=0", "limit must be between 1 and 500, got 0"),
                Arguments.of("/api/monitors?limit=501", "limit must be between 1 and 500, got 501"),
                Arguments.of("/api/monitors?limit=ten", "limit must be a number, got 'ten'"),
                Arguments.of("/api/monitors?cursor=" + encode("not*a*cursor"),
                        "cursor is not one this API gave out; pass next_cursor from the previous page"),
                Arguments.of("/api/monitors?status=broken", "status must be one of unknown, up, suspect, down, auth-walled; got 'broken'"),
                Arguments.of("/api/monitors/api/results?from=yesterday",
                        "from must be epoch milliseconds or an ISO-8601 time like 2026-11-21T10:00:00Z, got 'yesterday'"),
                Arguments.of("/api/monitors/api/results?to=" + encode("2026-13-01T00:00:00Z"),
                        "to must be epoch milliseconds or an ISO-8601 time like 2026-11-21T10:00:00Z, got '2026-13-01T00:00:00Z'"),
                Arguments.of("/api/monitors/api/results?from=2000&to=1000", "to must be after from"),
                Arguments.of("/api/monitors/api/results?cursor=YWJj",
                        "cursor is not one this API gave out; pass next_cursor from the previous page"),
                Arguments.of("/api/monitors/api/results?limit=-1", "limit must be between 1 and 500, got -1"),
                Arguments.of("/api/monitors/api/series?resolution=week", "resolution must be minute, hour or day; got 'week'"),
                Arguments.of("/api/incidents?status=closed", "status must be open or resolved; got 'closed'"),
                Arguments.of("/api/incidents?cursor=YWJj", "cursor is not one this API gave out; pass next_cursor from the previous page"),
                Arguments.of("/api/incidents/abc", "incident id must be a number, got 'abc'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void aBadParameterIs400WithAMessageSayingWhatToChange(String path, String message) throws Exception {
        sync(Results.monitor("api"));

        Response r = get(path);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(r.body().path("error").stringValue()).isEqualTo(message);
    }

    @Test
    void anUnknownMonitorIncidentOrEndpointIs404Json() throws Exception {
        for (String path : List.of("/api/monitors/nope", "/api/monitors/nope/results", "/api/monitors/nope/stats",
                "/api/monitors/nope/series", "/api/monitors/nope/tools", "/api/monitors/nope/incidents", "/api/incidents?monitor=nope")) {
            Response r = get(path);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.contentType()).as(path).startsWith("application/json");
            assertThat(r.body().path("error").stringValue()).as(path).isEqualTo("no monitor 'nope'");
        }
        assertThat(get("/api/incidents/999").body().path("error").stringValue()).isEqualTo("no incident 999");
        Response endpoint = get("/api/nothing");
        assertThat(endpoint.status()).isEqualTo(404);
        assertThat(endpoint.body().path("error").stringValue()).isEqualTo("no such endpoint: GET /api/nothing");
    }

    // ---- health -------------------------------------------------------------------------------

    @Test
    void healthOfARunningMcpwatchIsOk() throws Exception {
        McpwatchConfig config = new McpwatchConfig(new ServerSettings("127.0.0.1", 0, null, "default", 16),
                new StorageSettings(Databases.sqliteUrl(), null, null, Duration.ofDays(7), Duration.ofDays(400), 1_000), List.of(), null);
        try (App app = App.start(config, null)) {
            Response r = get(app.port(), "/health");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body().path("status").stringValue()).isEqualTo("ok");
            assertThat(r.body().path("database").path("kind").stringValue()).isEqualTo("sqlite");
            assertThat(r.body().path("database").path("store").path("writable").booleanValue()).isTrue();
            assertThat(r.body().path("probing").path("monitors").intValue()).isZero();
        }
    }

    @Test
    void healthIs503WhileTheDatabaseCannotBeWritten() throws Exception {
        health.set(new HealthReport("degraded", "test", "node-1", 1,
                new HealthReport.Database("sqlite", new StoreHealth(false, 1L, "disk full", 12, 1_000, 0), null), null, null));

        Response r = get("/health");

        assertThat(r.status()).isEqualTo(503);
        assertThat(r.body().path("status").stringValue()).isEqualTo("degraded");
        assertThat(r.body().path("database").path("store").path("lastError").stringValue()).isEqualTo("disk full");
        assertThat(r.body().path("database").path("store").path("pending").intValue()).isEqualTo(12);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private MonitorConfig sync(MonitorConfig monitor) throws SQLException {
        sync(List.of(monitor));
        return monitor;
    }

    private void sync(List<MonitorConfig> monitors) throws SQLException {
        db.transaction(c -> new MonitorStore().sync(c, monitors, System.currentTimeMillis()));
    }

    private ResultRecorder.Recorded record(MonitorConfig monitor, ProbeResult result) {
        ResultRecorder.Recorded recorded = recorder.record(monitor, result, finishedAt(result.startedAt()));
        assertThat(recorded).as("recorded (store health %s)", recorder.health()).isNotNull();
        return recorded;
    }

    /** {@code n} probes a minute apart from {@code start}, all failing or all healthy at 50 ms. */
    private void recordSeries(MonitorConfig monitor, Instant start, int n, boolean failing) {
        for (int i = 0; i < n; i++) {
            Instant at = start.plus(Duration.ofMinutes(i));
            record(monitor, failing ? Results.failed(at) : Results.healthy(at, 50));
        }
    }

    private static long finishedAt(Instant startedAt) {
        return startedAt.toEpochMilli() + 1_000;
    }

    private static List<Long> window(JsonNode stats, String name) {
        JsonNode w = stats.path("windows").path(name);
        return List.of(w.path("probes").longValue(), w.path("failures").longValue());
    }

    /** Follows next_cursor from {@code first} to the end; the ids of each page. */
    private List<List<String>> walk(String first) throws Exception {
        List<List<String>> pages = new ArrayList<>();
        Set<String> cursors = new HashSet<>();
        String path = first;
        while (path != null) {
            Response page = get(path);
            assertThat(page.status()).as(path).isEqualTo(200);
            pages.add(ids(page));
            String cursor = page.body().path("next_cursor").stringValue(null);
            assertThat(cursor == null || cursors.add(cursor)).as("a cursor never repeats").isTrue();
            assertThat(pages).as("paging ends").hasSizeLessThan(100);
            path = cursor == null ? null : first + "&cursor=" + cursor;
        }
        return pages;
    }

    private static List<String> ids(Response r) {
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        r.body().path("items").forEach(item -> ids.add(item.path("id").stringValue()));
        return ids;
    }

    private Response get(String path) throws IOException, InterruptedException {
        return get(api.port(), path);
    }

    private static Response get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), Json.MAPPER.readTree(r.body()));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static double exactQuantile(List<Double> values, double q) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get((int) Math.floor(q * (sorted.size() - 1)));
    }
}
