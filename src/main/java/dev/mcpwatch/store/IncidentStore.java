package dev.mcpwatch.store;

import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.IncidentStatus;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.incident.TimelineEvent;
import dev.mcpwatch.incident.Transition;
import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.Reason;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Incidents and their timelines, read back typed ({@link Incident}, {@link TimelineEvent}). Every
 * change goes through {@code monitor.Incidents}, the lifecycle's one service; this class only
 * writes and reads what it is told.
 *
 * <p>An incident's record — severity, reason, layer, phase, message — is what it was confirmed with
 * and never changes: the reliability record counts incidents by it. While it is open its severity in
 * force ({@link Incident#severityNow}) can rise and fall with its causes; each change, and each
 * outage that joins it, is on its timeline.
 */
public final class IncidentStore {

    public long open(Connection c, String monitorId, Transition.Opened o, Severity severity, long lastResultId) throws SQLException {
        Failure f = o.failure();
        long id = Sql.one(c, """
                INSERT INTO incidents (monitor_id, status, severity, reason, layer, phase, message, onset_at, detected_at, failing_probes,
                    first_result_id, last_result_id, current_severity)
                VALUES (?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""", rs -> rs.getLong(1), monitorId, severity.wireName(),
                f.reason().wireName(), f.layer().wireName(), f.phase().wireName(), f.message(), o.onsetAt(), o.detectedAt(),
                o.failingProbes(), o.firstResultId(), lastResultId, severity.wireName());
        event(c, id, o.detectedAt(), "opened", outage(o).put("severity", severity.wireName()));
        return id;
    }

    /**
     * An outage confirmed while this (degradation) incident is open: the incident counts the outage's
     * failing probes and takes its {@code severity} as the one in force; its record stays what it was
     * confirmed with, and its timeline shows the outage and the change.
     */
    public void takeOver(Connection c, long incidentId, Transition.Opened o, Severity from, Severity severity, long lastResultId)
            throws SQLException {
        Sql.update(c, "UPDATE incidents SET current_severity = ?, failing_probes = failing_probes + ?, "
                + "first_result_id = COALESCE(first_result_id, ?), last_result_id = ? WHERE id = ?", severity.wireName(), o.failingProbes(),
                o.firstResultId(), lastResultId, incidentId);
        event(c, incidentId, o.detectedAt(), "outage", outage(o));
        if (from != severity) {
            event(c, incidentId, o.detectedAt(), "severity", severityDetail(from, severity, "outage confirmed: " + o.failure().message()));
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
        Sql.update(c, "UPDATE incidents SET current_severity = ? WHERE id = ?", to.wireName(), incidentId);
        ObjectNode detail = severityDetail(from, to, why);
        detail.put("reason", headline.reason().wireName());
        detail.put("layer", headline.layer().wireName());
        detail.put("phase", headline.phase().wireName());
        event(c, incidentId, at, "severity", detail);
    }

    private static ObjectNode outage(Transition.Opened o) {
        ObjectNode detail = Json.object();
        detail.put("reason", o.failure().reason().wireName());
        detail.put("layer", o.failure().layer().wireName());
        detail.put("phase", o.failure().phase().wireName());
        detail.put("message", o.failure().message());
        detail.put("onset_at", o.onsetAt());
        detail.put("failing_probes", o.failingProbes());
        return detail;
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
        Sql.update(c, "UPDATE incidents SET failing_probes = failing_probes + 1, last_result_id = ? WHERE id = ?", resultId, incidentId);
    }

    /**
     * Resolves an open incident. {@code resolvedBy} is what ended it for the reliability record
     * ({@code recovery}, {@code remediation} or {@code removal}); {@code resolution} says it in words.
     */
    public void resolve(Connection c, long incidentId, long at, String resolution, String resolvedBy) throws SQLException {
        if (Sql.update(c, "UPDATE incidents SET status = 'resolved', resolved_at = ?, resolution = ?, resolved_by = ? "
                + "WHERE id = ? AND status = 'open'", at, resolution, resolvedBy, incidentId) > 0) {
            event(c, incidentId, at, "resolved", Json.object().put("resolution", resolution));
        }
    }

    /**
     * Credits a resolved incident's recovery to mcpwatch's own remediation: {@code resolved_by}
     * becomes {@code remediation} when its probes recovered ({@code recovery}), so the record counts it
     * apart from the incidents people restored. False when it was not resolved by a recovery.
     */
    public boolean creditRemediation(Connection c, long incidentId) throws SQLException {
        return Sql.update(c, "UPDATE incidents SET resolved_by = 'remediation' WHERE id = ? AND status = 'resolved' AND resolved_by = 'recovery'",
                incidentId) == 1;
    }

    /** What ended an incident ({@code recovery}, {@code remediation} or {@code removal}); null while it is open. */
    public String resolvedBy(Connection c, long incidentId) throws SQLException {
        return Sql.one(c, "SELECT resolved_by FROM incidents WHERE id = ?", rs -> rs.getString(1), incidentId);
    }

    /** Marks an open, unacknowledged incident acknowledged; false when it was not (resolved, or acknowledged already). */
    public boolean acknowledge(Connection c, long incidentId, long at) throws SQLException {
        return Sql.update(c, "UPDATE incidents SET acknowledged_at = ? WHERE id = ? AND status = 'open' AND acknowledged_at IS NULL", at,
                incidentId) == 1;
    }

    /** Records the first notification that reached someone (the end of MTTD); false when one was recorded already. */
    public boolean notified(Connection c, long incidentId, long at) throws SQLException {
        return Sql.update(c, "UPDATE incidents SET notified_at = ? WHERE id = ? AND notified_at IS NULL", at, incidentId) == 1;
    }

    /**
     * The locations that failed during the incident, so far: those that confirmed it down when
     * several locations probe the monitor ({@link #addFailingLocations}), otherwise the locations of
     * its failing probes.
     */
    public List<String> failingLocations(Connection c, Incident incident) throws SQLException {
        String confirmed = Sql.one(c, "SELECT failing_locations FROM incidents WHERE id = ?", rs -> rs.getString(1), incident.id());
        if (confirmed != null) {
            return List.of(confirmed.split(","));
        }
        return Sql.list(c, "SELECT DISTINCT s.location FROM probe_results r JOIN monitor_keys k ON k.monitor_key = r.monitor_key "
                + "JOIN probe_shapes s ON s.id = r.shape_id WHERE k.monitor_id = ? AND r.id >= ? AND r.id <= ? AND r.healthy = ? "
                + "ORDER BY s.location", rs -> rs.getString(1), incident.monitorId(),
                incident.firstResultId() == null ? 0L : incident.firstResultId(),
                incident.lastResultId() == null ? Long.MAX_VALUE : incident.lastResultId(), false);
    }

    /** Adds locations that confirmed the incident's monitor down to those it names (kept sorted, each once). */
    public void addFailingLocations(Connection c, long incidentId, List<String> locations) throws SQLException {
        String known = Sql.one(c, "SELECT failing_locations FROM incidents WHERE id = ?", rs -> rs.getString(1), incidentId);
        java.util.TreeSet<String> all = new java.util.TreeSet<>(locations);
        if (known != null) {
            all.addAll(List.of(known.split(",")));
        }
        String joined = String.join(",", all);
        if (!joined.equals(known)) {
            Sql.update(c, "UPDATE incidents SET failing_locations = ? WHERE id = ?", joined, incidentId);
        }
    }

    public void event(Connection c, long incidentId, long at, String kind, JsonNode detail) throws SQLException {
        Sql.update(c, "INSERT INTO incident_events (incident_id, at, kind, detail) VALUES (?, ?, ?, ?)", incidentId, at, kind,
                detail.toString());
    }

    /** The open incident of a monitor, or null. */
    public Incident openFor(Connection c, String monitorId) throws SQLException {
        return Sql.one(c, "SELECT * FROM incidents WHERE monitor_id = ? AND status = 'open'", IncidentStore::row, monitorId);
    }

    public Incident get(Connection c, long id) throws SQLException {
        return Sql.one(c, "SELECT * FROM incidents WHERE id = ?", IncidentStore::row, id);
    }

    /** Incidents newest first, optionally of one monitor and/or one status, before the cursor id. */
    public List<Incident> page(Connection c, String monitorId, IncidentStatus status, Long beforeId, int limit) throws SQLException {
        Sql.Where where = new Sql.Where().and("monitor_id = ?", monitorId).and("status = ?", status == null ? null : status.wireName())
                .and("id < ?", beforeId);
        return Sql.list(c, "SELECT * FROM incidents" + where.sql() + " ORDER BY id DESC LIMIT ?", IncidentStore::row, where.args(limit));
    }

    public List<TimelineEvent> events(Connection c, long incidentId) throws SQLException {
        return Sql.list(c, "SELECT id, incident_id, at, kind, detail FROM incident_events WHERE incident_id = ? ORDER BY id",
                IncidentStore::event, incidentId);
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
            Predicate<Incident> counted) throws SQLException {
        long dayMs = Resolution.DAY.millis();
        long end = firstDay + days * dayMs;
        Map<String, long[]> out = new HashMap<>();
        for (Incident i : overlapping(c, monitorIds, firstDay, end)) {
            if (i.severity() == Severity.P3 || !counted.test(i)) {
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
    public List<Incident> overlapping(Connection c, List<String> monitorIds, long from, long to) throws SQLException {
        if (monitorIds.isEmpty()) {
            return List.of();
        }
        List<Object> args = new ArrayList<>(monitorIds);
        args.addAll(List.of(to, from));
        return Sql.list(c, "SELECT * FROM incidents WHERE monitor_id IN (" + Sql.marks(monitorIds.size()) + ") AND onset_at < ? "
                + "AND (resolved_at IS NULL OR resolved_at >= ?) ORDER BY id DESC", IncidentStore::row, args.toArray());
    }

    /** The severity in force of each of these incidents, by id (for lists that show many monitors). */
    public Map<Long, Severity> severities(Connection c, List<Long> incidentIds) throws SQLException {
        Map<Long, Severity> out = new HashMap<>();
        if (!incidentIds.isEmpty()) {
            Sql.list(c, "SELECT id, COALESCE(current_severity, severity) FROM incidents WHERE id IN (" + Sql.marks(incidentIds.size()) + ")",
                    rs -> new SimpleImmutableEntry<>(rs.getLong(1), severity(rs.getString(2))), incidentIds.toArray())
                    .forEach(e -> out.put(e.getKey(), e.getValue()));
        }
        return out;
    }

    /** The events of one kind of many incidents, oldest first. */
    public List<TimelineEvent> events(Connection c, List<Long> incidentIds, String kind) throws SQLException {
        if (incidentIds.isEmpty()) {
            return List.of();
        }
        List<Object> args = new ArrayList<>(incidentIds);
        args.add(kind);
        return Sql.list(c, "SELECT id, incident_id, at, kind, detail FROM incident_events WHERE incident_id IN ("
                + Sql.marks(incidentIds.size()) + ") AND kind = ? ORDER BY id", IncidentStore::event, args.toArray());
    }

    public long count(Connection c, IncidentStatus status) throws SQLException {
        return Sql.one(c, "SELECT COUNT(*) FROM incidents WHERE status = ?", rs -> rs.getLong(1), status.wireName());
    }

    static Incident row(ResultSet rs) throws SQLException {
        Failure headline = new Failure(Reason.fromWireName(rs.getString("reason")), Phase.fromWireName(rs.getString("phase")),
                rs.getString("message"));
        return new Incident(rs.getLong("id"), rs.getString("monitor_id"), IncidentStatus.fromWireName(rs.getString("status")),
                severity(rs.getString("severity")), headline, rs.getLong("onset_at"), rs.getLong("detected_at"),
                Sql.longOrNull(rs, "notified_at"), Sql.longOrNull(rs, "acknowledged_at"), Sql.longOrNull(rs, "resolved_at"),
                rs.getString("resolution"), rs.getInt("failing_probes"), Sql.longOrNull(rs, "first_result_id"),
                Sql.longOrNull(rs, "last_result_id"), severity(rs.getString("current_severity")));
    }

    private static TimelineEvent event(ResultSet rs) throws SQLException {
        return new TimelineEvent(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), Json.MAPPER.readTree(rs.getString(5)));
    }

    /** Incidents recorded before severities existed have none. */
    private static Severity severity(String wireName) {
        return wireName == null ? null : Severity.fromWireName(wireName);
    }
}
