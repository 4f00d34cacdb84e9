-- mcpwatch schema, one set for SQLite and PostgreSQL. Timestamps are epoch milliseconds (BIGINT)
-- so that the same SQL works on both; the placeholders are the few type names that differ
-- (see dev.mcpwatch.store.Dialect).

-- Monitors as configured (file or API). Removed monitors keep their row and history.
CREATE TABLE monitors (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    transport    TEXT NOT NULL,
    target       TEXT NOT NULL,
    source       TEXT NOT NULL,
    config       TEXT NOT NULL,
    interval_ms  BIGINT NOT NULL,
    tags         TEXT NOT NULL,
    paused       BOOLEAN NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    removed_at   BIGINT
);

-- Where each monitor stands now: the incident state machine and its last result, updated in the
-- same transaction as the result that moved it.
CREATE TABLE monitor_state (
    monitor_id             TEXT PRIMARY KEY,
    status                 TEXT NOT NULL,
    consecutive_failures   INTEGER NOT NULL,
    consecutive_successes  INTEGER NOT NULL,
    streak_started_at      BIGINT,
    streak_first_result_id BIGINT,
    open_incident_id       BIGINT,
    last_result_id         BIGINT,
    last_probe_at          BIGINT,
    last_healthy           BOOLEAN,
    last_reason            TEXT,
    last_layer             TEXT,
    last_phase             TEXT,
    last_message           TEXT,
    last_total_ms          DOUBLE PRECISION,
    era                    TEXT,
    protocol_version       TEXT,
    server_name            TEXT,
    server_version         TEXT,
    tool_list_id           BIGINT,
    tls_not_after          BIGINT,
    probes                 BIGINT NOT NULL
);

-- Raw probe results, kept for storage.raw_retention (default 7 days).
CREATE TABLE probe_results (
    id               ${id_pk},
    monitor_id       TEXT NOT NULL,
    started_at       BIGINT NOT NULL,
    location         TEXT NOT NULL,
    healthy          BOOLEAN NOT NULL,
    reason           TEXT,
    layer            TEXT,
    phase            TEXT,
    message          TEXT,
    total_ms         DOUBLE PRECISION NOT NULL,
    era              TEXT,
    protocol_version TEXT,
    server_name      TEXT,
    server_version   TEXT,
    tool_count       INTEGER,
    tool_list_id     BIGINT,
    tls_not_after    BIGINT,
    detail           TEXT NOT NULL
);
CREATE INDEX probe_results_monitor_time ON probe_results (monitor_id, started_at);
CREATE INDEX probe_results_time ON probe_results (started_at);

-- Each distinct tool list once (by schema fingerprint and wording fingerprint), shared by every
-- probe and monitor that saw it.
CREATE TABLE tool_lists (
    id                  ${id_pk},
    fingerprint         TEXT NOT NULL,
    wording_fingerprint TEXT NOT NULL,
    tool_count          INTEGER NOT NULL,
    tools               TEXT NOT NULL,
    first_seen_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX tool_lists_fingerprints ON tool_lists (fingerprint, wording_fingerprint);

-- Every change of the tool list a monitor serves.
CREATE TABLE tool_list_history (
    id             ${id_pk},
    monitor_id     TEXT NOT NULL,
    tool_list_id   BIGINT NOT NULL,
    server_version TEXT,
    seen_at        BIGINT NOT NULL
);
CREATE INDEX tool_list_history_monitor ON tool_list_history (monitor_id, id);

-- Minute, hour and day rollups: counts, failures by reason, a mergeable latency sketch and
-- per-phase sums, so that any window can be summed from them.
CREATE TABLE rollups (
    monitor_id         TEXT NOT NULL,
    resolution         TEXT NOT NULL,
    bucket_start       BIGINT NOT NULL,
    probes             INTEGER NOT NULL,
    failures           INTEGER NOT NULL,
    failures_by_reason TEXT NOT NULL,
    latency            TEXT NOT NULL,
    phases             TEXT NOT NULL,
    PRIMARY KEY (monitor_id, resolution, bucket_start)
);
CREATE INDEX rollups_age ON rollups (resolution, bucket_start);

CREATE TABLE incidents (
    id              ${id_pk},
    monitor_id      TEXT NOT NULL,
    status          TEXT NOT NULL,
    severity        TEXT,
    reason          TEXT NOT NULL,
    layer           TEXT NOT NULL,
    phase           TEXT NOT NULL,
    message         TEXT NOT NULL,
    onset_at        BIGINT NOT NULL,
    detected_at     BIGINT NOT NULL,
    notified_at     BIGINT,
    acknowledged_at BIGINT,
    resolved_at     BIGINT,
    resolution      TEXT,
    failing_probes  INTEGER NOT NULL,
    first_result_id BIGINT,
    last_result_id  BIGINT
);
CREATE INDEX incidents_monitor ON incidents (monitor_id, id);
-- The database itself refuses a second open incident for a monitor.
CREATE UNIQUE INDEX incidents_one_open ON incidents (monitor_id) WHERE status = 'open';

CREATE TABLE incident_events (
    id          ${id_pk},
    incident_id BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX incident_events_incident ON incident_events (incident_id, id);

-- The mcpwatch processes sharing this database, with a heartbeat that is also the write check.
CREATE TABLE nodes (
    name         TEXT PRIMARY KEY,
    location     TEXT NOT NULL,
    version      TEXT NOT NULL,
    started_at   BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL
);

-- db-scheduler's table (its own DDL for SQLite and PostgreSQL, types by placeholder).
CREATE TABLE scheduled_tasks (
    task_name            TEXT NOT NULL,
    task_instance        TEXT NOT NULL,
    task_data            ${blob},
    execution_time       ${timestamp} NOT NULL,
    picked               BOOLEAN NOT NULL,
    picked_by            TEXT,
    last_success         ${timestamp},
    last_failure         ${timestamp},
    consecutive_failures INTEGER,
    last_heartbeat       ${timestamp},
    version              BIGINT NOT NULL,
    priority             SMALLINT,
    PRIMARY KEY (task_name, task_instance)
);
CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);
CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC);
