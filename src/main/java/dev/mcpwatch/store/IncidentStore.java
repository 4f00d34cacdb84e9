package dev.mcpwatch.store;

import dev.mcpwatch.monitor.Severity;
import dev.mcpwatch.monitor.Transition;
import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Incidents and their timelines. MTTD and MTTR are derived from the stored times, never stored:
 * MTTD = detected − onset (+ the notification delay once alerts are sent), MTTR = resolved − detected.
 *
 * <p>An incident's record — severity, reason, layer, phase, message — is what it was confirmed with
 * and never changes: the reliability record counts incidents by it. While it is open its severity in
 * force ({@link IncidentRow#severityNow}) can rise and fall with its causes; each change, and each
 * outage that joins it, is on its timeline.
 */
public final class IncidentStore {

    public record IncidentRow(long id, String monitorId, String status, String severity, String reason, String layer, String phase,
            String message, long onsetAt, long detectedAt, Long notifiedAt, Long acknowledgedAt, Long resolvedAt, String resolution,
            int failingProbes, Long firstResultId, Long lastResultId, String currentSeverity) {

        /** The severity in force: the confirmed one unless it rose or fell since (alerting and live views use this). */
        public String severityNow() {
            return currentSeverity != null ? currentSeverity : severity;
        }

        /** Time to detect: from the first failing probe to confirmation, plus the notification delay when known. */
        public long mttdMs() {
            return (notifiedAt != null ? notifiedAt : detectedAt) - onsetAt;
        }

        /** Time to restore, from detection to resolution; null while open. */
        public Long mttrMs() {
            return resolvedAt == null ? null : resolvedAt - detectedAt;
        }
    }

    public record EventRow(long id, long incidentId, long at, String kind, JsonNode detail) {}

    public long open(Connection c, String monitorId, Transition.Opened o, Severity severity, long lastResultId) throws SQLException {
        long id;
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO incidents (monitor_id, status, severity, reason, layer, phase, message, onset_at, detected_at, failing_probes,
                    first_result_id, last_result_id, current_severity)
                VALUES (?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""")) {
            Sql.bindAll(ps, monitorId, severity.wireName(), o.failure().reason().wireName(), o.failure().layer().wireName(), o.failure().phase().wireName(),
                    o.failure().message(), o.onsetAt(), o.detectedAt(), o.failingProbes(), o.firstResultId(), lastResultId, severity.wireName());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        ObjectNode detail = Json.object();
        detail.put("reason", o.failure().reason().wireName());
        detail.put("layer", o.failure().layer().wireName());
        detail.put("phase", o.failure().phase().wireName());
        detail.put("message", o.failure().message());
        detail.put("onset_at", o.onsetAt());
        detail.put("failing_probes", o.failingProbes());
        detail.put("severity", severity.wireName());
        event(c, id, o.detectedAt(), "opened", detail);
        return id;
    }

    /**
     * An outage confirmed while this (degradation) incident is open: the incident counts the outage's
     * failing probes and takes its {@code severity} as the one in force; its record stays what it was
     * confirmed with, and its timeline shows the outage and the change.
     */
    public void takeOver(Connection c, long incidentId, Transition.Opened o, Severity from, Severity severity, long lastResultId)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE incidents SET current_severity = ?, "
                + "failing_probes = failing_probes + ?, first_result_id = COALESCE(first_result_id, ?), last_result_id = ? WHERE id = ?")) {
            Sql.bindAll(ps, severity.wireName(), o.failingProbes(), o.firstResultId(), lastResultId, incidentId);
            ps.executeUpdate();
        }
        ObjectNode detail = Json.object();
        detail.put("reason", o.failure().reason().wireName());
        detail.put("layer", o.failure().layer().wireName());
        detail.put("phase", o.failure().phase().wireName());
        detail.put("message", o.failure().message());
        detail.put("onset_at", o.onsetAt());
        detail.put("failing_probes", o.failingProbes());
        event(c, incidentId, o.detectedAt(), "outage", detail);
        if (from != severity) {
            severityEvent(c, incidentId, from, severity, o.detectedAt(), "outage confirmed: " + o.failure().message());
        }
    }

    /**
     * The open incident's severity in force changes (its most severe cause came or went); the timeline
     * says why and names the failure that now heads it. The record keeps what it was confirmed with.
     */
    public void change(Connection c, long incidentId, Severity from, Severity to, Failure headline, long at, String why)
            throws SQLException {
        if (from == to) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE incidents SET current_severity = ? WHERE id = ?")) {
            Sql.bindAll(ps, to.wireName(), incidentId);
            ps.executeUpdate();
        }
        ObjectNode detail = severityDetail(from, to, why);
        detail.put("reason", headline.reason().wireName());
        detail.put("layer", headline.layer().wireName());
        detail.put("phase", headline.phase().wireName());
        event(c, incidentId, at, "severity", detail);
    }

    private void severityEvent(Connection c, long incidentId, Severity from, Severity to, long at, String why) throws SQLException {
        event(c, incidentId, at, "severity", severityDetail(from, to, why));
    }

    private static ObjectNode severityDetail(Severity from, Severity to, String why) {
        ObjectNode detail = Json.object();
        detail.put("from", from.wireName());
        detail.put("to", to.wireName());
        detail.put("why", why);
        return detail;
    }

    /** One more failing probe while the incident is open. */
    public void failedAgain(Connection c, long incidentId, long resultId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE incidents SET failing_probes = failing_probes + 1, last_result_id = ? "
                + "WHERE id = ?")) {
            Sql.bindAll(ps, resultId, incidentId);
            ps.executeUpdate();
        }
    }

    public void resolve(Connection c, long incidentId, long at, String resolution) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE incidents SET status = 'resolved', resolved_at = ?, resolution = ? "
                + "WHERE id = ? AND status = 'open'")) {
            Sql.bindAll(ps, at, resolution, incidentId);
            if (ps.executeUpdate() == 0) {
                return;
            }
        }
        ObjectNode detail = Json.object();
        detail.put("resolution", resolution);
        event(c, incidentId, at, "resolved", detail);
    }

    /** Marks an open, unacknowledged incident acknowledged; false when it was not (resolved, or acknowledged already). */
    public boolean acknowledge(Connection c, long incidentId, long at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE incidents SET acknowledged_at = ? "
                + "WHERE id = ? AND status = 'open' AND acknowledged_at IS NULL")) {
            Sql.bindAll(ps, at, incidentId);
            return ps.executeUpdate() == 1;
        }
    }

    /** Records the first notification that reached someone (the end of MTTD); false when one was recorded already. */
    public boolean notified(Connection c, long incidentId, long at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE incidents SET notified_at = ? WHERE id = ? AND notified_at IS NULL")) {
            Sql.bindAll(ps, at, incidentId);
            return ps.executeUpdate() == 1;
        }
    }

    /** The locations whose probes failed during the incident's streak, so far. */
    public List<String> failingLocations(Connection c, IncidentRow incident) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT location FROM probe_results WHERE monitor_id = ? "
                + "AND id >= ? AND id <= ? AND healthy = ? ORDER BY location")) {
            Sql.bindAll(ps, incident.monitorId(), incident.firstResultId() == null ? 0L : incident.firstResultId(),
                    incident.lastResultId() == null ? Long.MAX_VALUE : incident.lastResultId(), false);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    public void event(Connection c, long incidentId, long at, String kind, JsonNode detail) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO incident_events (incident_id, at, kind, detail) VALUES (?, ?, ?, ?)")) {
            Sql.bindAll(ps, incidentId, at, kind, detail.toString());
            ps.executeUpdate();
        }
    }

    /** The open incident of a monitor, or null. */
    public IncidentRow openFor(Connection c, String monitorId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM incidents WHERE monitor_id = ? AND status = 'open'")) {
            ps.setString(1, monitorId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? row(rs) : null;
            }
        }
    }

    public IncidentRow get(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM incidents WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? row(rs) : null;
            }
        }
    }

    /** Incidents newest first, optionally of one monitor and/or one status, before the cursor id. */
    public List<IncidentRow> page(Connection c, String monitorId, String status, Long beforeId, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT * FROM incidents WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (monitorId != null) {
            sql.append(" AND monitor_id = ?");
            args.add(monitorId);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status);
        }
        if (beforeId != null) {
            sql.append(" AND id < ?");
            args.add(beforeId);
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        args.add(limit);
        List<IncidentRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            Sql.bindAll(ps, args.toArray());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        }
        return out;
    }

    public List<EventRow> events(Connection c, long incidentId) throws SQLException {
        List<EventRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, incident_id, at, kind, detail FROM incident_events "
                + "WHERE incident_id = ? ORDER BY id")) {
            ps.setLong(1, incidentId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new EventRow(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), Json.MAPPER.readTree(rs.getString(5))));
                }
            }
        }
        return out;
    }

    /**
     * Minutes of each UTC day, over {@code days} days from {@code firstDay} (a day's start), that each
     * monitor spent inside an incident, from its onset (first failing probe) to its resolution (or
     * {@code now} while open). P3 incidents are warnings, not downtime, and do not count.
     */
    public Map<String, long[]> downtimeByDay(Connection c, List<String> monitorIds, long firstDay, int days, long now) throws SQLException {
        return downtimeByDay(c, monitorIds, firstDay, days, now, i -> true);
    }

    /** The same, counting only the incidents {@code counted} accepts (status pages leave out those inside maintenance). */
    public Map<String, long[]> downtimeByDay(Connection c, List<String> monitorIds, long firstDay, int days, long now,
            java.util.function.Predicate<IncidentRow> counted) throws SQLException {
        long dayMs = Resolution.DAY.millis();
        long end = firstDay + days * dayMs;
        Map<String, long[]> out = new HashMap<>();
        for (IncidentRow i : overlapping(c, monitorIds, firstDay, end)) {
            if ("P3".equals(i.severity()) || !counted.test(i)) {
                continue;
            }
            long[] minutes = out.computeIfAbsent(i.monitorId(), k -> new long[days]);
            long from = Math.max(i.onsetAt(), firstDay);
            long to = Math.min(i.resolvedAt() == null ? now : i.resolvedAt(), end);
            for (long day = Resolution.DAY.bucketStart(from); day < to; day += dayMs) {
                long overlap = Math.min(to, day + dayMs) - Math.max(from, day);
                int index = (int) ((day - firstDay) / dayMs);
                if (overlap > 0 && index >= 0 && index < days) {
                    // Rounded up: a 20-second outage is a minute of downtime on the bar, not none.
                    minutes[index] = Math.min(24 * 60, minutes[index] + (overlap + 59_999) / 60_000);
                }
            }
        }
        return out;
    }

    /** Incidents of these monitors that were open at some moment in [{@code from}, {@code to}), newest first. */
    public List<IncidentRow> overlapping(Connection c, List<String> monitorIds, long from, long to) throws SQLException {
        List<IncidentRow> out = new ArrayList<>();
        if (monitorIds.isEmpty()) {
            return out;
        }
        List<Object> args = new ArrayList<>(monitorIds);
        args.addAll(List.of(to, from));
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM incidents WHERE monitor_id IN (" + RollupStore.placeholders(monitorIds.size())
                + ") AND onset_at < ? AND (resolved_at IS NULL OR resolved_at >= ?) ORDER BY id DESC")) {
            Sql.bindAll(ps, args.toArray());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        }
        return out;
    }

    /** The severity in force of each of these incidents, by id (for lists that show many monitors). */
    public Map<Long, String> severities(Connection c, List<Long> incidentIds) throws SQLException {
        Map<Long, String> out = new HashMap<>();
        if (incidentIds.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT id, COALESCE(current_severity, severity) FROM incidents WHERE id IN ("
                + RollupStore.placeholders(incidentIds.size()) + ")")) {
            Sql.bindAll(ps, incidentIds.toArray());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    /** The events of one kind of many incidents, oldest first. */
    public List<EventRow> events(Connection c, List<Long> incidentIds, String kind) throws SQLException {
        List<EventRow> out = new ArrayList<>();
        if (incidentIds.isEmpty()) {
            return out;
        }
        List<Object> args = new ArrayList<>(incidentIds);
        args.add(kind);
        try (PreparedStatement ps = c.prepareStatement("SELECT id, incident_id, at, kind, detail FROM incident_events WHERE incident_id IN ("
                + RollupStore.placeholders(incidentIds.size()) + ") AND kind = ? ORDER BY id")) {
            Sql.bindAll(ps, args.toArray());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new EventRow(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), Json.MAPPER.readTree(rs.getString(5))));
                }
            }
        }
        return out;
    }

    public long count(Connection c, String status) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM incidents WHERE status = ?")) {
            ps.setString(1, status);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static IncidentRow row(ResultSet rs) throws SQLException {
        return new IncidentRow(rs.getLong("id"), rs.getString("monitor_id"), rs.getString("status"), rs.getString("severity"),
                rs.getString("reason"), rs.getString("layer"), rs.getString("phase"), rs.getString("message"), rs.getLong("onset_at"),
                rs.getLong("detected_at"), Sql.longOrNull(rs, "notified_at"), Sql.longOrNull(rs, "acknowledged_at"),
                Sql.longOrNull(rs, "resolved_at"), rs.getString("resolution"), rs.getInt("failing_probes"),
                Sql.longOrNull(rs, "first_result_id"), Sql.longOrNull(rs, "last_result_id"), rs.getString("current_severity"));
    }
}
