package dev.mcpwatch.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpwatch.alert.MaintenanceWindow;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.Resolution;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.TestClock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The record read from a real database (SQLite and PostgreSQL) matches the record computed from the
 * same generated history ({@link TwoMonths}) by the pure code — availability from the rollups with a
 * recorded maintenance occurrence and a pause left out, incidents with a severity that rose and fell,
 * MTTD, MTTA, MTTR and time in each severity — for every scope, and a few figures are checked by hand.
 */
class RecordReaderTest {
    private static final long MIN = 60_000;
    private static final Instant NOW = TwoMonths.NOW;

    private TwoMonths months;

    private Database seeded(Databases.Kind kind) throws Exception {
        months = new TwoMonths();
        Database db = kind.open();
        months.write(db, TwoMonths.DEPLOY_AND_LAST_DAY);
        return db;
    }

    private RecordReader reader(Database db) {
        return new RecordReader(db, List::<MaintenanceWindow>of, new TestClock(NOW));
    }

    private Figures expected(Period p, List<String> monitors) {
        return months.expected(p, monitors, Resolution.DAY.bucketStart(TwoMonths.DEPLOY.start()));
    }

    private static void assertSame(Figures actual, Figures expected) {
        assertThat(actual.period()).isEqualTo(expected.period());
        assertThat(actual.availability()).isEqualTo(expected.availability());
        assertThat(actual.incidents()).isEqualTo(expected.incidents());
        assertThat(actual.inMaintenance()).isEqualTo(expected.inMaintenance());
        assertThat(actual.bySeverity()).isEqualTo(expected.bySeverity());
        assertThat(actual.byReason()).isEqualTo(expected.byReason());
        assertThat(actual.byLayer()).isEqualTo(expected.byLayer());
        assertThat(actual.outcomes()).isEqualTo(expected.outcomes());
        assertThat(actual.mttd()).isEqualTo(expected.mttd());
        assertThat(actual.mtta()).isEqualTo(expected.mtta());
        assertThat(actual.mttr()).isEqualTo(expected.mttr());
        assertThat(actual.mttrByOutcome()).isEqualTo(expected.mttrByOutcome());
        assertThat(actual.timeInSeverityMs()).isEqualTo(expected.timeInSeverityMs());
    }

