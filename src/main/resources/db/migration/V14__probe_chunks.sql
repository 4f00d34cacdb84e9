-- Healthy probes packed by monitor and hour (issue 17). Once an hour has closed, a monitor's healthy
-- probes of that hour leave probe_results for one row here: their ids, starts, totals, shapes and
-- phase times as varints (ProbeChunk), about 20 bytes a probe where a row took over 100. Failed
-- probes stay rows with their full detail. first_at is the earliest start in the chunk (retention
-- trims a chunk by it); first_id and last_id bound its ids (a result found by id).
CREATE TABLE probe_chunks (
    id          ${id_pk},
    monitor_key BIGINT NOT NULL,
    hour_start  BIGINT NOT NULL,
    first_at    BIGINT NOT NULL,
    first_id    BIGINT NOT NULL,
    last_id     BIGINT NOT NULL,
    probes      INTEGER NOT NULL,
    packed      ${blob} NOT NULL
);
-- one chunk per monitor and hour: two compactions of the same hour cannot both insert one
CREATE UNIQUE INDEX probe_chunks_monitor_hour ON probe_chunks (monitor_key, hour_start);
CREATE INDEX probe_chunks_hour ON probe_chunks (hour_start);
