-- Files that are not stored as documents, as they were when last logged, so that an unchanged
-- one is not read again: a lasting failure (with a key of the rules and limits it failed
-- under, `retry_key`) and a copy of a stored file (with its sha256). One row per path.
CREATE TABLE core.file_stamps (
    source_path VARCHAR PRIMARY KEY,
    status      VARCHAR NOT NULL,
    size_bytes  BIGINT,
    mtime_ns    BIGINT,
    sha256      VARCHAR,
    retry_key   VARCHAR,
    error       VARCHAR,
    run_id      VARCHAR
);
