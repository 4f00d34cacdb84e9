-- Healthy probes packed by monitor and span of 20 minutes (issue 17). Once a span has closed, a
-- monitor's healthy probes of that span leave probe_results for one row here: their ids, starts,
-- totals, shapes and phase times as varints (ProbeChunk), under 50 bytes a probe where a row took
-- over 100. Failed probes stay rows with their full detail. first_at is the earliest start in the
-- chunk (retention trims a chunk by it); first_id and last_id bound its ids (a result found by id).
CREATE TABLE probe_chunks (
    id          ${id_pk},
    monitor_key BIGINT NOT NULL,
    span_start  BIGINT NOT NULL,
    first_at    BIGINT NOT NULL,
    first_id    BIGINT NOT NULL,
    last_id     BIGINT NOT NULL,
    probes      INTEGER NOT NULL,
    packed      ${blob} NOT NULL
);
-- one chunk per monitor and span: two compactions of the same span cannot both insert one
CREATE UNIQUE INDEX probe_chunks_monitor_span ON probe_chunks (monitor_key, span_start);
CREATE INDEX probe_chunks_span ON probe_chunks (span_start);
