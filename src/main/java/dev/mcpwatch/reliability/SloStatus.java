package dev.mcpwatch.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where an SLO stands at one moment: attainment and error budget over its rolling window, the burn
 * rate over every window its alerts use, and whether each alert burns now.
 *
 * @param burnRates by window ({@code 5m}, {@code 1h}, … and the SLO's own), null where it had no events
 */
public record SloStatus(Slo slo, long at, Budget budget, Map<String, Double> burnRates, List<Reading> alerts) {

    /** One alert's two windows and whether they both burn at its factor. */
    public record Reading(BurnAlert alert, Double longBurn, Double shortBurn, boolean burning) {
        public String name() {
            return alert.name();
        }
    }

    public static SloStatus evaluate(Slo slo, CountSource source, long now) {
        Set<Duration> windows = new TreeSet<>();
        windows.add(slo.window());
        for (BurnAlert a : slo.alerts()) {
            windows.add(a.shortWindow());
            windows.add(a.longWindow());
        }
        Map<Duration, Counts> counts = new LinkedHashMap<>();
        Map<String, Double> rates = new LinkedHashMap<>();
        for (Duration w : windows) {
            Counts c = source.counts(Windows.ending(now, w));
            counts.put(w, c);
            rates.put(Windows.words(w), slo.burnRate(c));
        }
        List<Reading> readings = new ArrayList<>();
        for (BurnAlert a : slo.alerts()) {
            Double longBurn = slo.burnRate(counts.get(a.longWindow()));
            Double shortBurn = slo.burnRate(counts.get(a.shortWindow()));
            readings.add(new Reading(a, longBurn, shortBurn, a.burning(longBurn, shortBurn)));
        }
        return new SloStatus(slo, now, new Budget(counts.get(slo.window()), slo.target(), slo.window()), rates, List.copyOf(readings));
    }

    /** Alerts that burn now and were not firing: each starts an {@code slo.burn}. */
    public List<Reading> started(Set<String> firing) {
        return alerts.stream().filter(r -> r.burning() && !firing.contains(r.name())).toList();
    }

    /** Alerts that were firing and burn no more: each is resolved. */
    public List<Reading> stopped(Set<String> firing) {
        return alerts.stream().filter(r -> !r.burning() && firing.contains(r.name())).toList();
    }

    /** One point of the budget chart: the share of the window's budget left at {@code at}. */
    public record BudgetPoint(long at, double remaining) {}

    /**
     * The budget over the current window, spent as it went: at each {@code step} from the window's
     * start, what was left of the whole window's budget (which is known only now, as the events in the
     * window are), ending at today's remaining. Empty when the window has no events.
     */
    public static List<BudgetPoint> budgetOverWindow(Slo slo, CountSource source, long now, Duration step) {
        Span window = Windows.ending(now, slo.window());
        List<Counts> parts = new ArrayList<>();
        List<Long> ends = new ArrayList<>();
        Counts all = Counts.NONE;
        for (long t = window.start(); t < window.end(); t += step.toMillis()) {
            long e = Math.min(window.end(), t + step.toMillis());
            Counts c = source.counts(new Span(t, e));
            parts.add(c);
            ends.add(e);
            all = all.plus(c);
        }
        List<BudgetPoint> out = new ArrayList<>();
        double allowed = slo.budgetRatio() * all.total();
        if (all.total() == 0) {
            return out;
        }
        out.add(new BudgetPoint(window.start(), 1));
        long bad = 0;
        for (int i = 0; i < parts.size(); i++) {
            bad += parts.get(i).bad();
            out.add(new BudgetPoint(ends.get(i), 1 - bad / allowed));
        }
        return out;
    }
}
