package dev.mcpwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Where and when each location probes a monitor: offsets spread across the interval, agreed by the wall clock. */
class StaggerTest {
    private static final TestClock CLOCK = TestClock.at("2026-12-02T10:00:00.123Z");

    @Test
    void twoLocationsAtSixtySecondsLookEveryThirtySeconds() throws Exception {
        MonitorConfig m = monitor("api", "60s", List.of());
        Stagger a = new Stagger("a", () -> Set.of("a", "b"));
        Stagger b = new Stagger("b", () -> Set.of("a", "b"));

        Instant firstA = a.first(m, CLOCK.instant());
        Instant firstB = b.first(m, CLOCK.instant());

        long apart = Math.floorMod(firstB.toEpochMilli() - firstA.toEpochMilli(), 60_000L);
        assertThat(apart).as("b looks half an interval after a").isEqualTo(30_000);
        assertThat(b.offset(m).minus(a.offset(m))).isIn(Duration.ofSeconds(30), Duration.ofSeconds(-30));
        assertThat(a.offset(m)).isEqualTo(DatabaseSchedule.spread(m)).as("the first location keeps the monitor's own spread");
    }

    @Test
    void threeLocationsSplitTheIntervalInThirdsInTheOrderOfTheirNames() throws Exception {
        MonitorConfig m = monitor("api", "30s", List.of("us", "eu", "ap"));
        List<String> locations = Stagger.locationsOf(m, Set.of("ignored"), "eu");
        assertThat(locations).containsExactly("ap", "eu", "us");
        long spread = DatabaseSchedule.spread(m).toMillis();
        assertThat(List.of(Stagger.offset(m, "ap", locations), Stagger.offset(m, "eu", locations), Stagger.offset(m, "us", locations)))
                .containsExactly(Duration.ofMillis(spread % 30_000), Duration.ofMillis((spread + 10_000) % 30_000),
                        Duration.ofMillis((spread + 20_000) % 30_000));
    }

    @Test
    void nodesOfALocationAgreeOnItsSlotsWhenEverTheyStarted() throws Exception {
        MonitorConfig m = monitor("api", "60s", List.of());
        Stagger a = new Stagger("a", () -> Set.of("a", "b"));
        Instant early = a.first(m, CLOCK.instant());
        Instant later = a.first(m, CLOCK.instant().plusSeconds(17 * 60 + 3));
        assertThat(Duration.between(early, later).toMillis() % 60_000).isZero();
        assertThat(early).isBetween(CLOCK.instant(), CLOCK.instant().plusSeconds(60));
    }

    @Test
    void aMonitorListingNoLocationIsProbedByEveryLiveLocationAndOneListingSomeOnlyByThose() throws Exception {
        MonitorConfig everywhere = monitor("all", "60s", List.of());
        MonitorConfig onlyA = monitor("only-a", "60s", List.of("a"));
        assertThat(Stagger.probesIn(everywhere, "b")).isTrue();
        assertThat(Stagger.probesIn(onlyA, "a")).isTrue();
        assertThat(Stagger.probesIn(onlyA, "b")).isFalse();
        assertThat(Stagger.locationsOf(everywhere, Set.of("b"), "a")).as("the node's own location counts as live")
                .containsExactly("a", "b");
    }

    @Test
    void aHealthyProbeReturnsToItsLocationsSlotAfterRetriesAndARetryCountsFromNow() throws Exception {
        MonitorConfig m = monitor("api", "60s", List.of());
        Stagger b = new Stagger("b", () -> Set.of("a", "b"));
        Instant slot = b.first(m, CLOCK.instant());
        Instant retryAt = slot.plusSeconds(13);

        assertThat(b.next(m, slot, Duration.ofSeconds(10), slot.plusSeconds(3))).as("retry").isEqualTo(slot.plusSeconds(13));
        assertThat(b.next(m, retryAt, m.interval(), retryAt.plusSeconds(2))).as("back on the grid").isEqualTo(slot.plusSeconds(60));
        assertThat(b.next(m, slot, m.interval(), slot.plusSeconds(2))).isEqualTo(slot.plusSeconds(60));
        assertThat(b.next(m, slot, m.interval(), slot.plusSeconds(75))).as("slot passed: at once").isEqualTo(slot.plusSeconds(75).plusMillis(500));
    }

    @Test
    void theDefaultLocationKeepsThePlainTaskNameSoExistingExecutionsStay() {
        assertThat(Stagger.taskName("default")).isEqualTo("probe");
        assertThat(Stagger.taskName("eu-west")).isEqualTo("probe@eu-west");
    }

    static MonitorConfig monitor(String id, String interval, List<String> locations) throws Exception {
        String yaml = "monitors:\n  - id: " + id + "\n    url: http://127.0.0.1:9/mcp\n    interval: " + interval + "\n"
                + (locations.isEmpty() ? "" : "    locations: [" + String.join(", ", locations) + "]\n");
        return new ConfigLoader(k -> null).loadText(yaml, "stagger.yaml").monitors().getFirst();
    }
}
