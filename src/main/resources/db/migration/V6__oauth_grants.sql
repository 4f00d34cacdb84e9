-- OAuth grants kept for monitors whose servers only allow user login (`mcpwatch auth login`): the
-- refresh token and the client registration, sealed with AES-256-GCM under MCPWATCH_OAUTH_KEY (the key
-- is never stored). Only the issuer, the client id and the expiry are readable, for messages and the
-- expiry warning.
CREATE TABLE oauth_grants (
    monitor_id         TEXT PRIMARY KEY,
    issuer             TEXT NOT NULL,
    client_id          TEXT NOT NULL,
    sealed             TEXT NOT NULL,
    refresh_expires_at BIGINT,
    updated_at         BIGINT NOT NULL
);