    @ParameterizedTest
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void theStoredRecordIsTheRecordOfTheHistoryForEveryScope(Databases.Kind kind) throws Exception {
        try (Database db = seeded(kind)) {
            List<Period> months = Period.months(YearMonth.of(2026, 11), 2);
            Period novSoFar = months.get(1).until(NOW.toEpochMilli());
            Map<RecordReader.Scope, List<String>> scopes = Map.of(RecordReader.Scope.ALL, List.of("weather", "search", "docs"),
                    RecordReader.Scope.of(null, "prod"), List.of("weather", "search"), RecordReader.Scope.of("docs", null), List.of("docs"));
            // monitors named in each query (a small installation), and every monitor scanned, days read as one (a large one)
            for (RecordReader reader : List.of(reader(db), new RecordReader(db, List::of, new TestClock(NOW), 0))) {
                for (var scope : scopes.entrySet()) {
                    RecordReader.Result r = reader.read(scope.getKey(), months, false);
                    assertThat(r.periods()).hasSize(2);
                    assertSame(r.periods().get(0), expected(months.get(0), scope.getValue()));
                    assertSame(r.periods().get(1), expected(novSoFar, scope.getValue()));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void novemberByHand(Databases.Kind kind) throws Exception {
        try (Database db = seeded(kind)) {
            Report report = reader(db).report(RecordReader.Scope.ALL, YearMonth.of(2026, 11));
            Figures nov = report.month();
            // 3 monitors × 42,871 minutes (to 18:30 on the 30th), less docs' paused day and prod's 2 × 30 deploy minutes
            assertThat(nov.availability().probes()).isEqualTo(3 * 42_871L - 1_440 - 2 * 30);
            // weather's 10 failing minutes after the deploy, search's 60, docs' 31 so far
            assertThat(nov.availability().failures()).isEqualTo(10 + 60 + 31);
            assertThat(nov.availability().maintenanceProbes()).isEqualTo(60);
            assertThat(nov.availability().maintenanceFailures()).isEqualTo(20);
            assertThat(nov.availability().maintenanceMs()).isEqualTo(2 * 30 * MIN);
            assertThat(nov.availability().pausedMs()).isEqualTo(1_440 * MIN);
            // the P3 warning is not counted; the open docs outage is
            assertThat(nov.incidents()).isEqualTo(3);
            assertThat(nov.count(Severity.P1)).isEqualTo(2);
            assertThat(nov.count(Severity.P2)).isEqualTo(1);
            assertThat(nov.count(Outcome.OPEN)).isEqualTo(1);
            // weather's MTTD counts from the window's end (02:30) to the alert (02:30:05)
            IncidentLine weather = nov.countedLines().stream().filter(l -> l.incident().monitorId().equals("weather")).findFirst().orElseThrow();
            assertThat(weather.mttdMs()).isEqualTo(5_000);
            // search: detected 08:02, resolved at 09:01; 30 minutes at P1 between its rise and fall
            IncidentLine search = nov.countedLines().stream().filter(l -> l.incident().monitorId().equals("search")).findFirst().orElseThrow();
            assertThat(search.mttrMs()).isEqualTo(59 * MIN);
            assertThat(search.timeInSeverityMs()).containsEntry(Severity.P1, 30 * MIN).containsEntry(Severity.P2, 31 * MIN);
            // October beside it: two incidents, one remediated
            assertThat(report.previous().incidents()).isEqualTo(2);
            assertThat(report.previous().count(Outcome.REMEDIATED)).isEqualTo(1);
            assertThat(report.change().incidents()).isEqualTo(1);
            assertThat(report.monitors()).extracting(Report.MonitorFigures::id).containsExactlyInAnyOrder("weather", "search", "docs");
            assertThat(report.monitors().stream().filter(m -> m.id().equals("docs")).findFirst().orElseThrow().figures().incidents())
                    .isEqualTo(1);
        }
    }

    @org.junit.jupiter.api.Test
    void aClosedMonthIsKeptForTenMinutesAndTheMonthInProgressIsNot() throws Exception {
        try (Database db = seeded(Databases.Kind.SQLITE)) {
            TestClock clock = new TestClock(NOW);
            RecordReader reader = new RecordReader(db, List::of, clock);
            List<Period> months = Period.months(YearMonth.of(2026, 11), 2);
            RecordReader.Result before = reader.read(RecordReader.Scope.ALL, months, false);
            // results written late (held while the database was away) into October and into November
            db.transaction(c -> {
                try (var ps = c.prepareStatement("UPDATE rollup_days SET failures = failures + 1 WHERE monitor_key = (SELECT monitor_key FROM monitor_keys "
                        + "WHERE monitor_id = 'docs') "
                        + "AND bucket_start IN (?, ?)")) {
                    ps.setLong(1, History.at("2026-10-10T00:00:00Z"));
                    ps.setLong(2, History.at("2026-11-10T00:00:00Z"));
                    ps.executeUpdate();
                }
                return null;
            });
            RecordReader.Result soon = reader.read(RecordReader.Scope.ALL, months, false);
            assertThat(soon.periods().get(0).availability()).as("October, over and kept").isEqualTo(before.periods().get(0).availability());
            assertThat(soon.periods().get(1).availability().failures()).as("November, in progress, read again")
                    .isEqualTo(before.periods().get(1).availability().failures() + 1);

            clock.advance(RecordReader.KEEP);
            RecordReader.Result later = reader.read(RecordReader.Scope.ALL, months, false);
            assertThat(later.periods().get(0).availability().failures()).isEqualTo(before.periods().get(0).availability().failures() + 1);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void anUnknownScopeIsNamed(Databases.Kind kind) throws Exception {
        try (Database db = seeded(kind)) {
            List<Period> months = Period.months(YearMonth.of(2026, 11), 1);
            assertThatThrownBy(() -> reader(db).read(RecordReader.Scope.of("nope", null), months, false))
                    .isInstanceOf(NoSuchElementException.class).hasMessage("no monitor 'nope'");
            assertThatThrownBy(() -> reader(db).read(RecordReader.Scope.of(null, "staging"), months, false))
                    .isInstanceOf(NoSuchElementException.class).hasMessage("no monitor has the tag 'staging'");
            assertThatThrownBy(() -> reader(db).read(RecordReader.Scope.ALL, List.of(Period.month(YearMonth.of(2027, 1))), false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nothing after now");
        }
    }
}
