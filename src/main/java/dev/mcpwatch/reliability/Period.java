package dev.mcpwatch.reliability;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * A stretch of the record: a calendar month in UTC (the rollups' days are UTC days, so a month is a
 * whole number of them), or any range. The label is what tables and files call it ({@code 2026-11}).
 */
public record Period(String label, long start, long end) {

    public Period {
        if (end <= start) {
            throw new IllegalArgumentException("a period must end after it starts (" + label + ")");
        }
    }

    public static Period month(YearMonth month) {
        long start = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        long end = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        return new Period(month.toString(), start, end);
    }

    /** {@code 2026-11}, with a sentence that says what was expected when it is not a month. */
    public static YearMonth parseMonth(String text) {
        try {
            return YearMonth.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("a month is written YYYY-MM (e.g. 2026-11), got \"" + text + "\"");
        }
    }

    /** The calendar month (UTC) an instant falls in. */
    public static YearMonth monthOf(long epochMillis) {
        return YearMonth.from(Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC));
    }

    /** {@code count} months ending with {@code last}, oldest first. */
    public static List<Period> months(YearMonth last, int count) {
        List<Period> out = new ArrayList<>();
        for (int i = count - 1; i >= 0; i--) {
            out.add(month(last.minusMonths(i)));
        }
        return out;
    }

    /**
     * The calendar months that {@code [from, to)} touches, oldest first, each cut to the range: a
     * range from the 10th of one month to the 5th of the next is two periods named by their months,
     * the first and the last partial.
     */
    public static List<Period> monthsOf(long from, long to) {
        List<Period> out = new ArrayList<>();
        for (YearMonth m = monthOf(from); ; m = m.plusMonths(1)) {
            Period whole = month(m);
            if (whole.start() >= to) {
                break;
            }
            long s = Math.max(from, whole.start());
            long e = Math.min(to, whole.end());
            out.add(new Period(m.toString(), s, e));
        }
        return out;
    }

    public long length() {
        return end - start;
    }

    public boolean contains(long t) {
        return t >= start && t < end;
    }

    /** This period cut to end no later than {@code t} (a month in progress is counted up to now). */
    public Period until(long t) {
        return t >= end || t <= start ? this : new Period(label, start, t);
    }
}
