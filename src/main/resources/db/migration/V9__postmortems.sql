-- Postmortems of incidents (issue 11): every save is a new version, so the history of a postmortem
-- is kept and the latest version is the one shown. A draft is never stored: it is written from the
-- incident's record whenever it is asked for, until someone saves one.
CREATE TABLE postmortems (
    id          ${id_pk},
    incident_id BIGINT NOT NULL,
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    author      TEXT,
    saved_at    BIGINT NOT NULL,
    UNIQUE (incident_id, version)
);
