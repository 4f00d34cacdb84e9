package dev.mcpwatch.dashboard;

import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.store.MonitorStore;
import dev.mcpwatch.store.Resolution;
import dev.mcpwatch.store.RollupStore;
import dev.mcpwatch.web.Frame;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The overview of all monitors, one page at a time. Its cost does not grow with the number of
 * monitors: a page is a keyset-paged query of {@code limit} monitors (by id, after the cursor), then
 * one query each for their last 24 h of hour rollups, their last 90 days of day rollups and their
 * open incidents' severities; only the per-status counts look at every monitor, and that is one
 * GROUP BY. Uptime is the share of successful probes (24 h from hour buckets; 7 d and 90 d from day
 * buckets, whole UTC days); p50/p95 are over 24 h.
 */
public final class Overview {
    public static final List<String> STATUSES = List.of("down", "suspect", "up", "unknown");
    public static final int DEFAULT_LIMIT = 50;

    public record Filters(String status, String tag, String q, int limit) {
        /** The query string of this filter with a cursor (or none). */
        public String link(String cursor) {
            StringBuilder s = new StringBuilder("/?");
            append(s, "status", status);
            append(s, "tag", tag);
            append(s, "q", q);
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

    public record Row(String id, String name, String status, boolean paused, Severity severity, String layer, String reason, String message,
            Long lastProbeAt, Double p50, Double p95, Double uptime24h, Double uptime7d, Double uptime90d, List<String> tags, String source) {}

    public record Page(Frame frame, Filters filters, Map<String, Long> counts, long total, List<Row> rows, String next, boolean first,
            long now) {}

    private final Database db;
    private final MonitorStore monitors = new MonitorStore();
    private final IncidentStore incidents = new IncidentStore();
    private final RollupStore rollups;

    public Overview(Database db) {
        this.db = db;
        this.rollups = new RollupStore(db.dialect());
    }

    public Page page(Frame frame, Filters f, String cursor, long now) throws SQLException {
        String after = decode(cursor);
        return db.read(c -> {
            var found = monitors.page(c, after, f.status(), f.tag(), f.q(), f.limit() + 1);
            var shown = found.size() > f.limit() ? found.subList(0, f.limit()) : found;
            List<String> ids = shown.stream().map(MonitorStore.MonitorRow::id).toList();
            var day = rollups.summaries(c, ids, Resolution.HOUR, now - Duration.ofHours(24).toMillis(), now + 1);
            long today = Resolution.DAY.bucketStart(now);
            var days = rollups.dailyCounts(c, ids, today - 89 * Resolution.DAY.millis(), now + 1);
            var severities = incidents.severities(c, shown.stream().map(MonitorStore.MonitorRow::openIncidentId).filter(Objects::nonNull).toList());
            List<Row> rows = new ArrayList<>();
            for (var m : shown) {
                var s = day.get(m.id());
                long[] week = sum(days.get(m.id()), today - 6 * Resolution.DAY.millis());
                long[] ninety = sum(days.get(m.id()), Long.MIN_VALUE);
                boolean failing = m.lastHealthy() != null && !m.lastHealthy();
                rows.add(new Row(m.id(), m.name(), m.status(), m.paused(), m.openIncidentId() == null ? null : severities.get(m.openIncidentId()),
                        failing ? m.lastLayer() : null, failing ? m.lastReason() : null, failing ? m.lastMessage() : null, m.lastProbeAt(),
                        s == null ? null : s.latency().quantile(0.5), s == null ? null : s.latency().quantile(0.95),
                        s == null ? null : s.availability(), ratio(week), ratio(ninety), m.tags(), m.source()));
            }
            Map<String, Long> counts = monitors.countByStatus(c);
            long total = counts.values().stream().mapToLong(Long::longValue).sum();
            String next = found.size() > f.limit() ? encode(shown.getLast().id()) : null;
            return new Page(frame, f, counts, total, rows, next, after == null, now);
        });
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

    static String encode(String id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id.getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("that page link is not one this dashboard made; start from the first page");
        }
    }
}
