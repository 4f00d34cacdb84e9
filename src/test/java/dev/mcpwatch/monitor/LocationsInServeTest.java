package dev.mcpwatch.monitor;

import static dev.mcpwatch.testkit.ServeFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.ResultStore;
import dev.mcpwatch.store.ResultStore.ResultRow;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Receiver;
import dev.mcpwatch.testkit.SdkServer;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.ServeProcess;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three real {@code serve} processes on one real PostgreSQL, two locations (two nodes in "a", one in
 * "b"), probing a real MCP server: every interval each location probes each monitor once (the two
 * nodes of "a" never both), the locations half an interval apart; a monitor that lists only "a" is
 * never probed from "b". Then the only node of "b" is killed with SIGKILL: the operator hears that
 * location "b" has no live node, and the nodes of "a" do not run b's probes.
 */
@Timeout(240)
class LocationsInServeTest {
    private static final long INTERVAL = 10_000;
    private static final String CONFIG = """
            monitors:
              - {id: both-1, url: "%1$s", interval: 10s}
              - {id: both-2, url: "%1$s", interval: 10s}
              - {id: only-a, url: "%1$s", interval: 10s, locations: [a]}
            alerting:
              channels:
                ops: {type: webhook, url: "%2$s"}
              routes:
                - {name: all, channels: [ops]}
              delivery: {poll: 200ms}
            """;

    @Test
    void eachLocationProbesEachMonitorOncePerIntervalStaggeredAndALostLocationIsReportedNotTakenOver() throws Exception {
        try (Database db = Databases.postgres(); SdkServer target = SdkServer.streamable(SdkServer.echo()); Receiver ops = Receiver.start()) {
            String config = CONFIG.formatted(target.url(), ops.url("/ops"));
            try (ServeProcess a1 = ServeProcess.onPostgres(ServeFixture.tempDir("loc-a1"), db.url(), config, "--location", "a").start();
                    ServeProcess a2 = ServeProcess.onPostgres(ServeFixture.tempDir("loc-a2"), db.url(), config, "--location", "a").start();
                    ServeProcess b1 = ServeProcess.onPostgres(ServeFixture.tempDir("loc-b1"), db.url(), config, "--location", "b").start()) {
                long started = System.currentTimeMillis();
                await("both locations probing both monitors", Duration.ofSeconds(40), () -> List.of("both-1", "both-2").stream()
                        .allMatch(m -> locations(db, m, started).keySet().containsAll(List.of("a", "b"))));
                assertThat(a1.get("/api/locations").path("items").toString()).contains("\"name\":\"a\"", "\"name\":\"b\"");

                long from = System.currentTimeMillis();
                sleepIntervals(4);
                long to = System.currentTimeMillis();

                List<Long> gaps = new ArrayList<>();
                for (String m : List.of("both-1", "both-2")) {
                    Map<String, List<Long>> byLocation = locations(db, m, from, to);
                    for (String location : List.of("a", "b")) {
                        List<Long> times = byLocation.getOrDefault(location, List.of());
                        assertThat(times).as(m + " from " + location + " in 4 intervals").hasSizeBetween(3, 5);
                        assertThat(spacing(times)).as(m + " from " + location + ": once per interval, never twice")
                                .allSatisfy(d -> assertThat(d).isGreaterThan(INTERVAL / 2));
                    }
                    gaps.addAll(gapsAfter(byLocation.get("a"), byLocation.get("b")));
                }
                gaps.sort(null);
                long median = gaps.get(gaps.size() / 2);
                System.out.printf("stagger: b probed %s ms after a (median %d ms, interval %d ms)%n", gaps, median, INTERVAL);
                assertThat(median).as("b looks half an interval after a").isBetween(INTERVAL / 2 - 1_500, INTERVAL / 2 + 1_500);
                assertThat(locations(db, "only-a", started).keySet()).containsExactly("a");

                b1.kill9();
                long killed = System.currentTimeMillis();
                await("the operator told that b has no live node", Duration.ofSeconds(60),
                        () -> !ops.withJson("event", "location.down").isEmpty());
                Receiver.Seen down = ops.withJson("event", "location.down").getFirst();
                assertThat(down.json().path("locations").toString()).isEqualTo("[\"b\"]");
                assertThat(down.json().path("summary").asString()).contains("location b has no live node");
                Map<String, String> bPlanned = planned(db, "probe@b");

                sleepIntervals(2);

                assertThat(planned(db, "probe@b")).as("b's executions wait for a node of b: nobody ran them").isEqualTo(bPlanned)
                        .containsOnlyKeys("both-1", "both-2");
                for (String m : List.of("both-1", "both-2")) {
                    Map<String, List<Long>> after = locations(db, m, killed + 1_000, System.currentTimeMillis());
                    assertThat(after.keySet()).as(m + " probed after the kill").containsExactly("a");
                    assertThat(spacing(after.get("a"))).as(m + ": a probes once per interval, not b's turns too")
                            .allSatisfy(d -> assertThat(d).isGreaterThan(INTERVAL / 2));
                }
                assertThat(ops.withJson("event", "incident.opened")).as("no monitor paged for a lost location").isEmpty();
                assertThat(ops.withJson("event", "location.down")).as("once, though two nodes watch").hasSize(1);
            }
        }
    }

    /** When each location started probing monitor {@code m} since {@code from}, oldest first. */
    private static Map<String, List<Long>> locations(Database db, String m, long from) {
        return locations(db, m, from, Long.MAX_VALUE);
    }

    private static Map<String, List<Long>> locations(Database db, String m, long from, long to) {
        try {
            List<ResultRow> rows = db.read(c -> new ResultStore().page(c, m, from, to, null, null, 500));
            Map<String, List<Long>> out = rows.stream().collect(Collectors.groupingBy(ResultRow::location,
                    Collectors.mapping(ResultRow::startedAt, Collectors.toList())));
            out.values().forEach(l -> l.sort(null));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Long> spacing(List<Long> times) {
        List<Long> out = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            out.add(times.get(i) - times.get(i - 1));
        }
        return out;
    }

    /** For each probe from b, how long after the latest probe from a before it. */
    private static List<Long> gapsAfter(List<Long> a, List<Long> b) {
        List<Long> out = new ArrayList<>();
        for (long t : b) {
            a.stream().filter(x -> x <= t).max(Long::compare).ifPresent(x -> out.add(t - x));
        }
        return out;
    }

    /** The planned time of each execution of {@code task}, by monitor. */
    private static Map<String, String> planned(Database db, String task) throws Exception {
        return db.read(c -> {
            Map<String, String> out = new HashMap<>();
            try (var ps = c.prepareStatement("SELECT task_instance, execution_time FROM scheduled_tasks WHERE task_name = ?")) {
                ps.setString(1, task);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            return out;
        });
    }

    /** Real time passing is what this test measures: the nodes' own schedules, not a test clock. */
    private static void sleepIntervals(int n) throws InterruptedException {
        Thread.sleep(n * INTERVAL);
    }
}
