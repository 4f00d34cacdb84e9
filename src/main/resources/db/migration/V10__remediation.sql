-- Automatic remediation attempts (issue 11). A row is claimed before the action runs: the unique
-- index lets one attempt at a time run per monitor across every node sharing the database, and the
-- rows are the history the cooldown and the hourly limit count. outcome: running, watching,
-- recovered, not_recovered, failed (the action itself failed), abandoned (its node died).
CREATE TABLE remediation_runs (
    id          ${id_pk},
    monitor_id  TEXT NOT NULL,
    incident_id BIGINT NOT NULL,
    started_at  BIGINT NOT NULL,
    acted_at    BIGINT,
    watch_until BIGINT,
    finished_at BIGINT,
    outcome     TEXT NOT NULL
);
CREATE INDEX remediation_runs_monitor ON remediation_runs (monitor_id, started_at);
CREATE UNIQUE INDEX remediation_runs_one_live ON remediation_runs (monitor_id) WHERE finished_at IS NULL;
