-- Compact raw results (issue 17). A probe's stable part (target, server, capabilities, TLS, tool
-- summary, timing attributes; everything but its times) is stored once per monitor as a shape; a
-- healthy probe's row keeps only its monitor's integer key, start, outcome, total and the phase
-- timings as integer microseconds (timings, a few bytes). A failed probe also keeps its full detail.
-- Rows written before this version keep their full detail too and expire with raw_retention.
CREATE TABLE monitor_keys (
    monitor_key ${id_pk},
    monitor_id  TEXT NOT NULL
);
CREATE UNIQUE INDEX monitor_keys_monitor ON monitor_keys (monitor_id);

CREATE TABLE probe_shapes (
    id               ${id_pk},
    monitor_key      BIGINT NOT NULL,
    hash             TEXT NOT NULL,
    location         TEXT NOT NULL,
    era              TEXT,
    protocol_version TEXT,
    server_name      TEXT,
    server_version   TEXT,
    tool_count       INTEGER,
    tool_list_id     BIGINT,
    tls_not_after    BIGINT,
    detail           TEXT NOT NULL
);
CREATE UNIQUE INDEX probe_shapes_hash ON probe_shapes (monitor_key, hash);

INSERT INTO monitor_keys (monitor_id) SELECT DISTINCT monitor_id FROM probe_results ORDER BY monitor_id;

-- One shape per monitor and distinct column values of the old rows (their detail stays in the row).
INSERT INTO probe_shapes (monitor_key, hash, location, era, protocol_version, server_name, server_version, tool_count, tool_list_id,
        tls_not_after, detail)
SELECT k.monitor_key, 'legacy-' || CAST(MIN(p.id) AS TEXT), p.location, p.era, p.protocol_version, p.server_name, p.server_version,
        p.tool_count, p.tool_list_id, p.tls_not_after, '{}'
FROM probe_results p JOIN monitor_keys k ON k.monitor_id = p.monitor_id
GROUP BY k.monitor_key, p.location, p.era, p.protocol_version, p.server_name, p.server_version, p.tool_count, p.tool_list_id,
        p.tls_not_after;

CREATE TABLE compact_results (
    id          ${id_pk},
    monitor_key BIGINT NOT NULL,
    started_at  BIGINT NOT NULL,
    healthy     BOOLEAN NOT NULL,
    total_us    BIGINT NOT NULL,
    shape_id    BIGINT NOT NULL,
    timings     ${blob},
    reason      TEXT,
    detail      TEXT
);

INSERT INTO compact_results (id, monitor_key, started_at, healthy, total_us, shape_id, timings, reason, detail)
SELECT p.id, k.monitor_key, p.started_at, p.healthy, CAST(ROUND(p.total_ms * 1000) AS BIGINT), s.id, NULL, p.reason, p.detail
FROM probe_results p
JOIN monitor_keys k ON k.monitor_id = p.monitor_id
JOIN probe_shapes s ON s.monitor_key = k.monitor_key AND s.location = p.location
    AND COALESCE(s.era, '') = COALESCE(p.era, '') AND COALESCE(s.protocol_version, '') = COALESCE(p.protocol_version, '')
    AND COALESCE(s.server_name, '') = COALESCE(p.server_name, '') AND COALESCE(s.server_version, '') = COALESCE(p.server_version, '')
    AND COALESCE(s.tool_count, -1) = COALESCE(p.tool_count, -1) AND COALESCE(s.tool_list_id, -1) = COALESCE(p.tool_list_id, -1)
    AND COALESCE(s.tls_not_after, -1) = COALESCE(p.tls_not_after, -1)
    AND s.hash LIKE 'legacy-%';

DROP TABLE probe_results;
ALTER TABLE compact_results RENAME TO probe_results;
CREATE INDEX probe_results_monitor_time ON probe_results (monitor_key, started_at);
CREATE INDEX probe_results_time ON probe_results (started_at);
${continue_ids}
