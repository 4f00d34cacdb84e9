package dev.mcpwatch.alert;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;

/**
 * A time when alerts for some monitors are held: once ({@code from}–{@code to}, two instants), or
 * every week on some days between two times of day in a time zone (a range may cross midnight:
 * 23:00–01:00 on Saturday runs into Sunday). It covers monitors by id or by tag. Probing goes on and
 * is recorded; only alerts wait.
 *
 * <p>When the window ends, an incident that is still open is alerted then (its held alerts are
 * sent, and its escalation starts counting from that moment); an incident that opened and resolved
 * inside the window is not alerted at all. Resolution notices of incidents alerted before the
 * window began are not held: they close something people already saw.
 */
public record MaintenanceWindow(String name, List<String> monitors, List<String> tags, Instant from, Instant to, Set<DayOfWeek> days,
        LocalTime start, LocalTime end, ZoneId zone) {

    public MaintenanceWindow {
        monitors = List.copyOf(monitors);
        tags = List.copyOf(tags);
        days = days == null ? Set.of() : Set.copyOf(days);
    }

    public static MaintenanceWindow once(String name, List<String> monitors, List<String> tags, Instant from, Instant to) {
        return new MaintenanceWindow(name, monitors, tags, from, to, null, null, null, null);
    }

    public static MaintenanceWindow weekly(String name, List<String> monitors, List<String> tags, Set<DayOfWeek> days, LocalTime start,
            LocalTime end, ZoneId zone) {
        return new MaintenanceWindow(name, monitors, tags, null, null, days, start, end, zone);
    }

    /** One occurrence of a window: from {@code start} until {@code end}. */
    public record Occurrence(Instant start, Instant end) {
        public boolean inProgressAt(Instant t) {
            return !t.isBefore(start) && t.isBefore(end);
        }
    }

    public boolean recurring() {
        return from == null;
    }

    public boolean covers(String monitorId, List<String> monitorTags) {
        return monitors.contains(monitorId) || (monitorTags != null && monitorTags.stream().anyMatch(tags::contains));
    }

    public boolean activeAt(Instant t) {
        return endOfOccurrence(t) != null;
    }

    /**
     * The occurrence in progress at {@code t}, else the next one to start (a weekly window's within
     * the coming week), else null (a one-off window that is over).
     */
    public Occurrence currentOrNext(Instant t) {
        if (!recurring()) {
            return t.isBefore(to) ? new Occurrence(from, to) : null;
        }
        LocalDate today = t.atZone(zone).toLocalDate();
        // From yesterday (an occurrence that crosses midnight may still run) through a week ahead, in order.
        for (int k = -1; k <= 7; k++) {
            LocalDate day = today.plusDays(k);
            if (!days.contains(day.getDayOfWeek())) {
                continue;
            }
            Instant s = day.atTime(start).atZone(zone).toInstant();
            Instant e = (start.isBefore(end) ? day : day.plusDays(1)).atTime(end).atZone(zone).toInstant();
            if (e.isAfter(t)) {
                return new Occurrence(s, e);
            }
        }
        return null;
    }

    /** The end of the occurrence that contains {@code t}, or null when the window is not active at {@code t}. */
    public Instant endOfOccurrence(Instant t) {
        if (!recurring()) {
            return !t.isBefore(from) && t.isBefore(to) ? to : null;
        }
        ZonedDateTime local = t.atZone(zone);
        LocalDate today = local.toLocalDate();
        LocalTime now = local.toLocalTime();
        if (start.isBefore(end)) {
            return days.contains(today.getDayOfWeek()) && !now.isBefore(start) && now.isBefore(end)
                    ? today.atTime(end).atZone(zone).toInstant() : null;
        }
        // crosses midnight: the evening part belongs to today's occurrence, the morning part to yesterday's
        if (days.contains(today.getDayOfWeek()) && !now.isBefore(start)) {
            return today.plusDays(1).atTime(end).atZone(zone).toInstant();
        }
        if (days.contains(today.minusDays(1).getDayOfWeek()) && now.isBefore(end)) {
            return today.atTime(end).atZone(zone).toInstant();
        }
        return null;
    }
}
