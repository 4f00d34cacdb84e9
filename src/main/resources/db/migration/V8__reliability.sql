-- The reliability record and SLOs (docs/reliability.md). Same conventions as V1: one set of SQL for
-- SQLite and PostgreSQL, epoch-millisecond BIGINT times, placeholders for the few type names that differ.

-- What ended an incident: 'recovery' (its probes recovered), 'remediation' (they recovered after
-- mcpwatch's own remediation acted), 'removal' (its monitor was removed while it was open); null while
-- open. The record counts remediated, human-resolved and unattended incidents from it.
ALTER TABLE incidents ADD COLUMN resolved_by TEXT;
UPDATE incidents SET resolved_by = CASE WHEN resolution = 'monitor removed' THEN 'removal' ELSE 'recovery' END WHERE status = 'resolved';
-- The record reads the incidents detected in a period, of every monitor at once.
CREATE INDEX incidents_detected ON incidents (detected_at);

-- The record sums the day rollups of thousands of monitors over months: this index holds what it
-- reads, so the sums come from the index alone, not from a lookup of every row (with its latency
-- sketch): a month of 10,000 monitors in 0.1 s instead of 0.5 s on SQLite. Only day rows are in it,
-- one entry per monitor and day; its leading columns are rollups_age's, so planners without
-- statistics still prefer it (it covers the query) for day sums.
CREATE INDEX rollups_day_counts ON rollups (resolution, bucket_start, monitor_id, probes, failures) WHERE resolution = 'day';

-- Each occurrence of a maintenance window, recorded while it runs: whom it covered (monitor ids and
-- tags, JSON lists) and when, so that editing the configuration later does not rewrite the record.
CREATE TABLE maintenance_occurrences (
    window_name TEXT NOT NULL,
    starts_at   BIGINT NOT NULL,
    ends_at     BIGINT NOT NULL,
    monitors    TEXT NOT NULL,
    tags        TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (window_name, starts_at)
);
CREATE INDEX maintenance_occurrences_end ON maintenance_occurrences (ends_at);

-- When each monitor was paused and resumed (resumed_at null while it is paused): paused time is
-- left out of the record's durations.
CREATE TABLE monitor_pauses (
    monitor_id TEXT NOT NULL,
    paused_at  BIGINT NOT NULL,
    resumed_at BIGINT,
    PRIMARY KEY (monitor_id, paused_at)
);
CREATE UNIQUE INDEX monitor_pauses_one_open ON monitor_pauses (monitor_id) WHERE resumed_at IS NULL;

-- Burn-rate alerts of SLOs: one row per burn, from the evaluation that saw it start to the one that
-- saw it stop. The database refuses a second burning row for an SLO and alert, so a cluster whose
-- nodes all evaluate alerts once.
CREATE TABLE slo_burns (
    id          ${id_pk},
    slo_id      TEXT NOT NULL,
    alert       TEXT NOT NULL,
    severity    TEXT NOT NULL,
    started_at  BIGINT NOT NULL,
    stopped_at  BIGINT,
    long_burn   DOUBLE PRECISION NOT NULL,
    short_burn  DOUBLE PRECISION NOT NULL
);
CREATE INDEX slo_burns_slo ON slo_burns (slo_id, id);
CREATE UNIQUE INDEX slo_burns_one_burning ON slo_burns (slo_id, alert) WHERE stopped_at IS NULL;

-- Health calls per monitor, tool and minute, beside the hourly tool_call_rollups of V2: an SLO on one
-- tool's calls has burn-rate windows of five minutes. Kept as long as minute rollups.
CREATE TABLE tool_call_minutes (
    monitor_id   TEXT NOT NULL,
    bucket_start BIGINT NOT NULL,
    tool         TEXT NOT NULL,
    calls        INTEGER NOT NULL,
    errors       INTEGER NOT NULL,
    PRIMARY KEY (monitor_id, bucket_start, tool)
);
CREATE INDEX tool_call_minutes_age ON tool_call_minutes (bucket_start);
