-- SLOs added through the API (issue 12), as entered: the JSON of one entry of the configuration
-- file's slos:, checked by the same reader. The file's SLOs are never written here; an id the file
-- defines is refused, and one the file adds later takes over. Same conventions as V1: one set of SQL
-- for SQLite and PostgreSQL, epoch-millisecond BIGINT times.
CREATE TABLE api_slos (
    id         TEXT PRIMARY KEY,
    definition TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
