package dev.mcpwatch.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.mcpwatch.alert.MaintenanceWindow;
import dev.mcpwatch.store.ApiMonitorStore;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.ToolCallStore;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An SLO on one tool's health calls (its {@code tool:} field) counts that tool's calls as the
 * detector stores them (ToolCallStore: per minute and per hour), not the probes and not other tools:
 * two days of one call a minute per tool on the settable clock, ten failed calls of {@code search}
 * inside the window, five before it, and a failing {@code other} tool that must not count.
 */
class ToolSloTest {

    @Test
    void aPerToolSloComputesAttainmentAndBudgetFromThatToolsCallsInItsWindow() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-11-28T00:00:00Z"));
        try (Database db = Databases.sqlite()) {
            ToolCallStore calls = new ToolCallStore();
            long badInside = Instant.parse("2026-11-29T12:00:00Z").toEpochMilli();
            long badBefore = Instant.parse("2026-11-28T06:00:00Z").toEpochMilli();
            long end = Instant.parse("2026-11-30T00:00:00Z").toEpochMilli();
            db.transaction(c -> {
                new ApiMonitorStore().save(c, Results.monitor("api"), "{\"id\": \"api\"}", clock.millis()); // the monitor the SLO is on
                for (long t = clock.millis(); t < end; t = clock.advance(Duration.ofMinutes(1)).millis()) {
                    boolean searchFails = (t >= badInside && t < badInside + 10 * 60_000) || (t >= badBefore && t < badBefore + 5 * 60_000);
                    calls.add(c, "api", t + 20_000, "search", !searchFails);
                    calls.add(c, "api", t + 20_000, "other", false);
                }
                return null;
            });
            Slo slo = new SloSettings("search-calls", null, "api", null, null, 0.99, Duration.ofDays(1), null, "search", List.of(), null).slo();
            SloBoard board = new SloBoard(db, () -> List.of(slo), List::<MaintenanceWindow>of);

            // Evaluated at 23:59:30, the window ends with the minute in progress: 2026-11-29 00:00 to 2026-11-30 00:00,
            // 1,440 calls of search, 10 of them failed.
            Budget b = board.evaluate(slo, end - 30_000).budget();

            assertThat(b.counts().total()).isEqualTo(1440);
            assertThat(b.counts().good()).isEqualTo(1430);
            assertThat(b.attainment()).isCloseTo(1430.0 / 1440, offset(1e-12));
            assertThat(b.allowedEvents()).isCloseTo(14.4, offset(1e-9));
            assertThat(b.consumedEvents()).isEqualTo(10);
            assertThat(b.remainingEvents()).isCloseTo(4.4, offset(1e-9));
            assertThat(b.consumed()).isCloseTo(10 / 14.4, offset(1e-9));
            assertThat(b.remaining()).isCloseTo(1 - 10 / 14.4, offset(1e-9));
        }
    }
}
