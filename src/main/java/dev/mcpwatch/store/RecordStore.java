package dev.mcpwatch.store;

import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Json;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the reliability record reads (rollup counts by monitor, every location's added up, the incidents of a stretch of time
 * with their severity changes, recorded maintenance occurrences and pauses) and the little it writes
 * (those occurrences and pauses, as they happen). The record's arithmetic is
 * {@code dev.mcpwatch.reliability}'s; this class only reads and writes rows.
 */
public final class RecordStore {
    /** Incidents are read in slices of this many ids, so an IN list stays far below both databases' limits. */
    private static final int SLICE = 500;
    /**
     * How long after its onset an incident may be detected (a degradation's condition can begin well
     * before it is confirmed): the record bounds its scan by detection, which is indexed.
     */
    static final long ONSET_SLACK_MS = 7L * 86_400_000;

    /** A monitor as the record groups it: removed ones keep their history. */
    public record MonitorEntry(String id, String name, List<String> tags, Long removedAt) {}

    /** An incident as the record reads it: the row, what ended it ({@code recovery}, {@code remediation}, {@code removal} or null). */
    public record IncidentRow(Incident incident, String resolvedBy) {}

    /** The severity in force of an incident became {@code to} at {@code at}. */
    public record SeverityChange(long incidentId, long at, Severity to) {}

    /** A recorded occurrence of a maintenance window and whom it covered. */
    public record OccurrenceRow(String window, long start, long end, List<String> monitors, List<String> tags) {}

    /** A stretch a monitor was paused; {@code resumedAt} null while it still is. */
    public record PauseRow(String monitorId, long pausedAt, Long resumedAt) {}

    /** Every monitor that has a row, removed or not, by id. */
    public List<MonitorEntry> monitors(Connection c) throws SQLException {
        return Sql.list(c, "SELECT id, name, tags, removed_at FROM monitors ORDER BY id", rs -> {
            String tags = rs.getString(3);
            List<String> list = tags.length() <= 2 ? List.of() : List.of(tags.substring(1, tags.length() - 1).split(","));
            return new MonitorEntry(rs.getString(1), rs.getString(2), list, Sql.longOrNull(rs, "removed_at"));
        });
    }

    /**
     * Probes and failures ({@code [probes, failures]}) per monitor over the buckets of {@code res}
     * that start in {@code [from, to)}: of {@code only} when given (a short list), else of every
     * monitor (the caller keeps those it wants; one grouped scan beats thousands of IN values).
     */
    public Map<String, long[]> counts(Connection c, Resolution res, long from, long to, Collection<String> only) throws SQLException {
        Map<String, long[]> out = new HashMap<>();
        if (only != null && only.isEmpty()) {
            return out;
        }
        if (res == Resolution.MINUTE) {
            for (RollupStore.Minute m : RollupStore.minutes(c, only, null, from, to, false)) {
                long[] n = out.computeIfAbsent(m.monitorId(), k -> new long[2]);
                n[0] += m.row().probes;
                n[1] += m.row().failures;
            }
            return out;
        }
        List<Object> args = new ArrayList<>(List.of(from, to));
        String filter = "";
        if (only != null) {
            filter = " AND monitor_key IN (SELECT monitor_key FROM monitor_keys WHERE monitor_id IN (" + Sql.marks(only.size()) + "))";
            args.addAll(only);
        }
        // Summed by key first (day rows from the rollup_days_counts index alone), every location's together; ids joined after.
        Sql.list(c, "SELECT k.monitor_id, s.probes, s.failures FROM (SELECT monitor_key, SUM(probes) AS probes, SUM(failures) AS failures "
                + "FROM " + (res == Resolution.DAY ? "rollup_days" : "rollup_hours") + " WHERE bucket_start >= ? AND bucket_start < ?" + filter
                + " GROUP BY monitor_key) s JOIN monitor_keys k ON k.monitor_key = s.monitor_key", rs -> {
                    out.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
                    return null;
                }, args.toArray());
        return out;
    }

