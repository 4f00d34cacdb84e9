-- Continuous canaries (`canaries:` in the configuration, or POST /api/canaries): a stable and a
-- canary monitor (or one monitor split by a response header) compared round after round, the stage
-- of traffic the canary has reached, and every round's figures for the canary page's charts.
CREATE TABLE canaries (
    id               TEXT PRIMARY KEY,
    source           TEXT NOT NULL,     -- 'file' or 'api'
    definition       TEXT NOT NULL,     -- the settings as JSON (an API canary is restored from it at start)
    stage            INTEGER NOT NULL,  -- 5, 25, 50 or 100 (% of traffic)
    file_stage       INTEGER,           -- the stage the file gave last: a new one there overrides a recorded promotion
    started_at       BIGINT NOT NULL,
    stage_started_at BIGINT NOT NULL,
    decision         TEXT,              -- the last round's answer (promote, hold, rollback): a rollback alerts once
    updated_at       BIGINT NOT NULL,
    removed_at       BIGINT
);

-- Every stage a canary was put on, and by whom (the file, the API, the dashboard).
CREATE TABLE canary_stages (
    canary_id TEXT NOT NULL,
    at        BIGINT NOT NULL,
    stage     INTEGER NOT NULL,
    by_whom   TEXT NOT NULL,
    PRIMARY KEY (canary_id, at)
);

-- One row per round: what each side did in it (probes, failures, unreachable, the whole probe's
-- time), and the figures over the rules' window (error rate, p99) that the charts draw.
CREATE TABLE canary_rounds (
    canary_id          TEXT NOT NULL,
    at                 BIGINT NOT NULL,
    stable_probes      INTEGER NOT NULL,
    stable_errors      INTEGER NOT NULL,
    stable_unreachable INTEGER NOT NULL,
    stable_ms          DOUBLE PRECISION,
    canary_probes      INTEGER NOT NULL,
    canary_errors      INTEGER NOT NULL,
    canary_unreachable INTEGER NOT NULL,
    canary_ms          DOUBLE PRECISION,
    stable_error_rate  DOUBLE PRECISION,
    canary_error_rate  DOUBLE PRECISION,
    stable_p99_ms      DOUBLE PRECISION,
    canary_p99_ms      DOUBLE PRECISION,
    decision           TEXT NOT NULL,
    PRIMARY KEY (canary_id, at)
);
