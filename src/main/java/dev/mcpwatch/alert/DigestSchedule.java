package dev.mcpwatch.alert;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;

/**
 * When a route's digest goes out: {@code daily} at a time of day, {@code weekly} on a day at a time
 * (both in a time zone, 09:00 Monday UTC by default), or {@code every} fixed period. A digest holds
 * the alerts collected before the boundary that has just passed; an empty period sends nothing.
 */
public record DigestSchedule(Kind kind, LocalTime at, DayOfWeek day, ZoneId zone, Duration every) {

    public enum Kind { DAILY, WEEKLY, EVERY }

    public static final LocalTime DEFAULT_TIME = LocalTime.of(9, 0);

    public static DigestSchedule daily(LocalTime at, ZoneId zone) {
        return new DigestSchedule(Kind.DAILY, at, null, zone, null);
    }

    public static DigestSchedule weekly(DayOfWeek day, LocalTime at, ZoneId zone) {
        return new DigestSchedule(Kind.WEEKLY, at, day, zone, null);
    }

    public static DigestSchedule every(Duration period) {
        return new DigestSchedule(Kind.EVERY, null, null, ZoneId.of("UTC"), period);
    }

    /** The latest period boundary at or before {@code now}: the end of the period to send. */
    public Instant lastBoundary(Instant now) {
        return switch (kind) {
            case EVERY -> Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), every.toMillis()) * every.toMillis());
            case DAILY -> {
                ZonedDateTime local = now.atZone(zone);
                ZonedDateTime today = local.toLocalDate().atTime(at).atZone(zone);
                yield (today.isAfter(local) ? today.minusDays(1) : today).toInstant();
            }
            case WEEKLY -> {
                ZonedDateTime local = now.atZone(zone);
                LocalDate date = local.toLocalDate().with(TemporalAdjusters.previousOrSame(day));
                ZonedDateTime candidate = date.atTime(at).atZone(zone);
                yield (candidate.isAfter(local) ? candidate.minusWeeks(1) : candidate).toInstant();
            }
        };
    }

    /** The boundary before {@code end}: the start of the period that ends there. */
    public Instant periodStart(Instant end) {
        return switch (kind) {
            case EVERY -> end.minus(every);
            case DAILY -> end.atZone(zone).minusDays(1).toInstant();
            case WEEKLY -> end.atZone(zone).minusWeeks(1).toInstant();
        };
    }

    public String describe() {
        return switch (kind) {
            case EVERY -> "every " + every;
            case DAILY -> "daily at " + at + " " + zone;
            case WEEKLY -> "weekly on " + day + " at " + at + " " + zone;
        };
    }
}