    /**
     * Healthy probes under {@code thresholdMs} and healthy probes, summed over the buckets of
     * {@code res} starting in {@code [from, to)} of these monitors (a latency objective's good and
     * total events), from the buckets' latency sketches.
     */
    public long[] latencyUnder(Connection c, Resolution res, long from, long to, Collection<String> monitorIds, double thresholdMs)
            throws SQLException {
        long[] out = new long[2];
        if (monitorIds.isEmpty()) {
            return out;
        }
        if (res == Resolution.MINUTE) {
            for (RollupStore.Minute m : RollupStore.minutes(c, monitorIds, null, from, to, false)) {
                out[0] += m.row().latency.countBelow(thresholdMs);
                out[1] += m.row().latency.count();
            }
            return out;
        }
        List<Object> args = new ArrayList<>(List.of(from, to));
        args.addAll(monitorIds);
        Sql.list(c, "SELECT figures FROM " + (res == Resolution.DAY ? "rollup_days" : "rollup_hours") + " WHERE bucket_start >= ? "
                + "AND bucket_start < ? AND monitor_key IN (SELECT monitor_key FROM monitor_keys WHERE monitor_id IN ("
                + Sql.marks(monitorIds.size()) + "))", rs -> {
                    LatencySketch s = PackedRollup.latency(rs.getBytes(1));
                    out[0] += s.countBelow(thresholdMs);
                    out[1] += s.count();
                    return null;
                }, args.toArray());
        return out;
    }

    /**
     * The start of the oldest minute kept, stored or in the raw results, or null when there is none
     * (older time is read from hours).
     */
    public Long oldestMinute(Connection c) throws SQLException {
        Long stored = Sql.one(c, "SELECT MIN(bucket_start) AS oldest FROM rollup_minutes", rs -> Sql.longOrNull(rs, "oldest"));
        Long raw = new ResultStore().oldestStart(c);
        if (raw == null) {
            return stored;
        }
        long rawMinute = Resolution.MINUTE.bucketStart(raw);
        return stored == null ? Long.valueOf(rawMinute) : Long.valueOf(Math.min(stored, rawMinute));
    }

    /**
     * The incidents that were open at some moment in {@code [from, to)}: of {@code only} (null: of
     * every monitor), oldest first.
     */
    public List<IncidentRow> incidents(Connection c, Set<String> only, long from, long to) throws SQLException {
        List<IncidentRow> out = new ArrayList<>();
        // detected_at bounds the scan by its index; onset_at, a little earlier, says whether it reached in
        for (IncidentRow r : Sql.list(c, "SELECT * FROM incidents WHERE detected_at < ? AND onset_at < ? "
                + "AND (resolved_at IS NULL OR resolved_at >= ?) ORDER BY id", rs -> new IncidentRow(IncidentStore.row(rs),
                        rs.getString("resolved_by")), to + ONSET_SLACK_MS, to, from)) {
            if (only == null || only.contains(r.incident().monitorId())) {
                out.add(r);
            }
        }
        return out;
    }

    /** Every change of the severity in force of these incidents, oldest first. */
    public List<SeverityChange> severityChanges(Connection c, List<Long> incidentIds) throws SQLException {
        List<SeverityChange> out = new ArrayList<>();
        for (int i = 0; i < incidentIds.size(); i += SLICE) {
            List<Long> slice = incidentIds.subList(i, Math.min(incidentIds.size(), i + SLICE));
            List<Object> args = new ArrayList<>(slice);
            out.addAll(Sql.list(c, "SELECT incident_id, at, detail FROM incident_events WHERE incident_id IN (" + Sql.marks(slice.size())
                    + ") AND kind = 'severity' ORDER BY id", rs -> new SeverityChange(rs.getLong(1), rs.getLong(2),
                            Severity.fromWireName(Json.MAPPER.readTree(rs.getString(3)).path("to").asString())), args.toArray()));
        }
        return out;
    }

