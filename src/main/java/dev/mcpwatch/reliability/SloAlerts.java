package dev.mcpwatch.reliability;

import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.monitor.MonitorEvent;
import dev.mcpwatch.monitor.MonitorEvents;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.RecordStore;
import dev.mcpwatch.web.Fmt;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SLOs' burn-rate alerts (the SRE workbook's multi-window, multi-burn-rate method): each minute
 * every SLO is evaluated; an alert that starts burning is recorded and announced as
 * {@code slo.burn} through the alert routes of its severity, one that stops is recorded and
 * announced as {@code slo.burn_resolved} with the same dedup key. A burn that goes on is not
 * announced again, and the database keeps one burning row per SLO and alert, so a cluster whose
 * nodes all evaluate announces each start and stop once. An alert of an SLO that was removed from
 * the configuration (or that lost the alert) stops: nothing watches it any more.
 */
public final class SloAlerts {
    private static final Logger log = LoggerFactory.getLogger(SloAlerts.class);

    private final Database db;
    private final SloBoard board;
    private final MonitorEvents events;
    private final RecordStore store = new RecordStore();

    public SloAlerts(Database db, SloBoard board, MonitorEvents events) {
        this.db = db;
        this.board = board;
        this.events = events;
    }

    /** Evaluates every SLO at {@code now} and starts or stops its alerts. */
    public void round(long now) throws SQLException {
        Map<String, Set<String>> firing = new HashMap<>();
        List<RecordStore.Burn> burning = db.read(store::burning);
        for (RecordStore.Burn b : burning) {
            firing.computeIfAbsent(b.sloId(), k -> new HashSet<>()).add(b.alert());
        }
        Set<String> watched = new HashSet<>();
        for (Slo slo : board.slos()) {
            SloStatus status = board.evaluate(slo, now);
            Set<String> was = firing.getOrDefault(slo.id(), Set.of());
            for (SloStatus.Reading r : status.started(was)) {
                boolean first = db.transaction(c -> {
                    if (!store.startBurn(c, slo.id(), r.name(), r.alert().severity().wireName(), now, r.longBurn(), r.shortBurn())) {
                        return false;
                    }
                    events.publish(c, event(slo, status, r, true, now));
                    return true;
                });
                if (first) {
                    log.warn("SLO {} ({}) is burning its error budget: {} at {}× (alert at {}×)", slo.id(), slo.subject(), r.name(),
                            String.format(Locale.ROOT, "%.1f", r.longBurn()), r.alert().factor());
                }
            }
            for (SloStatus.Reading r : status.stopped(was)) {
                db.transaction(c -> {
                    if (store.stopBurn(c, slo.id(), r.name(), now)) {
                        events.publish(c, event(slo, status, r, false, now));
                    }
                    return null;
                });
            }
            slo.alerts().forEach(a -> watched.add(slo.id() + "\n" + a.name()));
        }
        for (RecordStore.Burn b : burning) {
            if (!watched.contains(b.sloId() + "\n" + b.alert())) {
                db.transaction(c -> {
                    if (store.stopBurn(c, b.sloId(), b.alert(), now)) {
                        events.publish(c, new MonitorEvent.SloBurn(null, List.of(), b.sloId(), b.sloId(), b.alert(),
                                Severity.fromWireName(b.severity()), false, 0, null, null,
                                "SLO " + b.sloId() + " (or its " + b.alert() + " alert) is no longer configured; its alert ends.", now));
                    }
                    return null;
                });
            }
        }
    }

    static MonitorEvent.SloBurn event(Slo slo, SloStatus status, SloStatus.Reading r, boolean burning, long now) {
        Budget b = status.budget();
        String rates = "burn rate " + rate(r.longBurn()) + " over the last " + Windows.words(r.alert().longWindow()) + " and "
                + rate(r.shortBurn()) + " over the last " + Windows.words(r.alert().shortWindow());
        String message = "SLO " + slo.name() + " (" + slo.subject() + ", " + String.format(Locale.ROOT, "%.3f %%", slo.target() * 100) + " "
                + slo.objective().wireName() + " over " + Windows.words(slo.window()) + "): " + (burning
                        ? rates + ", at least " + rate(r.alert().factor()) + " on both"
                        : "no longer burning at " + rate(r.alert().factor()) + " (" + rates + ")")
                + ". Attainment " + Fmt.pct3(b.attainment()) + ", " + Fmt.pct3(b.remaining()) + " of the error budget left.";
        return new MonitorEvent.SloBurn(slo.monitor(), slo.tag() == null ? List.of() : List.of(slo.tag()), slo.id(), slo.name(), r.name(),
                r.alert().severity(), burning, r.alert().factor(), r.longBurn(), r.shortBurn(), message, now);
    }

    private static String rate(Double v) {
        return v == null ? "—" : String.format(Locale.ROOT, "%.1f×", v);
    }
}
