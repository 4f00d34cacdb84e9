package dev.mcpwatch.dashboard;

import dev.mcpwatch.alert.MaintenanceWindow;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.postmortem.Postmortems;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.store.MonitorStore;
import dev.mcpwatch.store.Resolution;
import dev.mcpwatch.store.RollupStore;
import dev.mcpwatch.store.WarningStore;
import dev.mcpwatch.web.Frame;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The overview of all monitors, one page at a time. Its cost does not grow with the number of
 * monitors: a page is a keyset-paged query of {@code limit} monitors (in the chosen order, after the
 * cursor), then one query each for their last 24 h of hour rollups, their last 90 days of day
 * rollups, their open incidents' severities and their active warnings; only the per-status counts
 * look at every monitor, and that is one GROUP BY. Uptime is the share of successful probes (24 h
 * from hour buckets; 7 d and 90 d from day buckets, whole UTC days); p50/p95 are over 24 h.
 *
 * <p>Trouble comes first by default: down, auth-walled, suspect, degraded, up, not probed yet,
 * paused; then by name. {@code sort=name} orders by name alone.
 */
public final class Overview {
    public static final List<String> STATUSES = List.of("down", "auth-walled", "suspect", "up", "unknown");
    public static final List<String> SORTS = List.of("state", "name");
    public static final int DEFAULT_LIMIT = 50;

    public record Filters(String status, String tag, String q, int limit, String sort) {
        public Filters(String status, String tag, String q, int limit) {
            this(status, tag, q, limit, "state");
        }

        public Filters {
            sort = sort == null ? "state" : sort;
        }

        /** The query string of this filter with a cursor (or none). */
        public String link(String cursor) {
            StringBuilder s = new StringBuilder("/?");
            append(s, "status", status);
            append(s, "tag", tag);
            append(s, "q", q);
            if (!"state".equals(sort)) {
                append(s, "sort", sort);
            }
            if (limit != DEFAULT_LIMIT) {
                append(s, "limit", Integer.toString(limit));
            }
            append(s, "cursor", cursor);
            return s.charAt(s.length() - 1) == '?' || s.charAt(s.length() - 1) == '&' ? s.substring(0, s.length() - 1) : s.toString();
        }

        public boolean any() {
            return status != null || tag != null || q != null;
        }

        private static void append(StringBuilder s, String k, String v) {
            if (v != null) {
                s.append(s.charAt(s.length() - 1) == '?' ? "" : "&").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        }
    }

    /**
     * One monitor's line. {@code state} is what the pill says: its status, or "degraded" when it is up
     * with an incident open, or "paused"; {@code maintenanceUntil} is set while a maintenance window
     * holds its alerts; {@code warnings} are its active P3 warnings.
     */
    public record Row(String id, String name, String status, String state, boolean paused, Severity severity, String layer, String reason,
            String message, Long lastProbeAt, Double p50, Double p95, Double uptime24h, Double uptime7d, Double uptime90d,
            List<String> tags, String source, List<WarningStore.WarningRow> warnings, Long maintenanceUntil) {}

    public record Page(Frame frame, Filters filters, Map<String, Long> counts, long total, List<Row> rows, String next, boolean first,
            long now, List<Postmortems.Overdue> overduePostmortems) {}

    /** The P1s whose postmortem is overdue, listed above the monitors. */
    @FunctionalInterface
    public interface OverduePostmortems {
        List<Postmortems.Overdue> list() throws SQLException;
    }

    private final Database db;
    private final Supplier<List<MaintenanceWindow>> maintenance;
    private final MonitorStore monitors = new MonitorStore();
    private final IncidentStore incidents = new IncidentStore();
    private final WarningStore warnings = new WarningStore();
    private final RollupStore rollups;
    private final OverduePostmortems overdue;

    public Overview(Database db) {
        this(db, List::of);
    }

    public Overview(Database db, Supplier<List<MaintenanceWindow>> maintenance) {
        this(db, maintenance, List::of);
    }

    public Overview(Database db, Supplier<List<MaintenanceWindow>> maintenance, OverduePostmortems overdue) {
        this.db = db;
        this.maintenance = maintenance;
        this.overdue = overdue;
        this.rollups = new RollupStore(db.dialect());
    }

