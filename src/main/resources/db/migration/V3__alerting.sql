-- Alerting: the outbox and its delivery attempts, each channel's handle on an incident's message,
-- escalation state per incident and route, and P3 digests. Same SQL for SQLite and PostgreSQL
-- (epoch-millis BIGINT times; id_pk by placeholder, see dev.mcpwatch.store.Dialect).

-- One row per alert and channel, written in the same transaction as the incident change it
-- reports. status: pending (to deliver; due at next_attempt_at), held (a maintenance window covers
-- the monitor), delivered, failed (refused for good, or given up), cancelled (resolved while held).
-- A worker claims a pending row by setting claimed_by/claim_token/claimed_at; a claim older than
-- the claim timeout belongs to a node that stopped and is taken over.
CREATE TABLE alert_outbox (
    id              ${id_pk},
    incident_id     BIGINT,
    monitor_id      TEXT,
    event           TEXT NOT NULL,
    route           TEXT,
    channel         TEXT NOT NULL,
    dedup_key       TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    claimed_by      TEXT,
    claim_token     TEXT,
    claimed_at      BIGINT,
    created_at      BIGINT NOT NULL,
    finished_at     BIGINT,
    last_error      TEXT
);
CREATE INDEX alert_outbox_due ON alert_outbox (status, channel, next_attempt_at);
CREATE INDEX alert_outbox_incident ON alert_outbox (incident_id, id);
-- Per channel and dedup key, rows are delivered in order (opened before resolved).
CREATE INDEX alert_outbox_stream ON alert_outbox (channel, dedup_key, id);
CREATE INDEX alert_outbox_held ON alert_outbox (status, monitor_id);

-- Every delivery attempt that finished: outcome (delivered, retry, failed), the receiver's status
-- code, the error, how long it took, and which node made it.
CREATE TABLE alert_attempts (
    id            ${id_pk},
    outbox_id     BIGINT NOT NULL,
    attempt       INTEGER NOT NULL,
    started_at    BIGINT NOT NULL,
    latency_ms    BIGINT NOT NULL,
    outcome       TEXT NOT NULL,
    response_code INTEGER,
    error         TEXT,
    node          TEXT NOT NULL
);
CREATE INDEX alert_attempts_outbox ON alert_attempts (outbox_id, id);

-- A channel's own handle on the message it sent for an incident (Discord's message id), so later
-- events edit that message instead of posting new ones.
CREATE TABLE alert_threads (
    channel     TEXT NOT NULL,
    dedup_key   TEXT NOT NULL,
    external_id TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (channel, dedup_key)
);

-- Escalation of an incident along one route's policy. state: active (next_at is due), held
-- (waiting for a maintenance window to end), acknowledged, resolved, done (nothing left to do).
-- steps_done counts the policy's steps taken, reminders the repeats after the last one.
CREATE TABLE alert_escalations (
    incident_id BIGINT NOT NULL,
    route       TEXT NOT NULL,
    policy      TEXT NOT NULL,
    severity    TEXT NOT NULL,
    steps_done  INTEGER NOT NULL,
    reminders   INTEGER NOT NULL,
    state       TEXT NOT NULL,
    next_at     BIGINT,
    PRIMARY KEY (incident_id, route)
);
CREATE INDEX alert_escalations_due ON alert_escalations (state, next_at);

-- Alerts a digest route collects (P3 warnings by default) until its period ends.
CREATE TABLE alert_digest_items (
    id         ${id_pk},
    route      TEXT NOT NULL,
    monitor_id TEXT,
    event      TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    digest_id  BIGINT
);
CREATE INDEX alert_digest_items_route ON alert_digest_items (route, digest_id, created_at);

-- One digest per route and period: the unique key makes sending it a once-only step cluster-wide.
CREATE TABLE alert_digests (
    id         ${id_pk},
    route      TEXT NOT NULL,
    period_end BIGINT NOT NULL,
    items      INTEGER NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX alert_digests_period ON alert_digests (route, period_end);
