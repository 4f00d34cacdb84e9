-- Each location's own state machine for each monitor (PRODUCT.md §2 "Locations"): a location
-- confirms the monitor down or up by the monitor's thresholds, and the quorum of live locations
-- decides the monitor's incident. monitor_state stays the monitor's one state (pages, status pages).
CREATE TABLE location_state (
    monitor_id             TEXT NOT NULL,
    location               TEXT NOT NULL,
    status                 TEXT NOT NULL,
    consecutive_failures   INTEGER NOT NULL,
    consecutive_successes  INTEGER NOT NULL,
    streak_started_at      BIGINT,
    streak_first_result_id BIGINT,
    confirmed_at           BIGINT,
    probes                 BIGINT NOT NULL,
    last_result_id         BIGINT,
    last_probe_at          BIGINT NOT NULL,
    last_reason            TEXT,
    last_phase             TEXT,
    last_message           TEXT,
    last_total_ms          DOUBLE PRECISION,
    PRIMARY KEY (monitor_id, location)
);

-- Until now one location probed each monitor: its state is the monitor's, so an incident open at
-- the upgrade stays open (and resolves by the same successes) instead of starting over.
INSERT INTO location_state (monitor_id, location, status, consecutive_failures, consecutive_successes, streak_started_at,
    streak_first_result_id, confirmed_at, probes, last_result_id, last_probe_at, last_reason, last_phase, last_message, last_total_ms)
SELECT m.monitor_id,
    COALESCE((SELECT s.location FROM probe_results r JOIN probe_shapes s ON s.id = r.shape_id WHERE r.id = m.last_result_id), 'default'),
    m.status, m.consecutive_failures, m.consecutive_successes, m.streak_started_at, m.streak_first_result_id,
    CASE WHEN m.status IN ('down', 'auth-walled') THEN COALESCE(m.streak_started_at, m.last_probe_at, 0) END,
    m.probes, m.last_result_id, COALESCE(m.last_probe_at, 0),
    CASE WHEN m.status IN ('down', 'auth-walled') THEN m.last_reason END,
    CASE WHEN m.status IN ('down', 'auth-walled') THEN m.last_phase END,
    CASE WHEN m.status IN ('down', 'auth-walled') THEN m.last_message END,
    m.last_total_ms
FROM monitor_state m;

-- The locations that confirmed an incident's monitor down while several probed it (null when one
-- location did: the failing probes of the incident say which).
ALTER TABLE incidents ADD COLUMN failing_locations TEXT;
