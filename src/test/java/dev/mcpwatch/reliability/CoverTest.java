package dev.mcpwatch.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.store.Resolution;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Which rollups a stretch of the record is read from: days where possible, hours and minutes only
 * around maintenance, and the same probes as counting minute by minute.
 */
class CoverTest {
    private static final long HOUR = 3_600_000;

    @Test
    void aMonthWithoutMaintenanceIsOneRunOfDays() {
        Period nov = Period.month(Period.parseMonth("2026-11"));
        assertThat(Cover.of(nov.start(), nov.end(), TimeSet.EMPTY, 0))
                .containsExactly(new Cover.Run(Resolution.DAY, nov.start(), nov.end(), false));
    }

    @Test
    void anHourOfMaintenanceSplitsItsDayIntoHours() {
        long day = History.at("2026-11-10T00:00:00Z");
        TimeSet m = TimeSet.of(List.of(new Span(day + 2 * HOUR, day + 3 * HOUR)));
        assertThat(Cover.of(day - 86_400_000, day + 2 * 86_400_000, m, 0)).containsExactly(
                new Cover.Run(Resolution.DAY, day - 86_400_000, day, false),
                new Cover.Run(Resolution.HOUR, day, day + 2 * HOUR, false),
                new Cover.Run(Resolution.HOUR, day + 2 * HOUR, day + 3 * HOUR, true),
                new Cover.Run(Resolution.HOUR, day + 3 * HOUR, day + 86_400_000, false),
                new Cover.Run(Resolution.DAY, day + 86_400_000, day + 2 * 86_400_000, false));
    }

    @Test
    void aWindowOffTheHourIsReadInMinutesWhereMinutesAreKept() {
        long day = History.at("2026-11-10T00:00:00Z");
        TimeSet m = TimeSet.of(List.of(new Span(day + 2 * HOUR + 30 * 60_000, day + 3 * HOUR)));
        List<Cover.Run> runs = Cover.of(day, day + 86_400_000, m, 0);
        assertThat(runs).contains(new Cover.Run(Resolution.MINUTE, day + 2 * HOUR, day + 2 * HOUR + 30 * 60_000, false),
                new Cover.Run(Resolution.MINUTE, day + 2 * HOUR + 30 * 60_000, day + 3 * HOUR, true));

        List<Cover.Run> withoutMinutes = Cover.of(day, day + 86_400_000, m, day + 86_400_000);
        assertThat(withoutMinutes).as("no minute rollups left: the hour is judged by its start, outside the window")
                .containsExactly(new Cover.Run(Resolution.HOUR, day, day + 86_400_000, false))
                .noneMatch(r -> r.resolution() == Resolution.MINUTE);
    }

    @Test
    void runsCountTheSameProbesAsMinuteByMinuteUnderRandomWindows() {
        Random random = new Random(12);
        History h = new History("2026-10-01T00:00:00Z", Duration.ofDays(20)).monitor("a");
        for (int i = 0; i < 300; i++) {
            long from = h.start + random.nextInt(h.minutes) * History.MINUTE;
            h.failing("a", from, from + (1 + random.nextInt(40)) * History.MINUTE);
        }
        History.Rollups rollups = h.new Rollups(List.of("a"), ms -> true);
        for (int round = 0; round < 50; round++) {
            List<Span> windows = new ArrayList<>();
            for (int w = 0; w < 1 + random.nextInt(6); w++) {
                long s = h.start + random.nextInt(h.minutes) * History.MINUTE;
                windows.add(new Span(s, s + (1 + random.nextInt(600)) * History.MINUTE));
            }
            TimeSet m = TimeSet.of(windows);
            long from = h.start + random.nextInt(h.minutes / 2) * History.MINUTE;
            long to = from + random.nextInt(h.minutes / 2) * History.MINUTE;
            long[] in = new long[2];
            long[] out = new long[2];
            for (Cover.Run run : Cover.of(from, to, m, 0)) {
                long[] s = rollups.run(run);
                long[] target = run.maintenance() ? in : out;
                target[0] += s[0];
                target[1] += s[1];
            }
            assertThat(out).as("round %d outside maintenance", round).containsExactly(h.sumMinutes(List.of("a"), from, to, m, false));
            assertThat(in).as("round %d inside maintenance", round).containsExactly(h.sumMinutes(List.of("a"), from, to, m, true));
        }
    }
}
