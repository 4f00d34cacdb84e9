-- Locations (issue 16): whether each location had a live node when the nodes last looked. A node
-- that sees a location's last heartbeat go stale flips its row with a conditional update, so with
-- several nodes watching exactly one of them announces the disappearance (and later the recovery).
CREATE TABLE location_liveness (
    name       TEXT PRIMARY KEY,
    live       BOOLEAN NOT NULL,
    changed_at BIGINT NOT NULL
);
