package dev.mcpwatch.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.alert.MaintenanceWindow;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Whose time maintenance and pauses take out of the record. */
class UnwatchedTest {

    @Test
    void anOccurrenceCoversItsMonitorsAndTagsAndPausesAddToIt() {
        var deploy = new Unwatched.Occurrence("deploys", 1_000, 2_000, List.of(), List.of("prod"));
        var migration = new Unwatched.Occurrence("migration", 5_000, 6_000, List.of("docs"), List.of());
        Unwatched u = new Unwatched(List.of(deploy, migration), Map.of("docs", List.of(new Span(1_500, 2_500))));

        assertThat(u.maintenance("weather", List.of("prod")).spans()).containsExactly(new Span(1_000, 2_000));
        assertThat(u.maintenance("docs", List.of("internal")).spans()).containsExactly(new Span(5_000, 6_000));
        assertThat(u.of("docs", List.of("internal")).spans()).containsExactly(new Span(1_500, 2_500), new Span(5_000, 6_000));
        assertThat(u.of("search", List.of()).isEmpty()).isTrue();
    }

    @Test
    void monitorsUnderTheSameMaintenanceShareOneGroup() {
        var deploy = new Unwatched.Occurrence("deploys", 1_000, 2_000, List.of(), List.of("prod"));
        Unwatched u = new Unwatched(List.of(deploy), Map.of());
        Map<TimeSet, List<String>> groups = u.byMaintenance(Map.of("a", List.of("prod"), "b", List.of("prod", "eu"), "c", List.of()));
        assertThat(groups).hasSize(2);
        assertThat(groups.get(TimeSet.EMPTY)).containsExactly("c");
        assertThat(groups.get(TimeSet.of(List.of(new Span(1_000, 2_000))))).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void theConfiguredWindowInProgressIsAnOccurrenceUntilItIsRecorded() {
        MaintenanceWindow tuesdays = MaintenanceWindow.weekly("tuesday-deploys", List.of(), List.of("prod"), Set.of(DayOfWeek.TUESDAY),
                LocalTime.of(2, 0), LocalTime.of(3, 0), ZoneId.of("Europe/Paris"));
        // Tuesday 2026-11-10, 02:30 in Paris is 01:30 UTC
        var now = Unwatched.Occurrence.inProgress(tuesdays, Instant.parse("2026-11-10T01:30:00Z"));
        assertThat(now).isEqualTo(new Unwatched.Occurrence("tuesday-deploys", History.at("2026-11-10T01:00:00Z"),
                History.at("2026-11-10T02:00:00Z"), List.of(), List.of("prod")));
        assertThat(Unwatched.Occurrence.inProgress(tuesdays, Instant.parse("2026-11-10T02:00:00Z"))).isNull();
    }
}