    public Page page(Frame frame, Filters f, String cursor, long now) throws SQLException {
        MonitorStore.Order order = "name".equals(f.sort()) ? MonitorStore.Order.NAME : MonitorStore.Order.STATE;
        MonitorStore.After after = decode(cursor);
        List<Postmortems.Overdue> overdueNow = after == null ? overdue.list() : List.of(); // on the first page only
        return db.read(c -> {
            var found = monitors.page(c, order, after, f.status(), f.tag(), f.q(), f.limit() + 1);
            var shown = found.size() > f.limit() ? found.subList(0, f.limit()) : found;
            List<MonitorStore.MonitorRow> rows = shown.stream().map(MonitorStore.Ranked::row).toList();
            List<String> ids = rows.stream().map(MonitorStore.MonitorRow::id).toList();
            var day = rollups.summaries(c, ids, Resolution.HOUR, now - Duration.ofHours(24).toMillis(), now + 1);
            long today = Resolution.DAY.bucketStart(now);
            var days = rollups.dailyCounts(c, ids, today - 89 * Resolution.DAY.millis(), now + 1);
            var severities = incidents.severities(c, rows.stream().map(MonitorStore.MonitorRow::openIncidentId).filter(Objects::nonNull).toList());
            var active = warnings.active(c, ids);
            List<Row> out = new ArrayList<>();
            for (var m : rows) {
                var s = day.get(m.id());
                long[] week = sum(days.get(m.id()), today - 6 * Resolution.DAY.millis());
                long[] ninety = sum(days.get(m.id()), Long.MIN_VALUE);
                boolean failing = m.lastHealthy() != null && !m.lastHealthy();
                Severity severity = m.openIncidentId() == null ? null : severities.get(m.openIncidentId());
                out.add(new Row(m.id(), m.name(), m.status(), state(m, severity), m.paused(), severity,
                        failing ? m.lastLayer() : null, failing ? m.lastReason() : null, failing ? m.lastMessage() : null, m.lastProbeAt(),
                        s == null ? null : s.latency().quantile(0.5), s == null ? null : s.latency().quantile(0.95),
                        s == null ? null : s.availability(), ratio(week), ratio(ninety), m.tags(), m.source(),
                        active.getOrDefault(m.id(), List.of()), maintenanceUntil(maintenance.get(), m, now)));
            }
            Map<String, Long> counts = monitors.countByStatus(c);
            long total = counts.values().stream().mapToLong(Long::longValue).sum();
            String next = found.size() > f.limit() ? encode(shown.getLast()) : null;
            return new Page(frame, f, counts, total, out, next, after == null, now, overdueNow);
        });
    }

    /** What a monitor's pill says. */
    static String state(MonitorStore.MonitorRow m, Severity openSeverity) {
        if (m.paused()) {
            return "paused";
        }
        return "up".equals(m.status()) && openSeverity != null ? "degraded" : m.status();
    }

    /** The end of the maintenance window holding this monitor's alerts now (the one ending last), or null. */
    static Long maintenanceUntil(List<MaintenanceWindow> windows, MonitorStore.MonitorRow m, long now) {
        Instant t = Instant.ofEpochMilli(now);
        Instant until = null;
        for (MaintenanceWindow w : windows) {
            Instant end = w.covers(m.id(), m.tags()) ? w.endOfOccurrence(t) : null;
            if (end != null && (until == null || end.isAfter(until))) {
                until = end;
            }
        }
        return until == null ? null : until.toEpochMilli();
    }

    /** A warning's type in a word or two, for a badge. */
    public static String warningLabel(String type) {
        return switch (type) {
            case "certificate.expiring" -> "certificate";
            case "drift.detected" -> "schema drift";
            case "latency.trend" -> "latency trend";
            case "tool.error_rate" -> "tool errors";
            case "success_rate.low" -> "success rate";
            default -> type;
        };
    }

    private static long[] sum(List<RollupStore.DayCount> days, long from) {
        long[] out = new long[2];
        if (days != null) {
            for (var d : days) {
                if (d.dayStart() >= from) {
                    out[0] += d.probes();
                    out[1] += d.failures();
                }
            }
        }
        return out;
    }

    private static Double ratio(long[] probesFailures) {
        return probesFailures[0] == 0 ? null : (double) (probesFailures[0] - probesFailures[1]) / probesFailures[0];
    }

    static String encode(MonitorStore.Ranked last) {
        String key = last.rank() + "\n" + last.sortName() + "\n" + last.row().id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    static MonitorStore.After decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\n", 3);
            return new MonitorStore.After(Integer.parseInt(parts[0]), parts[1], parts[2]);
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("that page link is not one this dashboard made; start from the first page");
        }
    }
}
