package dev.mcpwatch.reliability;

import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.Resolution;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * October and November 2026 of a small installation, read at 2026-11-30 18:30:30 (so November is
 * cut mid-minute): weather and search tagged prod, docs internal; two October outages (one
 * remediated), a deploy window over prod on 8 November 02:00–02:30 with an outage that began inside
 * it, docs paused on 12 November, a P2 on search that rose to P1 and fell back, and a docs outage
 * still open — plus a P3 warning, which the record does not count.
 */
final class TwoMonths {
    static final Instant NOW = Instant.parse("2026-11-30T18:30:30Z");
    static final Map<String, List<String>> TAGS = new LinkedHashMap<>();
    static final Span DEPLOY = new Span(History.at("2026-11-08T02:00:00Z"), History.at("2026-11-08T02:30:00Z"));
    static final Span DOCS_PAUSED = new Span(History.at("2026-11-12T00:00:00Z"), History.at("2026-11-13T00:00:00Z"));

    static {
        TAGS.put("weather", List.of("prod"));
        TAGS.put("search", List.of("prod"));
        TAGS.put("docs", List.of("internal"));
    }

    final History h = history();

    private static History history() {
        History h = new History("2026-10-01T00:00:00Z", Duration.ofDays(60).plusHours(18).plusMinutes(31))
                .monitor("weather").monitor("search").monitor("docs");
        h.outage("weather", "2026-10-05T10:00:00Z", Duration.ofMinutes(20), History.Response.p1(Reason.CONNECTION_REFUSED)
                .notified(Duration.ofSeconds(30)).acked(Duration.ofMinutes(4)));
        h.outage("search", "2026-10-20T03:00:00Z", Duration.ofMinutes(40), History.Response.p1(Reason.TIMEOUT)
                .notified(Duration.ofSeconds(30)).acked(Duration.ofMinutes(10)).by(ResolvedBy.REMEDIATION));
        // onset inside the deploy window over prod (02:00–02:30), the held alert out at 02:30:05
        h.outage("weather", "2026-11-08T02:10:00Z", Duration.ofMinutes(30), History.Response.p1(Reason.CONNECTION_REFUSED)
                .notified(Duration.ofMinutes(18).plusSeconds(5)));
        h.paused("docs", DOCS_PAUSED.start(), DOCS_PAUSED.end());
        h.outage("search", "2026-11-20T08:00:00Z", Duration.ofMinutes(60), History.Response.p1(Reason.TOOLS_MISSING).severity(Severity.P2)
                .notified(Duration.ofSeconds(20)).acked(Duration.ofMinutes(10))
                .change(History.at("2026-11-20T08:20:00Z"), Severity.P1).change(History.at("2026-11-20T08:50:00Z"), Severity.P2));
        // still open when the record is read
        h.outage("docs", "2026-11-30T18:00:00Z", Duration.ofHours(2), History.Response.p1(Reason.DNS_UNRESOLVED));
        return h;
    }

    /** Minute rollups on the deploy day and the last day only: what the record reads of minutes here. */
    static final LongPredicate DEPLOY_AND_LAST_DAY = day -> day == Resolution.DAY.bucketStart(DEPLOY.start())
            || day == Resolution.DAY.bucketStart(NOW.toEpochMilli());

    /** Writes it all into {@code db}: rollups (minutes on the days {@code minuteDays} accepts), incidents, the occurrence, the pause. */
    void write(Database db, LongPredicate minuteDays) throws SQLException {
        HistoryRows.write(db, h, TAGS, minuteDays);
        HistoryRows.occurrence(db, "deploy", DEPLOY, List.of(), List.of("prod"));
        HistoryRows.pause(db, "docs", DOCS_PAUSED);
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO incidents (monitor_id, status, severity, reason, layer, phase, message, "
                    + "onset_at, detected_at, resolved_at, failing_probes) VALUES ('docs', 'resolved', 'P3', 'tool_call_error', 'tools', "
                    + "'tool_call', 'elevated error rate', ?, ?, ?, 0)")) {
                ps.setLong(1, History.at("2026-11-15T00:00:00Z"));
                ps.setLong(2, History.at("2026-11-15T00:00:00Z"));
                ps.setLong(3, History.at("2026-11-16T00:00:00Z"));
                ps.executeUpdate();
            }
            return null;
        });
    }

    static TimeSet maintenance(String m) {
        return TAGS.get(m).contains("prod") ? TimeSet.of(List.of(DEPLOY)) : TimeSet.EMPTY;
    }

    static TimeSet paused(String m) {
        return m.equals("docs") ? TimeSet.of(List.of(DOCS_PAUSED)) : TimeSet.EMPTY;
    }

    /** The pure record of the same history: each monitor's own maintenance and pause, minutes from {@code minutesSince}. */
    Figures expected(Period p, List<String> monitors, long minutesSince) {
        Availability a = Availability.NONE;
        for (String m : monitors) {
            a = a.plus(h.new Rollups(List.of(m), ms -> true).availability(p, maintenance(m), paused(m), minutesSince));
        }
        return Figures.of(p, a, h.incidentsOf(monitors).stream().filter(i -> i.onsetAt() < p.end()
                && (i.resolvedAt() == null || i.resolvedAt() >= p.start())).toList(), m -> maintenance(m).union(paused(m)), NOW.toEpochMilli());
    }
}
