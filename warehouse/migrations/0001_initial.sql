-- Schema version 1: the warehouse as first released.
-- Internal tables live in schema `core`; the public interface (docs/warehouse-contract.md)
-- is the set of views in the default schema, created by views.sql after every migration.
-- No PRIMARY KEY or UNIQUE constraints: a document is replaced by delete + insert in one
-- transaction, which DuckDB constraint checks handle poorly; ids are unique by construction.

CREATE SCHEMA IF NOT EXISTS core;

CREATE TABLE core.documents (
    document_id     VARCHAR NOT NULL,
    source_path     VARCHAR NOT NULL,
    file_name       VARCHAR NOT NULL,
    sha256          VARCHAR NOT NULL,
    size_bytes      BIGINT,
    mtime_ns        BIGINT,
    format          VARCHAR,
    page_count      INTEGER,
    ocr             BOOLEAN DEFAULT false,
    ocr_seconds     DOUBLE,
    doc_type        VARCHAR,
    title           VARCHAR,
    body            VARCHAR,
    region          VARCHAR,
    meeting_date    DATE,
    start_time      TIME,
    end_time        TIME,
    place           VARCHAR,
    next_meeting    DATE,
    rules_version   VARCHAR,
    provenance      JSON,
    warnings        JSON,
    imported_at     TIMESTAMP NOT NULL
);

CREATE TABLE core.blocks (
    document_id     VARCHAR NOT NULL,
    ordinal         INTEGER NOT NULL,
    kind            VARCHAR,
    level           INTEGER,
    page            INTEGER,
    section_id      VARCHAR,
    text            VARCHAR
);

CREATE TABLE core.sections (
    document_id     VARCHAR NOT NULL,
    section_id      VARCHAR NOT NULL,
    parent_id       VARCHAR,
    number          VARCHAR,
    title           VARCHAR,
    level           INTEGER,
    page            INTEGER,
    ordinal         INTEGER
);

CREATE TABLE core.attendees (
    attendee_id     VARCHAR NOT NULL,
    document_id     VARCHAR NOT NULL,
    name            VARCHAR NOT NULL,
    initials        VARCHAR,
    role            VARCHAR,
    organisation    VARCHAR,
    party           VARCHAR,
    status          VARCHAR NOT NULL,
    attended        VARCHAR,
    page            INTEGER,
    rule            VARCHAR,
    source_text     VARCHAR
);

CREATE TABLE core.decisions (
    decision_id     VARCHAR NOT NULL,
    document_id     VARCHAR NOT NULL,
    section_id      VARCHAR,
    section_title   VARCHAR,
    ordinal         INTEGER,
    text            VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,
    page            INTEGER,
    rule            VARCHAR NOT NULL,
    source_text     VARCHAR
);

CREATE TABLE core.assignments (
    assignment_id      VARCHAR NOT NULL,
    document_id        VARCHAR NOT NULL,
    decision_id        VARCHAR,
    section_id         VARCHAR,
    ordinal            INTEGER,
    owner              VARCHAR,
    owner_kind         VARCHAR,
    task               VARCHAR NOT NULL,
    deadline           DATE,
    deadline_text      VARCHAR,
    deadline_precision VARCHAR,
    page               INTEGER,
    rule               VARCHAR NOT NULL,
    source_text        VARCHAR
);

CREATE TABLE core.runs (
    run_id          VARCHAR NOT NULL,
    started_at      TIMESTAMP NOT NULL,
    finished_at     TIMESTAMP,
    command         VARCHAR,
    files           INTEGER,
    imported        INTEGER,
    unchanged       INTEGER,
    replaced        INTEGER,
    failed          INTEGER
);

CREATE TABLE core.imports (
    run_id          VARCHAR NOT NULL,
    source_path     VARCHAR NOT NULL,
    document_id     VARCHAR,
    sha256          VARCHAR,
    status          VARCHAR NOT NULL,
    error           VARCHAR,
    note            VARCHAR,
    pages           INTEGER,
    seconds         DOUBLE,
    ocr_seconds     DOUBLE,
    "at"            TIMESTAMP NOT NULL
);
