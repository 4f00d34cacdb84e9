package dev.mcpwatch.store;

import static dev.mcpwatch.testkit.Databases.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.IncidentStatus;
import dev.mcpwatch.monitor.ResultRecorder;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Databases.Kind;
import dev.mcpwatch.testkit.Results;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The store on SQLite and on a real PostgreSQL: one set of migrations makes the same schema on both,
 * the database itself refuses a second open incident for a monitor, and a window's rollup summary is
 * the sum of its buckets at every resolution.
 */
class StorageTest {
    private static final List<String> TABLES = List.of("monitors", "monitor_state", "probe_results", "tool_lists",
            "tool_list_history", "rollup_minutes", "rollup_hours", "rollup_days", "incidents", "incident_events", "nodes", "scheduled_tasks");

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void oneSetOfMigrationsCreatesEveryTableAndRunsOnce(Kind kind) throws SQLException {
        try (Database db = kind.open()) {
            assertThat(db.dialect()).isEqualTo(kind == Kind.SQLITE ? Dialect.SQLITE : Dialect.POSTGRES);
            for (String table : TABLES) {
                assertThat(count(db, "SELECT COUNT(*) FROM " + table)).as(table).isZero();
            }
            assertThat(count(db, "SELECT COUNT(*) FROM flyway_schema_history WHERE version = '1' AND success = TRUE")).isEqualTo(1);

            db.transaction(c -> c.createStatement().executeUpdate(
                    "INSERT INTO nodes (name, location, version, started_at, heartbeat_at) VALUES ('n1', 'default', 'test', 1, 1)"));
            long migrations = count(db, "SELECT COUNT(*) FROM flyway_schema_history");
            try (Database again = Databases.reopen(db)) {
                // One row per migration file (the features add theirs); none more after a restart.
                assertThat(count(again, "SELECT COUNT(*) FROM flyway_schema_history")).as("nothing to migrate the second time")
                        .isEqualTo(migrations);
                assertThat(count(again, "SELECT COUNT(*) FROM nodes")).as("data kept across a restart").isEqualTo(1);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void theDatabaseRefusesASecondOpenIncidentForAMonitor(Kind kind) throws SQLException {
        try (Database db = kind.open()) {
            insertIncident(db, "api", "resolved");
            insertIncident(db, "api", "open");
            insertIncident(db, "other", "open");
            insertIncident(db, "api", "resolved");

            assertThatThrownBy(() -> insertIncident(db, "api", "open"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining(kind == Kind.POSTGRES ? "incidents_one_open" : "UNIQUE constraint failed: incidents.monitor_id");

            assertThat(count(db, "SELECT COUNT(*) FROM incidents WHERE monitor_id = 'api' AND status = 'open'")).isEqualTo(1);
            assertThat(count(db, "SELECT COUNT(*) FROM incidents")).isEqualTo(4);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void aWindowSummaryIsTheSumOfItsBucketsAtEveryResolution(Kind kind) throws SQLException {
        try (Database db = kind.open()) {
            RollupStore rollups = new RollupStore(db.dialect());
            Instant start = Instant.parse("2026-11-17T00:00:00Z");
            Random random = new Random(20261121);
            List<Double> healthyLatencies = new ArrayList<>();
            long failures = 0;
            List<ProbeResult> probes = new ArrayList<>();
            for (int i = 0; i < 1_500; i++) {
                // Three days of probes about every three minutes, a few failing, latencies spread over two orders of magnitude.
                Instant at = start.plusSeconds(i * 173L + random.nextInt(60));
                if (random.nextInt(20) == 0) {
                    probes.add(Results.failed(at, Reason.HTTP_ERROR, Phase.INITIALIZE, "HTTP 503"));
                    failures++;
                } else {
                    // in whole microseconds, as raw results keep them (minutes are summed from raw results)
                    double ms = Math.round(Math.exp(3 + 2 * random.nextDouble()) * 1000) / 1000.0;
                    probes.add(Results.healthy(at, ms));
                    healthyLatencies.add(ms);
                }
            }
            db.transaction(c -> {
                for (ProbeResult r : probes) {
                    // as the recorder writes a probe: minutes are read from the raw result, hours and days from rollups
                    new ResultStore().insert(c, "api", "default", r, null);
                    rollups.add(c, "api", "default", r);
                }
                return null;
            });
            long from = start.toEpochMilli();
            long to = start.plus(Duration.ofDays(4)).toEpochMilli();

            for (Resolution res : Resolution.values()) {
                RollupStore.Summary summary = db.read(c -> rollups.summary(c, "api", res, from, to));
                List<RollupStore.Bucket> buckets = db.read(c -> rollups.buckets(c, "api", res, from, to));

                assertThat(summary.probes()).as(res.wireName()).isEqualTo(probes.size())
                        .isEqualTo(buckets.stream().mapToLong(RollupStore.Bucket::probes).sum());
                assertThat(summary.failures()).as(res.wireName()).isEqualTo(failures)
                        .isEqualTo(buckets.stream().mapToLong(RollupStore.Bucket::failures).sum());
                assertThat(summary.failuresByReason()).as(res.wireName()).containsExactlyEntriesOf(Map.of("http_error", failures));
                assertThat(summary.latency().count()).as(res.wireName()).isEqualTo(healthyLatencies.size());
                for (double q : new double[] {0.5, 0.95, 0.99}) {
                    assertThat(summary.latency().quantile(q)).as("%s p%s", res.wireName(), q * 100)
                            .isCloseTo(exactQuantile(healthyLatencies, q), withinPercentage(1));
                }
            }
            RollupStore.Summary minutes = db.read(c -> rollups.summary(c, "api", Resolution.MINUTE, from, to));
            RollupStore.Summary days = db.read(c -> rollups.summary(c, "api", Resolution.DAY, from, to));
            for (double q = 0; q <= 1.0; q += 0.05) {
                assertThat(minutes.latency().quantile(q)).as("merged minutes and merged days agree exactly at q=%s", q)
                        .isEqualTo(days.latency().quantile(q));
            }

            long dayTwoFrom = start.plus(Duration.ofDays(1)).toEpochMilli();
            long dayTwoTo = start.plus(Duration.ofDays(2)).toEpochMilli();
            long onDayTwo = probes.stream().filter(r -> r.startedAt().toEpochMilli() >= dayTwoFrom
                    && r.startedAt().toEpochMilli() < dayTwoTo).count();
            for (Resolution res : Resolution.values()) {
                assertThat(db.read(c -> rollups.summary(c, "api", res, dayTwoFrom, dayTwoTo)).probes())
                        .as("day two at %s resolution", res.wireName()).isEqualTo(onDayTwo);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void monitorPagesFollowTheIdCursorAndFiltersMatchLiterally(Kind kind) throws SQLException {
        try (Database db = kind.open()) {
            MonitorStore monitors = new MonitorStore();
            db.transaction(c -> monitors.sync(c, Results.monitors("""
                    monitors:
                      - {id: a-1, name: Alpha, url: 'https://a.example.com/mcp', tags: [team_a]}
                      - {id: a_1, name: Alpha 100%, url: 'https://b.example.com/mcp', tags: [teamxa]}
                      - {id: b.1, name: Beta, url: 'https://c.example.com/mcp', tags: [team_a, prod]}
                      - {id: c1, name: Gamma, url: 'https://d.example.com/mcp'}
                    """), 1));

            List<String> walked = new ArrayList<>();
            String after = null;
            List<MonitorStore.MonitorRow> page;
            do {
                String cursor = after;
                page = db.read(c -> monitors.page(c, cursor, null, null, null, 2));
                page.forEach(m -> walked.add(m.id()));
                after = page.isEmpty() ? null : page.getLast().id();
            } while (!page.isEmpty());
            assertThat(walked).doesNotHaveDuplicates().containsExactlyInAnyOrder("a-1", "a_1", "b.1", "c1");

            assertThat(ids(db, monitors, null, "team_a", null)).containsExactlyInAnyOrder("a-1", "b.1");
            assertThat(ids(db, monitors, null, null, "a_")).containsExactly("a_1");
            assertThat(ids(db, monitors, null, null, "100%")).containsExactly("a_1");
            assertThat(ids(db, monitors, null, null, "ALPHA")).containsExactlyInAnyOrder("a-1", "a_1");
            assertThat(ids(db, monitors, "unknown", "prod", "beta")).containsExactly("b.1");
            assertThat(ids(db, monitors, "up", null, null)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void resultAndIncidentPagesVisitEveryRowOnceNewestFirst(Kind kind) throws SQLException {
        try (Database db = kind.open()) {
            ResultRecorder recorder = Results.recorder(db, "default", 100);
            MonitorConfig m = Results.monitor("api");
            Instant t0 = Instant.parse("2026-11-20T10:00:00Z");
            List<Long> recorded = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                // Six outages of three failures, each resolved by two successes; the successes share a start time.
                ProbeResult r = i % 5 < 3 ? Results.failed(t0.plusSeconds(10L * i)) : Results.healthy(t0.plusSeconds(10L * (i - i % 5 + 3)), 20);
                recorded.add(recorder.record(m, r, r.startedAt().toEpochMilli() + 500).resultId());
            }

            ResultStore results = new ResultStore();
            List<Long> walked = new ArrayList<>();
            List<ResultStore.ResultRow> page = db.read(c -> results.page(c, "api", 0, Long.MAX_VALUE, null, null, 7));
            while (!page.isEmpty()) {
                page.forEach(r -> walked.add(r.id()));
                ResultStore.ResultRow last = page.getLast();
                page = db.read(c -> results.page(c, "api", 0, Long.MAX_VALUE, last.startedAt(), last.id(), 7));
            }
            assertThat(walked).containsExactlyElementsOf(recorded.reversed());

            IncidentStore incidents = new IncidentStore();
            List<Long> incidentIds = new ArrayList<>();
            List<Incident> incidentPage = db.read(c -> incidents.page(c, "api", IncidentStatus.RESOLVED, null, 4));
            while (!incidentPage.isEmpty()) {
                incidentPage.forEach(i -> incidentIds.add(i.id()));
                long before = incidentPage.getLast().id();
                incidentPage = db.read(c -> incidents.page(c, "api", IncidentStatus.RESOLVED, before, 4));
            }
            assertThat(incidentIds).hasSize(6).doesNotHaveDuplicates().isSortedAccordingTo((a, b) -> Long.compare(b, a));
            List<Incident> open = db.read(c -> incidents.page(c, null, IncidentStatus.OPEN, null, 10));
            long resolved = db.read(c -> incidents.count(c, IncidentStatus.RESOLVED));
            assertThat(open).isEmpty();
            assertThat(resolved).isEqualTo(6);
        }
    }

    private static List<String> ids(Database db, MonitorStore monitors, String status, String tag, String search) throws SQLException {
        return db.read(c -> monitors.page(c, null, status, tag, search, 100)).stream().map(MonitorStore.MonitorRow::id).toList();
    }

    private static void insertIncident(Database db, String monitorId, String status) throws SQLException {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO incidents (monitor_id, status, reason, layer, phase, message, "
                    + "onset_at, detected_at, failing_probes) VALUES (?, ?, 'timeout', 'time', 'initialize', 'Timeout', 1, 2, 3)")) {
                ps.setString(1, monitorId);
                ps.setString(2, status);
                return ps.executeUpdate();
            }
        });
    }

    /** The value at rank floor(q·(n−1)) of the sorted sample, the rank the sketch reads. */
    static double exactQuantile(List<Double> values, double q) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get((int) Math.floor(q * (sorted.size() - 1)));
    }
}
