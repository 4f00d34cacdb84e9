-- Detection (docs/detection.md): the rules' memory, P3 warnings, per-tool call outcomes, schema
-- baselines and drifts. Same conventions as V1: one set of SQL for SQLite and PostgreSQL,
-- epoch-millisecond BIGINT times, placeholders for the few type names that differ.

-- Each rule's memory for each monitor: its own small state (counters, times, what it last judged,
-- so that it can skip a probe that changed none of its inputs) and the conditions it holds now,
-- both JSON. Written in the transaction of the probe that changed them.
CREATE TABLE detection_state (
    monitor_id TEXT NOT NULL,
    rule       TEXT NOT NULL,
    memory     TEXT NOT NULL,
    held       TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (monitor_id, rule)
);

-- P3 warnings: raised when a rule's condition starts to hold, cleared when it stops. Never
-- deleted: this is the warnings history. At most one active warning per monitor, type and subject.
CREATE TABLE warnings (
    id         ${id_pk},
    monitor_id TEXT NOT NULL,
    type       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    severity   TEXT NOT NULL,
    message    TEXT NOT NULL,
    detail     TEXT NOT NULL,
    raised_at  BIGINT NOT NULL,
    cleared_at BIGINT
);
CREATE INDEX warnings_monitor ON warnings (monitor_id, id);
CREATE INDEX warnings_subject ON warnings (monitor_id, type, subject);
CREATE UNIQUE INDEX warnings_one_active ON warnings (monitor_id, type, subject) WHERE cleared_at IS NULL;

-- Health-check calls per monitor, tool and hour: how many, how many failed. The rollups of V1 are
-- per monitor; a tool's error rate needs them per tool.
CREATE TABLE tool_call_rollups (
    monitor_id   TEXT NOT NULL,
    bucket_start BIGINT NOT NULL,
    tool         TEXT NOT NULL,
    calls        INTEGER NOT NULL,
    errors       INTEGER NOT NULL,
    PRIMARY KEY (monitor_id, bucket_start, tool)
);

-- Every schema baseline a monitor has had: the first healthy tool list, then each acknowledged
-- one. The current one has no replaced_at.
CREATE TABLE schema_baselines (
    id             ${id_pk},
    monitor_id     TEXT NOT NULL,
    tool_list_id   BIGINT NOT NULL,
    server_version TEXT,
    set_at         BIGINT NOT NULL,
    set_by         TEXT NOT NULL,
    note           TEXT,
    replaced_at    BIGINT
);
CREATE INDEX schema_baselines_monitor ON schema_baselines (monitor_id, id);
CREATE UNIQUE INDEX schema_baselines_current ON schema_baselines (monitor_id) WHERE replaced_at IS NULL;

-- Each drift found: a tool list that differs from the baseline in force, once per (baseline, list),
-- with the changes in words, until acknowledged.
CREATE TABLE drifts (
    id              ${id_pk},
    monitor_id      TEXT NOT NULL,
    baseline_id     BIGINT NOT NULL,
    tool_list_id    BIGINT NOT NULL,
    server_version  TEXT,
    detected_at     BIGINT NOT NULL,
    changes         TEXT NOT NULL,
    breaking        INTEGER NOT NULL,
    unannounced     BOOLEAN NOT NULL,
    summary         TEXT NOT NULL,
    acknowledged_at BIGINT,
    acknowledged_by TEXT
);
CREATE INDEX drifts_monitor ON drifts (monitor_id, id);
CREATE UNIQUE INDEX drifts_once ON drifts (monitor_id, baseline_id, tool_list_id);
