package dev.mcpwatch.store;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.Urls;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code monitors} table: what is monitored, as the configuration says, without secrets. A
 * monitor removed from the configuration keeps its row (with {@code removed_at}) and its history.
 */
public final class MonitorStore {

    /** A monitor with its current state, as the API lists it. */
    public record MonitorRow(String id, String name, String transport, String target, List<String> tags, boolean paused,
            long intervalMs, String status, int consecutiveFailures, Long lastProbeAt, Boolean lastHealthy, String lastReason,
            String lastLayer, String lastPhase, String lastMessage, Double lastTotalMs, Long lastResultId, Long openIncidentId,
            String era, String protocolVersion, String serverName, String serverVersion, Long tlsNotAfter, Long removedAt,
            JsonNode config, String source) {}

    /** What a sync changed. */
    public record SyncResult(List<String> added, List<String> changed, List<String> removed) {}

    /** Makes the stored file-owned monitors match {@code monitors}: insert, update, mark removed. */
    public SyncResult sync(Connection c, List<MonitorConfig> monitors, long now) throws SQLException {
        Map<String, String> stored = new HashMap<>();
        Sql.list(c, "SELECT id, config FROM monitors WHERE source = 'file' AND removed_at IS NULL", rs -> Map.entry(rs.getString(1),
                rs.getString(2))).forEach(e -> stored.put(e.getKey(), e.getValue()));
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        String upsert = """
                INSERT INTO monitors (id, name, transport, target, source, config, interval_ms, tags, paused, created_at, updated_at, removed_at)
                VALUES (?, ?, ?, ?, 'file', ?, ?, ?, ?, ?, ?, NULL)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, transport = excluded.transport, target = excluded.target,
                    source = 'file', config = excluded.config, interval_ms = excluded.interval_ms, tags = excluded.tags,
                    paused = excluded.paused, updated_at = excluded.updated_at, removed_at = NULL""";
        try (PreparedStatement ps = c.prepareStatement(upsert)) {
            for (MonitorConfig m : monitors) {
                String config = describe(m).toString();
                String before = stored.remove(m.id());
                if (config.equals(before)) {
                    continue;
                }
                (before == null ? added : changed).add(m.id());
                Sql.bindAll(ps, m.id(), m.name(), m.transport().wireName(), m.target(), config, m.interval().toMillis(),
                        tagsColumn(m.tags()), m.paused(), now, now);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        List<String> removed = new ArrayList<>(stored.keySet());
        try (PreparedStatement ps = c.prepareStatement("UPDATE monitors SET removed_at = ?, updated_at = ? WHERE id = ?")) {
            for (String id : removed) {
                Sql.bindAll(ps, now, now, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return new SyncResult(added, changed, removed);
    }

    /**
     * Rewrites URLs stored before they were redacted: a monitor's target and configuration, and the
     * target in the detail of its raw results. Only monitors whose stored URL still carries user info
     * or query values are touched, so this costs one read of the monitors table once it is done.
     * Results go first: should this stop halfway, the monitor's row still shows it needs doing.
     */
    public int redactStoredUrls(Connection c) throws SQLException {
        Map<String, String> targets = new HashMap<>();
        for (var m : Sql.list(c, "SELECT id, target FROM monitors WHERE transport <> 'stdio'", rs -> Map.entry(rs.getString(1),
                rs.getString(2)))) {
            if (!m.getValue().equals(Urls.redact(m.getValue()))) {
                targets.put(m.getKey(), m.getValue());
            }
        }
        for (String id : targets.keySet()) {
            redactResults(c, id);
            ObjectNode config = Sql.one(c, "SELECT config FROM monitors WHERE id = ?", rs -> (ObjectNode) Json.MAPPER.readTree(rs.getString(1)),
                    id);
            if (config.path("url").isString()) {
                config.put("url", Urls.redact(config.get("url").stringValue()));
            }
            Sql.update(c, "UPDATE monitors SET target = ?, config = ? WHERE id = ?", Urls.redact(targets.get(id)), config.toString(), id);
        }
        return targets.size();
    }

    /** Takes the credentials out of the target stored with the monitor's results: in their shapes and in the full details of failures. */
    private static void redactResults(Connection c, String monitorId) throws SQLException {
        redact(c, "SELECT s.id, s.detail FROM probe_shapes s JOIN monitor_keys k ON k.monitor_key = s.monitor_key WHERE k.monitor_id = ?",
                "UPDATE probe_shapes SET detail = ? WHERE id = ?", monitorId);
        redact(c, "SELECT r.id, r.detail FROM probe_results r JOIN monitor_keys k ON k.monitor_key = r.monitor_key "
                + "WHERE k.monitor_id = ? AND r.detail IS NOT NULL", "UPDATE probe_results SET detail = ? WHERE id = ?", monitorId);
    }

    private static void redact(Connection c, String select, String update, String monitorId) throws SQLException {
        try (PreparedStatement read = c.prepareStatement(select); PreparedStatement write = c.prepareStatement(update)) {
            read.setString(1, monitorId);
            int batched = 0;
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    ObjectNode detail = (ObjectNode) Json.MAPPER.readTree(rs.getString(2));
                    String target = detail.path("target").stringValue(null);
                    if (target != null && !target.equals(Urls.redact(target))) {
                        detail.put("target", Urls.redact(target));
                        Sql.bindAll(write, detail.toString(), rs.getLong(1));
                        write.addBatch();
                        if (++batched % 500 == 0) {
                            write.executeBatch();
                        }
                    }
                }
            }
            write.executeBatch();
        }
    }

    /**
     * Active monitors ordered by id after {@code afterId}, optionally only those in {@code status}
     * or carrying {@code tag}, or whose id or name contains {@code search}.
     */
    public List<MonitorRow> page(Connection c, String afterId, String status, String tag, String search, int limit) throws SQLException {
        Sql.Where where = filter(new Sql.Where().and("m.removed_at IS NULL").and("m.id > ?", afterId), status, tag, search);
        return Sql.list(c, SELECT + where.sql() + " ORDER BY m.id LIMIT ?", MonitorStore::row, where.args(limit));
    }

    /** How the overview orders monitors. */
    public enum Order {
        /** Trouble first: down, auth-walled, suspect, degraded (up with an open incident), up, not probed yet, paused; then by name. */
        STATE,
        /** By name (then id). */
        NAME
    }

    /** A monitor with the keys it is ordered by: its state's rank and its name as the database compares it. */
    public record Ranked(MonitorRow row, int rank, String sortName) {}

    /** Where the next page starts: after the monitor with these keys. */
    public record After(int rank, String sortName, String id) {}

    /**
     * Active monitors in {@code order}, after {@code after} (keyset paging: every page costs the same),
     * with the same filters as {@link #page}.
     */
    public List<Ranked> page(Connection c, Order order, After after, String status, String tag, String search, int limit)
            throws SQLException {
        String rank = order == Order.STATE ? RANK : "0";
        Sql.Where inner = filter(new Sql.Where().and("m.removed_at IS NULL"), status, tag, search);
        Sql.Where outer = new Sql.Where();
        if (after != null) {
            outer.and("(sort_rank > ? OR (sort_rank = ? AND (sort_name > ? OR (sort_name = ? AND id > ?))))", after.rank(), after.rank(),
                    after.sortName(), after.sortName(), after.id());
        }
        List<Object> args = new ArrayList<>(List.of(inner.args()));
        args.addAll(List.of(outer.args(limit)));
        return Sql.list(c, "SELECT * FROM (" + SELECT.replace("SELECT m.id,", "SELECT " + rank + " AS sort_rank, LOWER(m.name) AS sort_name, m.id,")
                + inner.sql() + ") x" + outer.sql() + " ORDER BY sort_rank, sort_name, id LIMIT ?",
                rs -> new Ranked(row(rs), rs.getInt("sort_rank"), rs.getString("sort_name")), args.toArray());
    }

    /** A monitor's place when trouble comes first (see {@link Order#STATE}). */
    private static final String RANK = "CASE WHEN m.paused THEN 6 WHEN s.status = 'down' THEN 0 WHEN s.status = 'auth-walled' THEN 1 "
            + "WHEN s.status = 'suspect' THEN 2 WHEN s.status = 'up' AND s.open_incident_id IS NOT NULL THEN 3 "
            + "WHEN s.status = 'up' THEN 4 ELSE 5 END";

    /** The filters of both pages: a status, a tag, an id or name containing {@code search}. */
    private static Sql.Where filter(Sql.Where where, String status, String tag, String search) {
        String like = search == null ? null : "%" + likeLiteral(search.toLowerCase(Locale.ROOT)) + "%";
        return where.and("COALESCE(s.status, 'unknown') = ?", status)
                .and("m.tags LIKE ? ESCAPE '\\'", tag == null ? null : "%," + likeLiteral(tag) + ",%")
                .and("(LOWER(m.id) LIKE ? ESCAPE '\\' OR LOWER(m.name) LIKE ? ESCAPE '\\')", like, like);
    }

    /** One monitor, removed or not, or null. */
    public MonitorRow get(Connection c, String id) throws SQLException {
        return Sql.one(c, SELECT + " WHERE m.id = ?", MonitorStore::row, id);
    }

    /** Counts of active monitors by status. */
    public Map<String, Long> countByStatus(Connection c) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        Sql.list(c, "SELECT COALESCE(s.status, 'unknown'), COUNT(*) FROM monitors m LEFT JOIN monitor_state s ON s.monitor_id = m.id "
                + "WHERE m.removed_at IS NULL GROUP BY COALESCE(s.status, 'unknown')", rs -> Map.entry(rs.getString(1), rs.getLong(2)))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private static final String SELECT = """
            SELECT m.id, m.name, m.transport, m.target, m.tags, m.paused, m.interval_ms, m.removed_at, m.config, m.source,
                COALESCE(s.status, 'unknown') AS status, COALESCE(s.consecutive_failures, 0) AS consecutive_failures,
                s.last_probe_at, s.last_healthy, s.last_reason, s.last_layer, s.last_phase, s.last_message, s.last_total_ms,
                s.last_result_id, s.open_incident_id, s.era, s.protocol_version, s.server_name, s.server_version, s.tls_not_after
            FROM monitors m LEFT JOIN monitor_state s ON s.monitor_id = m.id""";

    private static MonitorRow row(ResultSet rs) throws SQLException {
        String tags = rs.getString("tags");
        List<String> tagList = tags.length() <= 2 ? List.of() : List.of(tags.substring(1, tags.length() - 1).split(","));
        return new MonitorRow(rs.getString("id"), rs.getString("name"), rs.getString("transport"), rs.getString("target"), tagList,
                rs.getBoolean("paused"), rs.getLong("interval_ms"), rs.getString("status"), rs.getInt("consecutive_failures"),
                Sql.longOrNull(rs, "last_probe_at"), Sql.boolOrNull(rs, "last_healthy"), rs.getString("last_reason"),
                rs.getString("last_layer"), rs.getString("last_phase"), rs.getString("last_message"),
                Sql.doubleOrNull(rs, "last_total_ms"), Sql.longOrNull(rs, "last_result_id"), Sql.longOrNull(rs, "open_incident_id"),
                rs.getString("era"), rs.getString("protocol_version"), rs.getString("server_name"), rs.getString("server_version"),
                Sql.longOrNull(rs, "tls_not_after"), Sql.longOrNull(rs, "removed_at"), Json.MAPPER.readTree(rs.getString("config")),
                rs.getString("source"));
    }

    /** The text matched as itself in a LIKE pattern: '_' and '%' are ordinary characters in ids, names and tags. */
    private static String likeLiteral(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    static String tagsColumn(List<String> tags) {
        return tags.isEmpty() ? "," : "," + String.join(",", tags) + ",";
    }

    /** The monitor's configuration as stored and shown: everything but secret values. */
    public static ObjectNode describe(MonitorConfig m) {
        ObjectNode o = Json.object();
        o.put("id", m.id());
        o.put("name", m.name());
        o.put("transport", m.transport().wireName());
        if (m.url() != null) {
            o.put("url", Urls.redact(m.url()));
        }
        if (!m.command().isEmpty()) {
            var cmd = o.putArray("command");
            m.command().forEach(cmd::add);
            o.set("env", Json.MAPPER.valueToTree(m.redactedEnv()));
        }
        o.put("protocol", m.protocol() == null ? "auto" : m.protocol());
        o.set("headers", Json.MAPPER.valueToTree(m.redactedHeaders()));
        o.put("interval_ms", m.interval().toMillis());
        o.put("timeout_ms", m.timeout().toMillis());
        o.put("initialize_timeout_ms", m.initializeTimeout().toMillis());
        o.put("retry_interval_ms", m.retryInterval().toMillis());
        o.putObject("thresholds").put("failure", m.failureThreshold()).put("success", m.successThreshold());
        ObjectNode expect = o.putObject("expect");
        expect.put("min_tools", m.minTools());
        var tools = expect.putArray("tools");
        m.requiredTools().forEach(tools::add);
        if (m.calls().size() == 1) {
            describeCall(expect.putObject("call"), m.call());
        } else if (m.calls().size() > 1) {
            var calls = expect.putArray("calls");
            m.calls().forEach(c -> describeCall(calls.addObject(), c));
        }
        var tags = o.putArray("tags");
        m.tags().forEach(tags::add);
        if (m.runbookUrl() != null) {
            o.put("runbook_url", m.runbookUrl());
        }
        var locations = o.putArray("locations");
        m.locations().forEach(locations::add);
        o.put("trusted_certificates", m.trustedCertificates().size());
        o.put("paused", m.paused());
        o.set("detection", m.detection().toJson());
        if (m.allowInsecureRedirect()) {
            o.put("allow_insecure_redirect", true); // only when set: an unchanged monitor keeps its stored form
        }
        if (m.remediation() != null) {
            // what it does, without its environment or header values
            var r = m.remediation();
            ObjectNode rem = o.putObject("remediation");
            var on = rem.putArray("on");
            r.on().forEach(on::add);
            if (r.http() != null) {
                rem.put("http", r.http().method() + " " + Urls.redact(r.http().url()));
            } else {
                rem.put("command", r.command().isEmpty() ? "" : r.command().getFirst());
            }
            rem.put("timeout_ms", r.timeout().toMillis()).put("watch_ms", r.watch().toMillis()).put("cooldown_ms", r.cooldown().toMillis())
                    .put("max_per_hour", r.maxPerHour());
        }
        return o;
    }

    private static void describeCall(ObjectNode out, MonitorConfig.ToolCallConfig call) {
        out.put("tool", call.tool());
        if (call.arguments() != null) {
            out.set("arguments", call.arguments());
        }
        if (call.contains() != null) {
            out.put("contains", call.contains());
        }
    }
}
