-- Rollups by location, with integer keys, one table per resolution (issues 16 and 17).
--
-- Issue 16: each location that probes a monitor adds to its own rollup rows, so a location's
-- figures can be read apart; every reader merges the locations' rows unless asked for one, and an
-- install with one location keeps one row per monitor and bucket, as before.
--
-- Issue 17: a finished PostgreSQL rollup row took about 254 bytes, against 167 on SQLite: the monitor
-- id as text in the row and in two indexes, and the updates of an open hour (one per probe) were
-- never HOT, because probes and failures were in the rollups_day_counts index. Here
--   * a row names its monitor and location by integer keys (monitor_keys from V13, location_keys);
--   * hours, days and stored minutes are tables apart, so the day rows' covering index (which the
--     reliability record sums from) does not stop PostgreSQL from updating an hour row in place:
--     the hour table's indexes hold no column a probe changes, and its pages keep room for the
--     row's next version (a fillfactor on PostgreSQL, see Dialect);
--   * the age index is on bucket_start alone: every monitor shares each bucket start, which
--     PostgreSQL's B-tree deduplication stores once per page.

CREATE TABLE location_keys (
    location_key ${id_pk},
    name         TEXT NOT NULL
);
CREATE UNIQUE INDEX location_keys_name ON location_keys (name);

-- Columns in PostgreSQL's alignment order (8, 4, 4, 4, 2 bytes, then the packed figures).
CREATE TABLE rollup_hours (
    bucket_start BIGINT NOT NULL,
    monitor_key  INTEGER NOT NULL,
    probes       INTEGER NOT NULL,
    failures     INTEGER NOT NULL,
    location_key SMALLINT NOT NULL,
    figures      ${blob} NOT NULL,
    PRIMARY KEY (monitor_key, bucket_start, location_key)
)${updated_in_place};
CREATE INDEX rollup_hours_age ON rollup_hours (bucket_start);

CREATE TABLE rollup_days (
    bucket_start BIGINT NOT NULL,
    monitor_key  INTEGER NOT NULL,
    probes       INTEGER NOT NULL,
    failures     INTEGER NOT NULL,
    location_key SMALLINT NOT NULL,
    figures      ${blob} NOT NULL,
    PRIMARY KEY (monitor_key, bucket_start, location_key)
)${without_rowid};
-- as V8's rollups_day_counts: the record sums day rows from this index alone (it also serves retention)
CREATE INDEX rollup_days_counts ON rollup_days (bucket_start, monitor_key, probes, failures);

-- Minute rows are stored only when minute rollups outlive raw results, and never updated.
CREATE TABLE rollup_minutes (
    bucket_start BIGINT NOT NULL,
    monitor_key  INTEGER NOT NULL,
    probes       INTEGER NOT NULL,
    failures     INTEGER NOT NULL,
    location_key SMALLINT NOT NULL,
    figures      ${blob} NOT NULL,
    PRIMARY KEY (monitor_key, bucket_start, location_key)
)${without_rowid};
CREATE INDEX rollup_minutes_age ON rollup_minutes (bucket_start);

-- Existing rows: a monitor whose raw results are gone may have rollups but no key yet.
INSERT INTO monitor_keys (monitor_id)
SELECT DISTINCT r.monitor_id FROM rollups r
WHERE NOT EXISTS (SELECT 1 FROM monitor_keys k WHERE k.monitor_id = r.monitor_id)
ORDER BY r.monitor_id;

INSERT INTO location_keys (name) VALUES ('default');
INSERT INTO location_keys (name) SELECT DISTINCT location FROM location_state WHERE location <> 'default' ORDER BY location;

-- Rows written before were every location's together. A monitor that one location probed (the
-- only one in its location_state) keeps them as that location's, so its open hour goes on in the
-- same row; any other monitor's are 'default''s (merged readers count them all the same).
CREATE TABLE upgrade_rollup_owners AS
SELECT monitor_id, MIN(location) AS location FROM location_state GROUP BY monitor_id HAVING COUNT(*) = 1;

INSERT INTO rollup_hours (bucket_start, monitor_key, probes, failures, location_key, figures)
SELECT r.bucket_start, k.monitor_key, r.probes, r.failures, l.location_key, r.figures
FROM rollups r
JOIN monitor_keys k ON k.monitor_id = r.monitor_id
LEFT JOIN upgrade_rollup_owners o ON o.monitor_id = r.monitor_id
JOIN location_keys l ON l.name = COALESCE(o.location, 'default')
WHERE r.resolution = 'hour';

INSERT INTO rollup_days (bucket_start, monitor_key, probes, failures, location_key, figures)
SELECT r.bucket_start, k.monitor_key, r.probes, r.failures, l.location_key, r.figures
FROM rollups r
JOIN monitor_keys k ON k.monitor_id = r.monitor_id
LEFT JOIN upgrade_rollup_owners o ON o.monitor_id = r.monitor_id
JOIN location_keys l ON l.name = COALESCE(o.location, 'default')
WHERE r.resolution = 'day';

INSERT INTO rollup_minutes (bucket_start, monitor_key, probes, failures, location_key, figures)
SELECT r.bucket_start, k.monitor_key, r.probes, r.failures, l.location_key, r.figures
FROM rollups r
JOIN monitor_keys k ON k.monitor_id = r.monitor_id
LEFT JOIN upgrade_rollup_owners o ON o.monitor_id = r.monitor_id
JOIN location_keys l ON l.name = COALESCE(o.location, 'default')
WHERE r.resolution = 'minute';

DROP TABLE upgrade_rollup_owners;
DROP TABLE rollups;
