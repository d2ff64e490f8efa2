-- Schema version 6: corrections people make to extracted rows (docs/corrections.md).
-- A row's `row_key` is its content key (minutes.core.ids.content_key of its identity columns,
-- core/tables.py), computed when written; stored rows get theirs right after this migration.
-- A correction is keyed on its document's source path and the row's key, not on the row id
-- (ids are positional: a changed file can renumber its rows), and is applied again each time
-- the document is written; one whose row is gone is marked orphaned.

ALTER TABLE core.attendees ADD COLUMN row_key VARCHAR;
ALTER TABLE core.decisions ADD COLUMN row_key VARCHAR;
ALTER TABLE core.assignments ADD COLUMN row_key VARCHAR;

CREATE TABLE core.corrections (
    correction_id   VARCHAR NOT NULL,
    source_path     VARCHAR NOT NULL,
    table_name      VARCHAR NOT NULL,
    row_key         VARCHAR NOT NULL,
    row_id          VARCHAR,            -- the row's id when last applied
    field           VARCHAR,            -- NULL: the row is marked wrong
    value           VARCHAR,            -- the corrected value, as text
    original        VARCHAR,            -- the extracted value it replaces, as text
    note            VARCHAR,
    author          VARCHAR NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    status          VARCHAR NOT NULL,   -- applied | orphaned
    checked_at      TIMESTAMP
);
