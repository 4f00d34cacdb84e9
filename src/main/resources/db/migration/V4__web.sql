-- The dashboard, its access control and the API-owned monitors (issue 5). Same SQL for SQLite and
-- PostgreSQL; times are epoch milliseconds. Status-page updates need no table of their own: they
-- are incident_events of kind 'status_update', so the incident timeline and the public history are
-- one record.

-- Operators who may log in. Only a PBKDF2 hash of each password is kept (dev.mcpwatch.auth.Passwords).
CREATE TABLE users (
    username      TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- Browser sessions, keyed by the SHA-256 of the cookie value: a copy of this table logs no one in.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    username     TEXT NOT NULL,
    csrf_token   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- API tokens, keyed by their SHA-256; the token itself is shown once, when it is created.
CREATE TABLE api_tokens (
    id           ${id_pk},
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    hint         TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);

-- Monitors added from the dashboard or the API, as entered (header values are environment references,
-- never secrets). The monitors table holds them too, with source 'api', like the file's.
CREATE TABLE api_monitors (
    id         TEXT PRIMARY KEY,
    definition TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Incidents overlapping a window of days, for the daily availability bars.
CREATE INDEX incidents_monitor_onset ON incidents (monitor_id, onset_at);
