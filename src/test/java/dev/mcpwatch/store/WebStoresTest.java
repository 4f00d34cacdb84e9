package dev.mcpwatch.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.incident.TimelineEvent;
import dev.mcpwatch.monitor.ResultRecorder;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Results;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The queries the dashboard and the status pages added to the stores, on SQLite and PostgreSQL:
 * users, sessions and tokens; API-owned monitors; many monitors' rollups at once; downtime minutes
 * per day from incidents; recent failures.
 */
class WebStoresTest {
    private static final long DAY = Resolution.DAY.millis();

    @ParameterizedTest
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void usersSessionsAndTokens(Databases.Kind kind) throws Exception {
        try (Database db = kind.open()) {
            AuthStore store = new AuthStore();
            assertThat(db.<Boolean>read(store::anyUser)).isFalse();
            db.transaction(c -> {
                store.setPassword(c, "admin", "hash-1", 1);
                store.setPassword(c, "admin", "hash-2", 2);
                store.createSession(c, new AuthStore.Session("s1", "admin", "csrf", 1, 1, 100));
                store.createSession(c, new AuthStore.Session("s2", "admin", "csrf", 1, 1, 5));
                return store.createToken(c, "ci", "t-hash", "mcpw_abcd", "admin", 3);
            });
            assertThat(db.<Boolean>read(store::anyUser)).isTrue();
            assertThat(db.<String>read(c -> store.passwordHash(c, "admin"))).isEqualTo("hash-2");
            assertThat(db.<Integer>transaction(c -> store.deleteExpiredSessions(c, 10))).isEqualTo(1);
            assertThat(db.<AuthStore.Session>read(c -> store.session(c, "s1")).username()).isEqualTo("admin");
            var token = db.read(c -> store.liveToken(c, "t-hash"));
            assertThat(token.name()).isEqualTo("ci");
            assertThat(token.readOnly()).isFalse();
            db.transaction(c -> store.createToken(c, "agent", "r-hash", "mcpw_efgh", "admin", true, 3));
            assertThat(db.<AuthStore.Token>read(c -> store.liveToken(c, "r-hash")).readOnly()).isTrue();
            assertThat(db.<Boolean>transaction(c -> store.revokeToken(c, token.id(), 4))).isTrue();
            assertThat(db.<AuthStore.Token>read(c -> store.liveToken(c, "t-hash"))).isNull();
            assertThat(db.<List<AuthStore.Token>>read(store::tokens)).extracting(AuthStore.Token::name, AuthStore.Token::revokedAt)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("agent", null), org.assertj.core.groups.Tuple.tuple("ci", 4L));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void apiMonitorsAreStoredBesideTheFilesAndYieldToThem(Databases.Kind kind) throws Exception {
        try (Database db = kind.open()) {
            ApiMonitorStore store = new ApiMonitorStore();
            var m = Results.monitor("added");
            db.transaction(c -> {
                store.save(c, m, "{\"id\":\"added\"}", 1);
                return null;
            });
            assertThat(db.<String>read(c -> store.owner(c, "added"))).isEqualTo("api");
            assertThat(db.<MonitorStore.MonitorRow>read(c -> new MonitorStore().get(c, "added")).source()).isEqualTo("api");
            db.transaction(c -> new MonitorStore().sync(c, List.of(), 2));
            assertThat(db.<String>read(c -> store.owner(c, "added"))).as("a file sync leaves API monitors alone").isEqualTo("api");
            db.transaction(c -> {
                new MonitorStore().sync(c, List.of(m), 3);
                return store.dropShadowed(c, List.of("added"));
            });
            assertThat(db.<String>read(c -> store.owner(c, "added"))).as("the file took the id").isEqualTo("file");
            assertThat(db.<java.util.Map<String, String>>read(store::definitions)).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void rollupsOfManyMonitorsDowntimeByDayAndRecentFailures(Databases.Kind kind) throws Exception {
        try (Database db = kind.open()) {
            var a = Results.monitor("a");
            var b = Results.monitor("b");
            db.transaction(c -> new MonitorStore().sync(c, List.of(a, b), 0));
            ResultRecorder recorder = Results.recorder(db, "default", 100);
            long today = Resolution.DAY.bucketStart(System.currentTimeMillis());
            long onset = today - DAY - 30 * 60_000; // 23:30 two days ago; resolved 00:30 yesterday
            for (int i = 0; i < 3; i++) {
                recorder.record(a, Results.failed(Instant.ofEpochMilli(onset + i * 10_000L)), onset + i * 10_000L + 1_000);
            }
            recorder.record(a, Results.healthy(Instant.ofEpochMilli(onset + 3_599_000 - 10_000), 30), onset + 3_590_000);
            recorder.record(a, Results.healthy(Instant.ofEpochMilli(onset + 3_599_000), 30), onset + 3_600_000);
            recorder.record(b, Results.healthy(Instant.ofEpochMilli(today + 1_000), 50), today + 2_000);
            IncidentStore incidents = new IncidentStore();
            RollupStore rollups = new RollupStore(db.dialect());

            var downtime = db.read(c -> incidents.downtimeByDay(c, List.of("a", "b"), today - 2 * DAY, 3, today + DAY - 1));
            var days = db.read(c -> rollups.dailyCounts(c, List.of("a", "b"), today - 2 * DAY, today + DAY));
            var sums = db.read(c -> rollups.summaries(c, List.of("a", "b", "none"), Resolution.DAY, today - 2 * DAY, today + DAY));
            var open = db.read(c -> incidents.severities(c, List.of(1L)));
            var failures = db.read(c -> new ResultStore().recentFailures(c, "a", 2));

            assertThat(downtime.get("a")).containsExactly(30, 30, 0);
            assertThat(downtime).doesNotContainKey("b");
            assertThat(days.get("a")).extracting(RollupStore.DayCount::probes).containsExactly(3L, 2L);
            assertThat(days.get("b")).extracting(RollupStore.DayCount::probes).containsExactly(1L);
            assertThat(sums.get("a").probes()).isEqualTo(5);
            assertThat(sums.get("a").failures()).isEqualTo(3);
            assertThat(sums.get("b").latency().quantile(0.5)).isCloseTo(50, org.assertj.core.data.Percentage.withPercentage(1));
            assertThat(sums).doesNotContainKey("none");
            assertThat(open).containsEntry(1L, Severity.P1);
            assertThat(failures).hasSize(2).allMatch(r -> !r.healthy());
            assertThat(db.<List<TimelineEvent>>read(c -> incidents.events(c, List.of(1L), "resolved"))).singleElement()
                    .satisfies(e -> assertThat(e.detail()).isEqualTo(Json.MAPPER.readTree("{\"resolution\":\"recovered\"}")));
        }
    }
}