    /** The recorded maintenance occurrences that overlap {@code [from, to)}. */
    public List<OccurrenceRow> occurrences(Connection c, long from, long to) throws SQLException {
        return Sql.list(c, "SELECT window_name, starts_at, ends_at, monitors, tags FROM maintenance_occurrences WHERE ends_at > ? "
                + "AND starts_at < ? ORDER BY starts_at", rs -> new OccurrenceRow(rs.getString(1), rs.getLong(2), rs.getLong(3),
                        strings(rs.getString(4)), strings(rs.getString(5))), from, to);
    }

    /**
     * Records an occurrence of a maintenance window as it runs (once: a later call for the same
     * window and start changes nothing), so the record keeps it whatever the configuration says later.
     */
    public void recordOccurrence(Connection c, OccurrenceRow o, long now) throws SQLException {
        Sql.update(c, "INSERT INTO maintenance_occurrences (window_name, starts_at, ends_at, monitors, tags, recorded_at) "
                + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (window_name, starts_at) DO NOTHING", o.window(), o.start(), o.end(),
                Json.MAPPER.writeValueAsString(o.monitors()), Json.MAPPER.writeValueAsString(o.tags()), now);
    }

    /** The pauses that overlap {@code [from, to)}. */
    public List<PauseRow> pauses(Connection c, long from, long to) throws SQLException {
        return Sql.list(c, "SELECT monitor_id, paused_at, resumed_at FROM monitor_pauses WHERE paused_at < ? "
                + "AND (resumed_at IS NULL OR resumed_at > ?) ORDER BY monitor_id, paused_at", rs -> new PauseRow(rs.getString(1),
                        rs.getLong(2), Sql.longOrNull(rs, "resumed_at")), to, from);
    }

    /**
     * Brings the pauses up to date with the monitors' {@code paused} flags: a pause starts for each
     * monitor paused now without an open one, and ends for each that is no longer paused (or was
     * removed). Returns how many rows changed.
     */
    public int recordPauses(Connection c, long now) throws SQLException {
        int started = Sql.update(c, "INSERT INTO monitor_pauses (monitor_id, paused_at) SELECT id, ? FROM monitors m WHERE m.paused = ? "
                + "AND m.removed_at IS NULL AND NOT EXISTS (SELECT 1 FROM monitor_pauses p WHERE p.monitor_id = m.id "
                + "AND p.resumed_at IS NULL)", now, true);
        int ended = Sql.update(c, "UPDATE monitor_pauses SET resumed_at = ? WHERE resumed_at IS NULL AND monitor_id IN "
                + "(SELECT id FROM monitors WHERE paused = ? OR removed_at IS NOT NULL)", now, false);
        return started + ended;
    }

    /** A burn-rate alert that is burning: which SLO and alert (its windows, {@code 1h/5m}), since when. */
    public record Burn(String sloId, String alert, String severity, long startedAt) {}

    /** Every burn-rate alert burning now, of every SLO. */
    public List<Burn> burning(Connection c) throws SQLException {
        return Sql.list(c, "SELECT slo_id, alert, severity, started_at FROM slo_burns WHERE stopped_at IS NULL ORDER BY id",
                rs -> new Burn(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
    }

    /**
     * Records that an alert started burning; false when it was burning already (another node saw it
     * first: the database keeps one burning row per SLO and alert, so the cluster alerts once).
     */
    public boolean startBurn(Connection c, String sloId, String alert, String severity, long at, double longBurn, double shortBurn)
            throws SQLException {
        return Sql.update(c, "INSERT INTO slo_burns (slo_id, alert, severity, started_at, long_burn, short_burn) VALUES (?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (slo_id, alert) WHERE stopped_at IS NULL DO NOTHING", sloId, alert, severity, at, longBurn, shortBurn) == 1;
    }

    /** Records that an alert stopped burning; false when it was not burning (another node ended it first). */
    public boolean stopBurn(Connection c, String sloId, String alert, long at) throws SQLException {
        return Sql.update(c, "UPDATE slo_burns SET stopped_at = ? WHERE slo_id = ? AND alert = ? AND stopped_at IS NULL", at, sloId,
                alert) == 1;
    }

    private static List<String> strings(String json) {
        List<String> out = new ArrayList<>();
        Json.MAPPER.readTree(json).forEach(n -> out.add(n.asString()));
        return out;
    }
}
