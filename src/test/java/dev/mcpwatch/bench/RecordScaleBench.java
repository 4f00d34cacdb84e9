package dev.mcpwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.alert.MaintenanceWindow;
import dev.mcpwatch.reliability.Period;
import dev.mcpwatch.reliability.RecordReader;
import dev.mcpwatch.reliability.Report;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.Dialect;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.TestClock;
import dev.mcpwatch.testkit.WebFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The reliability record at 10,000 monitors over 13 months ({@link RecordScaleData}: a day rollup per
 * monitor and day, an incident or two per monitor and month, a monthly maintenance window over a
 * third of them, pauses) on SQLite and on PostgreSQL: the monthly report (every monitor's figures,
 * rendered as Markdown, CSV and JSON), the report of one tag, the 13 months the Reliability page reads,
 * and on SQLite the page's own server time from its Server-Timing header. A bench, not a test: it
 * checks what the figures say, never how fast they came.
 *
 * <p>Run: {@code mvn test -Dtest=RecordScaleBench -Dsurefire.failIfNoSpecifiedTests=false}; the
 * figures are in {@code target/bench/record.txt}.
 */
class RecordScaleBench {
    static final int MONITORS = Integer.getInteger("bench.monitors", 10_000);
    static final int RUNS = 3;
    static final Instant NOW = Instant.parse("2026-12-15T12:00:00Z");
    static final YearMonth FIRST = YearMonth.of(2025, 12);
    static final YearMonth MONTH = YearMonth.of(2026, 11);

    /** The figures so far, printed and written as they come, so a run cut short keeps what it measured. */
    private final Out out = new Out();

    static final class Out {
        private final StringBuilder text = new StringBuilder();

        Out append(String s) {
            text.append(s);
            System.out.print(s);
            System.out.flush();
            try {
                Path file = Path.of("target/bench/record.txt");
                Files.createDirectories(file.getParent());
                Files.writeString(file, text.toString());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return this;
        }
    }

    @Test
    void theRecordAtTenThousandMonitorsOverThirteenMonths() throws Exception {
        out.append(String.format(Locale.ROOT, "reliability record, %,d monitors, %s to %s, read at %s%n", MONITORS, FIRST, YearMonth.from(
                NOW.atOffset(java.time.ZoneOffset.UTC)), NOW));
        // SQLite is the running server's own database, so the page is measured on the same rows.
        try (WebFixture web = WebFixture.start(ServeFixture.tempDir("mcpwatch-record-bench-"), "monitors: []\n", new TestClock(NOW))) {
            Database db = web.app().database();
            measure("SQLite", db, seed(db, db.writes().getConnection()));
            page(web);
        }
        try (Database db = Databases.postgres()) {
            RecordScaleData.Seeded seeded = seed(db, DriverManager.getConnection(db.url() + "?reWriteBatchedInserts=true", "postgres", null));
            // what autovacuum does soon after a bulk load: statistics, and the visibility map index-only scans need
            try (Connection c = DriverManager.getConnection(db.url(), "postgres", null); var st = c.createStatement()) {
                st.execute("VACUUM ANALYZE");
            }
            measure("PostgreSQL", db, seeded);
        }
    }

    private RecordScaleData.Seeded seed(Database db, Connection c) throws Exception {
        long t = System.nanoTime();
        RecordScaleData.Seeded s;
        try (c) {
            s = RecordScaleData.seed(c, MONITORS, FIRST, NOW.toEpochMilli());
        }
        out.append(String.format(Locale.ROOT, "%n%s: seeded %,d rollup rows and %,d incidents in %.0f s%n", db.dialect() == Dialect.SQLITE
                ? "SQLite" : "PostgreSQL", s.rollupRows(), s.incidents(), (System.nanoTime() - t) / 1e9));
        return s;
    }

    private void measure(String name, Database db, RecordScaleData.Seeded seeded) throws Exception {
        assertThat(seeded.rollupRows()).isPositive();
        RecordReader reader = new RecordReader(db, List::<MaintenanceWindow>of, new TestClock(NOW));
        Report report = time(name, "monthly report, all monitors (" + MONTH + " and the month before, each monitor's figures)",
                () -> reader.report(RecordReader.Scope.ALL, MONTH));
        // every probe of the month counted once: in the figures, or apart as maintenance's
        long probes = report.month().availability().probes() + report.month().availability().maintenanceProbes();
        assertThat(probes).isEqualTo(MONITORS * 30L * 1_440);
        assertThat(report.month().availability().maintenanceProbes()).isEqualTo((MONITORS + 2) / 3 * 60L);
        assertThat(report.monitors()).hasSize(MONITORS);
        assertThat(report.month().incidents()).isGreaterThan(MONITORS);
        for (Report.Format f : Report.Format.values()) {
            String text = time(name, "  rendered as " + f.name().toLowerCase(Locale.ROOT), () -> report.render(f));
            out.append(String.format(Locale.ROOT, "    %,d bytes%n", text.length()));
        }
        Report staging = time(name, "monthly report, tag staging (" + (MONITORS + 2) / 3 + " monitors)",
                () -> reader.report(RecordReader.Scope.of(null, "staging"), MONTH));
        assertThat(staging.monitors()).hasSize((MONITORS + 2) / 3);
        var months = time(name, "13 months, all monitors (what the Reliability page reads)",
                () -> reader.read(RecordReader.Scope.ALL, Period.months(YearMonth.from(NOW.atOffset(java.time.ZoneOffset.UTC)), 13), false));
        assertThat(months.periods()).hasSize(13);
        out.append(String.format(Locale.ROOT, "  %s: %,d incidents in the 13 months%n", name,
                months.periods().stream().mapToInt(f -> f.incidents()).sum()));
    }

    /** The Reliability page over SQLite, from its own Server-Timing header (database and rendering). */
    private void page(WebFixture web) throws Exception {
        {
            var operator = web.loggedIn();
            for (String path : List.of("/reliability", "/reliability?tag=staging", "/reliability?monitor=" + RecordScaleData.id(42))) {
                operator.get(path);
                double[] db = new double[RUNS];
                double[] render = new double[RUNS];
                int bytes = 0;
                for (int i = 0; i < RUNS; i++) {
                    var r = operator.get(path);
                    assertThat(r.status()).isEqualTo(200);
                    Matcher m = Pattern.compile("db;dur=([0-9.]+), render;dur=([0-9.]+)").matcher(r.header("Server-Timing"));
                    assertThat(m.find()).isTrue();
                    db[i] = Double.parseDouble(m.group(1));
                    render[i] = Double.parseDouble(m.group(2));
                    bytes = r.body().length();
                }
                Arrays.sort(db);
                Arrays.sort(render);
                out.append(String.format(Locale.ROOT, "  page %-32s db median %8.0f ms, render median %5.1f ms, %,d bytes%n", path,
                        db[RUNS / 2], render[RUNS / 2], bytes));
            }
        }
    }

    private <T> T time(String db, String what, Callable<T> work) throws Exception {
        double[] ms = new double[RUNS];
        T result = null;
        for (int i = 0; i < RUNS; i++) {
            long t = System.nanoTime();
            result = work.call();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        out.append(String.format(Locale.ROOT, "  %s: %-75s first %7.0f ms, median %7.0f ms%n", db, what, ms[0], sorted[RUNS / 2]));
        return result;
    }
}
