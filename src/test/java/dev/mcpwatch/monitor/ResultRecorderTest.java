package dev.mcpwatch.monitor;

import static dev.mcpwatch.testkit.Databases.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.IncidentStatus;
import dev.mcpwatch.incident.MonitorStatus;
import dev.mcpwatch.incident.TimelineEvent;
import dev.mcpwatch.probe.Layer;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.probe.ToolList;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.store.Resolution;
import dev.mcpwatch.store.ResultStore;
import dev.mcpwatch.store.RollupStore;
import dev.mcpwatch.store.ToolListStore;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Databases.Kind;
import dev.mcpwatch.testkit.Results;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Recording a probe result, on SQLite and on a real PostgreSQL: one transaction writes the raw
 * result, its hour and day rollups under its location (minutes are read from the raw results), the tool list (once per distinct list), the monitor's state,
 * and the incident the state machine opens or resolves (up → suspect → down after 3 failures →
 * resolved after 2 successes).
 */
class ResultRecorderTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final long PROBE_MS = 1_000;

    private final IncidentStore incidents = new IncidentStore();

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void aHealthyProbeWritesResultRollupsToolListAndState(Kind kind) throws SQLException {
        try (Database db = kind.open()) {
            ResultRecorder recorder = Results.recorder(db, "eu-west", 100);
            MonitorConfig weather = Results.monitor("weather");
            ProbeResult result = Results.healthy(T0.plusSeconds(30), 42.5, Results.tools("get_forecast", "get_alerts"));

            ResultRecorder.Recorded recorded = recorder.record(weather, result, finishedAt(result));

            assertThat(recorded).isNotNull();
            assertThat(recorded.transition().next().status()).isEqualTo(MonitorStatus.UP);
            ResultStore.ResultRow row = db.read(c -> new ResultStore().get(c, recorded.resultId()));
            assertThat(row.monitorId()).isEqualTo("weather");
            assertThat(row.location()).isEqualTo("eu-west");
            assertThat(row.startedAt()).isEqualTo(T0.plusSeconds(30).toEpochMilli());
            assertThat(row.healthy()).isTrue();
            assertThat(row.totalMs()).isEqualTo(42.5);
            assertThat(row.toolCount()).isEqualTo(2);
            assertThat(row.toolListId()).isNotNull();
            assertThat(row.detail().path("tools").path("names").toString()).isEqualTo("[\"get_forecast\",\"get_alerts\"]");
            assertThat(row.detail().path("tools").has("tools")).as("definitions live in tool_lists, not in every result").isFalse();

            for (Resolution res : List.of(Resolution.HOUR, Resolution.DAY)) {
                assertThat(count(db, "SELECT r.probes FROM rollup_" + res.wireName() + "s r JOIN monitor_keys k ON k.monitor_key = "
                        + "r.monitor_key JOIN location_keys l ON l.location_key = r.location_key WHERE k.monitor_id = ? AND l.name = ? "
                        + "AND r.bucket_start = ?", "weather", "eu-west", res.bucketStart(T0.plusSeconds(30).toEpochMilli())))
                        .as(res.wireName()).isEqualTo(1);
            }
            assertThat(count(db, "SELECT COUNT(*) FROM rollup_minutes")).as("no minute row: the raw result covers its minute").isZero();
            assertThat(count(db, "SELECT COUNT(*) FROM tool_lists")).isEqualTo(1);
            assertThat(count(db, "SELECT COUNT(*) FROM tool_list_history WHERE monitor_id = 'weather'")).isEqualTo(1);
            assertThat(count(db, "SELECT last_result_id FROM monitor_state WHERE monitor_id = 'weather'")).isEqualTo(recorded.resultId());
            assertThat(count(db, "SELECT tool_list_id FROM monitor_state WHERE monitor_id = 'weather'")).isEqualTo(row.toolListId());
            assertThat(count(db, "SELECT COUNT(*) FROM monitor_state WHERE monitor_id = 'weather' AND status = 'up' AND probes = 1"))
                    .isEqualTo(1);
            assertThat(count(db, "SELECT COUNT(*) FROM incidents")).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void aFailureInsideTheTransactionLeavesNothingAndTheResultWaitsForTheDatabase(Kind kind) throws SQLException {
        try (Database db = kind.open()) {
            ResultRecorder recorder = Results.recorder(db, "default", 100);
            AtomicBoolean databaseBroken = new AtomicBoolean(true);
            recorder.addHook((c, monitor, result, resultId, transition, incidentId) -> {
                if (databaseBroken.get()) {
                    throw new SQLException("disk full (simulated after every write of the probe)");
                }
            });
            MonitorConfig m = Results.monitor("flaky-db");
            ProbeResult result = Results.healthy(T0, 10);

            assertThat(recorder.record(m, result, finishedAt(result))).isNull();

            for (String table : List.of("probe_results", "rollup_hours", "rollup_days", "tool_lists", "tool_list_history", "monitor_state")) {
                assertThat(count(db, "SELECT COUNT(*) FROM " + table)).as(table + " after a rolled-back record").isZero();
            }
            assertThat(recorder.health().writable()).isFalse();
            assertThat(recorder.health().pending()).isEqualTo(1);
            assertThat(recorder.health().lastError()).contains("disk full");

            databaseBroken.set(false);
            assertThat(recorder.flush()).isEqualTo(1);

            assertThat(count(db, "SELECT COUNT(*) FROM probe_results")).isEqualTo(1);
            assertThat(count(db, "SELECT (SELECT COUNT(*) FROM rollup_hours) + (SELECT COUNT(*) FROM rollup_days)")).isEqualTo(2);
            assertThat(recorder.health().writable()).isTrue();
            assertThat(recorder.health().pending()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void identicalToolListsAreStoredOnceAcrossProbesAndMonitors(Kind kind) throws SQLException {
        try (Database db = kind.open()) {
            ResultRecorder recorder = Results.recorder(db, "default", 100);
            for (String id : List.of("alpha", "beta", "gamma")) {
                MonitorConfig m = Results.monitor(id);
                for (int i = 0; i < 4; i++) {
                    // A new but equal list each time, as a new probe would build it.
                    record(recorder, m, Results.healthy(T0.plusSeconds(60L * i), 20, Results.tools("search", "fetch")));
                }
            }

            assertThat(count(db, "SELECT COUNT(*) FROM probe_results")).isEqualTo(12);
            assertThat(count(db, "SELECT COUNT(*) FROM tool_lists")).isEqualTo(1);
            assertThat(count(db, "SELECT COUNT(DISTINCT s.tool_list_id) FROM probe_results r JOIN probe_shapes s ON s.id = r.shape_id")).isEqualTo(1);
            assertThat(count(db, "SELECT COUNT(*) FROM tool_list_history")).as("one entry per monitor: its first list").isEqualTo(3);

            record(recorder, Results.monitor("delta"), Results.healthy(T0, 20, Results.tools("fetch", "search")));
            assertThat(count(db, "SELECT COUNT(*) FROM tool_lists")).as("the same tools listed in another order").isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void aNewListSeenByManyMonitorsAtOnceIsStillStoredOnce(Kind kind) throws Exception {
        try (Database db = kind.open()) {
            ResultRecorder recorder = Results.recorder(db, "default", 100);
            ToolList list = Results.tools("search", "fetch", "summarize");
            int monitors = 8;
            CountDownLatch start = new CountDownLatch(1);
            List<Future<ResultRecorder.Recorded>> recorded = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(monitors)) {
                for (int i = 0; i < monitors; i++) {
                    MonitorConfig m = Results.monitor("replica-" + i);
                    recorded.add(pool.submit(() -> {
                        start.await();
                        return recorder.record(m, Results.healthy(T0, 20, list), finishedAt(T0));
                    }));
                }
                start.countDown();
                for (Future<ResultRecorder.Recorded> r : recorded) {
                    assertThat(r.get(30, TimeUnit.SECONDS)).as("written at once (store health %s)", recorder.health()).isNotNull();
                }
            }

            assertThat(count(db, "SELECT COUNT(*) FROM tool_lists")).isEqualTo(1);
            assertThat(count(db, "SELECT COUNT(DISTINCT s.tool_list_id) FROM probe_results r JOIN probe_shapes s ON s.id = r.shape_id")).isEqualTo(1);
            assertThat(count(db, "SELECT COUNT(*) FROM tool_list_history")).isEqualTo(monitors);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void toolListHistoryGrowsOnlyWhenTheListChanges(Kind kind) throws SQLException {
        try (Database db = kind.open()) {
            ResultRecorder recorder = Results.recorder(db, "default", 100);
            MonitorConfig m = Results.monitor("drifting");
            ToolList v1 = Results.tools("search");
            ToolList v2 = Results.tools("search", "summarize");

            record(recorder, m, Results.healthy(T0, 20, v1));
            record(recorder, m, Results.healthy(T0.plusSeconds(60), 20, v1));
            record(recorder, m, Results.failed(T0.plusSeconds(120)));
            record(recorder, m, Results.healthy(T0.plusSeconds(180), 20, v1));
            record(recorder, m, Results.healthy(T0.plusSeconds(240), 20, v2));
            record(recorder, m, Results.healthy(T0.plusSeconds(300), 20, v2));
            record(recorder, m, Results.healthy(T0.plusSeconds(360), 20, v1));

            List<ToolListStore.HistoryEntry> history = db.read(c -> new ToolListStore().history(c, "drifting", 10));
            assertThat(history).extracting(ToolListStore.HistoryEntry::fingerprint)
                    .containsExactly(v1.fingerprint(), v2.fingerprint(), v1.fingerprint());
            assertThat(history).extracting(ToolListStore.HistoryEntry::toolCount).containsExactly(1, 2, 1);
            assertThat(history).extracting(ToolListStore.HistoryEntry::seenAt).containsExactly(
                    finishedAt(T0.plusSeconds(360)), finishedAt(T0.plusSeconds(240)), finishedAt(T0));
            assertThat(count(db, "SELECT COUNT(*) FROM tool_lists")).isEqualTo(2);
            ToolListStore.StoredList current = db.read(c -> new ToolListStore().current(c, "drifting"));
            assertThat(current.fingerprint()).isEqualTo(v1.fingerprint());
            assertThat(current.tools().get(0).path("name").stringValue()).isEqualTo("search");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void threeFailuresInARowOpenExactlyOneIncident(Kind kind) throws SQLException {
        try (Database db = kind.open()) {
            ResultRecorder recorder = Results.recorder(db, "default", 100);
            MonitorConfig m = Results.monitor("api");
            record(recorder, m, Results.healthy(T0, 20));

            ResultRecorder.Recorded first = record(recorder, m, Results.failed(T0.plusSeconds(60)));
            ResultRecorder.Recorded second = record(recorder, m, Results.failed(T0.plusSeconds(70)));
            assertThat(first.transition().next().status()).isEqualTo(MonitorStatus.SUSPECT);
            assertThat(second.transition().next().status()).isEqualTo(MonitorStatus.SUSPECT);
            assertThat(count(db, "SELECT COUNT(*) FROM incidents")).isZero();

            ResultRecorder.Recorded third = record(recorder, m, Results.failed(T0.plusSeconds(80), Reason.TIMEOUT, Phase.INITIALIZE,
                    "Timeout after 10000 ms in initialize"));

            assertThat(third.transition().next().status()).isEqualTo(MonitorStatus.DOWN);
            assertThat(third.incidentId()).isNotNull();
            assertThat(count(db, "SELECT COUNT(*) FROM incidents")).isEqualTo(1);
            Incident incident = openIncident(db, "api");
            assertThat(incident.id()).isEqualTo(third.incidentId());
            assertThat(incident.status()).isEqualTo(IncidentStatus.OPEN);
            assertThat(incident.onsetAt()).as("onset: the first failing probe's start").isEqualTo(T0.plusSeconds(60).toEpochMilli());
            assertThat(incident.detectedAt()).as("detected: the third failing probe's finish").isEqualTo(finishedAt(T0.plusSeconds(80)));
            assertThat(incident.failingProbes()).isEqualTo(3);
            assertThat(incident.firstResultId()).isEqualTo(first.resultId());
            assertThat(incident.lastResultId()).isEqualTo(third.resultId());
            assertThat(incident.headline().reason()).isEqualTo(Reason.TIMEOUT);
            assertThat(incident.headline().layer()).isEqualTo(Layer.TIME);
            assertThat(incident.headline().phase()).isEqualTo(Phase.INITIALIZE);
            assertThat(incident.headline().message()).isEqualTo("Timeout after 10000 ms in initialize");
            assertThat(incident.mttdMs()).isEqualTo(20_000 + PROBE_MS);
            assertThat(incident.mttrMs()).isNull();
            assertThat(count(db, "SELECT open_incident_id FROM monitor_state WHERE monitor_id = 'api'")).isEqualTo(incident.id());
            assertThat(events(db, incident.id())).extracting(TimelineEvent::kind).containsExactly("opened");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void furtherFailuresCountOnTheOpenIncidentInsteadOfOpeningAnother(Kind kind) throws SQLException {
        try (Database db = kind.open()) {
            ResultRecorder recorder = Results.recorder(db, "default", 100);
            MonitorConfig m = Results.monitor("api");
            ResultRecorder.Recorded last = null;
            for (int i = 0; i < 7; i++) {
                last = record(recorder, m, Results.failed(T0.plusSeconds(10L * i)));
            }

            assertThat(count(db, "SELECT COUNT(*) FROM incidents")).isEqualTo(1);
            Incident incident = openIncident(db, "api");
            assertThat(incident.failingProbes()).isEqualTo(7);
            assertThat(incident.lastResultId()).isEqualTo(last.resultId());
            assertThat(incident.onsetAt()).isEqualTo(T0.toEpochMilli());
            assertThat(incident.detectedAt()).isEqualTo(finishedAt(T0.plusSeconds(20)));
            assertThat(last.transition().next().status()).isEqualTo(MonitorStatus.DOWN);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void twoSuccessesInARowResolveTheIncidentWithMttdAndMttr(Kind kind) throws SQLException {
        try (Database db = kind.open()) {
            ResultRecorder recorder = Results.recorder(db, "default", 100);
            MonitorConfig m = Results.monitor("api");
            for (int i = 0; i < 3; i++) {
                record(recorder, m, Results.failed(T0.plusSeconds(10L * i)));
            }
            long incidentId = openIncident(db, "api").id();

            ResultRecorder.Recorded firstSuccess = record(recorder, m, Results.healthy(T0.plusSeconds(300), 20));
            assertThat(firstSuccess.transition().next().status()).as("one success is not recovery").isEqualTo(MonitorStatus.DOWN);
            assertThat(incident(db, incidentId).status()).isEqualTo(IncidentStatus.OPEN);
            record(recorder, m, Results.failed(T0.plusSeconds(310)));
            ResultRecorder.Recorded again = record(recorder, m, Results.healthy(T0.plusSeconds(320), 20));
            assertThat(again.transition().resolved()).as("the failure in between restarted the count").isNull();

            ResultRecorder.Recorded resolved = record(recorder, m, Results.healthy(T0.plusSeconds(330), 20));

            assertThat(resolved.transition().next().status()).isEqualTo(MonitorStatus.UP);
            assertThat(resolved.transition().resolved()).isNotNull();
            Incident incident = incident(db, incidentId);
            assertThat(incident.status()).isEqualTo(IncidentStatus.RESOLVED);
            assertThat(incident.resolution()).isEqualTo("recovered");
            assertThat(incident.resolvedAt()).isEqualTo(finishedAt(T0.plusSeconds(330)));
            assertThat(incident.failingProbes()).isEqualTo(4);
            assertThat(incident.mttdMs()).isEqualTo(incident.detectedAt() - incident.onsetAt()).isEqualTo(20_000 + PROBE_MS);
            assertThat(incident.mttrMs()).isEqualTo(finishedAt(T0.plusSeconds(330)) - finishedAt(T0.plusSeconds(20)));
            assertThat(openIncident(db, "api")).isNull();
            assertThat(events(db, incidentId)).extracting(TimelineEvent::kind)
                    .containsExactly("opened", "resolved");
            assertThat(count(db, "SELECT COUNT(*) FROM monitor_state WHERE monitor_id = 'api' AND status = 'up' "
                    + "AND open_incident_id IS NULL")).isEqualTo(1);

            for (int i = 0; i < 3; i++) {
                record(recorder, m, Results.failed(T0.plusSeconds(400L + 10 * i)));
            }
            assertThat(count(db, "SELECT COUNT(*) FROM incidents")).as("a new outage is a new incident").isEqualTo(2);
            assertThat(openIncident(db, "api").onsetAt()).isEqualTo(T0.plusSeconds(400).toEpochMilli());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void aSuccessBeforeTheThresholdRestartsTheStreakAndMovesTheOnset(Kind kind) throws SQLException {
        try (Database db = kind.open()) {
            ResultRecorder recorder = Results.recorder(db, "default", 100);
            MonitorConfig m = Results.monitor("api");
            record(recorder, m, Results.failed(T0));
            record(recorder, m, Results.failed(T0.plusSeconds(10)));
            ResultRecorder.Recorded up = record(recorder, m, Results.healthy(T0.plusSeconds(20), 20));
            assertThat(up.transition().next().status()).isEqualTo(MonitorStatus.UP);

            record(recorder, m, Results.failed(T0.plusSeconds(30)));
            record(recorder, m, Results.failed(T0.plusSeconds(40)));
            assertThat(count(db, "SELECT COUNT(*) FROM incidents")).isZero();
            record(recorder, m, Results.failed(T0.plusSeconds(50)));

            Incident incident = openIncident(db, "api");
            assertThat(incident.onsetAt()).isEqualTo(T0.plusSeconds(30).toEpochMilli());
            assertThat(incident.failingProbes()).isEqualTo(3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void aRestartNeitherLosesNorDuplicatesAnIncident(Kind kind) throws SQLException {
        MonitorConfig m = Results.monitor("api");
        Database before;
        try (Database db = kind.open()) {
            before = db;
            ResultRecorder recorder = Results.recorder(db, "default", 100);
            record(recorder, m, Results.failed(T0));
            record(recorder, m, Results.failed(T0.plusSeconds(10)));
        }
        try (Database db = Databases.reopen(before)) {
            ResultRecorder recorder = Results.recorder(db, "default", 100);
            ResultRecorder.Recorded third = record(recorder, m, Results.failed(T0.plusSeconds(20)));
            assertThat(third.transition().opened()).as("the streak survived the restart").isNotNull();
            assertThat(openIncident(db, "api").onsetAt()).isEqualTo(T0.toEpochMilli());
        }
        try (Database db = Databases.reopen(before)) {
            ResultRecorder recorder = Results.recorder(db, "default", 100);
            record(recorder, m, Results.failed(T0.plusSeconds(30)));
            assertThat(count(db, "SELECT COUNT(*) FROM incidents")).isEqualTo(1);
            assertThat(openIncident(db, "api").failingProbes()).isEqualTo(4);
            record(recorder, m, Results.healthy(T0.plusSeconds(40), 20));
        }
        try (Database db = Databases.reopen(before)) {
            ResultRecorder recorder = Results.recorder(db, "default", 100);
            record(recorder, m, Results.healthy(T0.plusSeconds(50), 20));
            assertThat(count(db, "SELECT COUNT(*) FROM incidents WHERE status = 'resolved'")).isEqualTo(1);
            assertThat(count(db, "SELECT COUNT(*) FROM incidents")).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void thresholdsComeFromTheMonitor(Kind kind) throws SQLException {
        try (Database db = kind.open()) {
            ResultRecorder recorder = Results.recorder(db, "default", 100);
            MonitorConfig m = Results.monitors("""
                    monitors:
                      - id: strict
                        url: http://127.0.0.1:9/mcp
                        thresholds: {failure: 1, success: 3}
                    """).getFirst();

            assertThat(record(recorder, m, Results.failed(T0)).transition().next().status()).isEqualTo(MonitorStatus.DOWN);
            record(recorder, m, Results.healthy(T0.plusSeconds(10), 20));
            record(recorder, m, Results.healthy(T0.plusSeconds(20), 20));
            assertThat(count(db, "SELECT COUNT(*) FROM incidents WHERE status = 'open'")).isEqualTo(1);
            record(recorder, m, Results.healthy(T0.plusSeconds(30), 20));
            assertThat(count(db, "SELECT COUNT(*) FROM incidents WHERE status = 'resolved'")).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void rollupsCountProbesFailuresByReasonAndHealthyLatencyPerBucket(Kind kind) throws SQLException {
        try (Database db = kind.open()) {
            ResultRecorder recorder = Results.recorder(db, "default", 100);
            MonitorConfig m = Results.monitor("api");
            Instant minute = Instant.parse("2026-11-20T10:15:00Z");
            record(recorder, m, Results.healthy(minute.plusSeconds(5), 100));
            record(recorder, m, Results.healthy(minute.plusSeconds(25), 300));
            record(recorder, m, Results.failed(minute.plusSeconds(45)));
            record(recorder, m, Results.failed(minute.plusSeconds(70), Reason.HTTP_ERROR, Phase.INITIALIZE, "HTTP 502"));
            record(recorder, m, Results.healthy(minute.plus(Duration.ofHours(1)), 200));

            var rollups = new RollupStore(db.dialect());
            long from = minute.minus(Duration.ofDays(2)).toEpochMilli();
            long to = minute.plus(Duration.ofDays(2)).toEpochMilli();
            var minutes = db.read(c -> rollups.buckets(c, "api", Resolution.MINUTE, from, to));
            assertThat(minutes).extracting(RollupStore.Bucket::start).containsExactly(minute.toEpochMilli(),
                    minute.plusSeconds(60).toEpochMilli(), minute.plus(Duration.ofHours(1)).toEpochMilli());
            assertThat(minutes).extracting(RollupStore.Bucket::probes).containsExactly(3L, 1L, 1L);
            assertThat(minutes).extracting(RollupStore.Bucket::failures).containsExactly(1L, 1L, 0L);
            assertThat(minutes.getFirst().p50()).as("latency of healthy probes only").isCloseTo(100, withinPercentage(1));
            assertThat(minutes.get(1).p50()).as("no healthy probe, no latency").isNull();

            var hours = db.read(c -> rollups.buckets(c, "api", Resolution.HOUR, from, to));
            assertThat(hours).extracting(RollupStore.Bucket::probes).containsExactly(4L, 1L);
            var day = db.read(c -> rollups.summary(c, "api", Resolution.DAY, from, to));
            assertThat(day.probes()).isEqualTo(5);
            assertThat(day.failures()).isEqualTo(2);
            assertThat(day.failuresByReason()).containsExactlyInAnyOrderEntriesOf(Map.of("connection_refused", 1L, "http_error", 1L));
            assertThat(day.latency().count()).isEqualTo(3);
            assertThat(day.availability()).isEqualTo(0.6);
            assertThat(day.phaseMeans()).containsKeys("connect", "initialize", "tools_list");
            assertThat(day.phaseMeans().get("initialize")).isCloseTo(100.0, offset(1e-9));
        }
    }

    private Incident openIncident(Database db, String monitorId) throws SQLException {
        return db.read(c -> incidents.openFor(c, monitorId));
    }

    private Incident incident(Database db, long id) throws SQLException {
        return db.read(c -> incidents.get(c, id));
    }

    private List<TimelineEvent> events(Database db, long incidentId) throws SQLException {
        return db.read(c -> incidents.events(c, incidentId));
    }

    private static ResultRecorder.Recorded record(ResultRecorder recorder, MonitorConfig m, ProbeResult r) {
        ResultRecorder.Recorded recorded = recorder.record(m, r, finishedAt(r));
        assertThat(recorded).as("recorded %s at %s (store health %s)", m.id(), r.startedAt(), recorder.health()).isNotNull();
        return recorded;
    }

    /** Every probe here takes one second from start to finish. */
    private static long finishedAt(ProbeResult r) {
        return finishedAt(r.startedAt());
    }

    private static long finishedAt(Instant startedAt) {
        return startedAt.toEpochMilli() + PROBE_MS;
    }
}
