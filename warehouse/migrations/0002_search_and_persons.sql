-- Schema version 2: a Swedish-aware search index (DuckDB's fts extension cannot be assumed
-- to download) and persons across documents.

-- Every distinct search term (a folded Snowball stem), numbered.
CREATE TABLE core.terms (
    term_id     INTEGER NOT NULL,
    term        VARCHAR NOT NULL
);

-- Which rows hold which terms, and how often. kind: D decision, A assignment, B block of text.
CREATE TABLE core.postings (
    term_id     INTEGER NOT NULL,
    kind        VARCHAR NOT NULL,
    row_id      VARCHAR NOT NULL,
    document_id VARCHAR NOT NULL,
    tf          SMALLINT NOT NULL
);

-- One person across documents; rebuilt after every import that changed something.
CREATE TABLE core.persons (
    person_id     VARCHAR NOT NULL,
    name          VARCHAR NOT NULL,
    organisation  VARCHAR,
    initials      VARCHAR,
    variants      VARCHAR[]
);

-- How a name (folded) and organisation (folded, or '' when unknown) map to a person.
CREATE TABLE core.person_aliases (
    name_key      VARCHAR NOT NULL,
    org_key       VARCHAR NOT NULL,
    person_id     VARCHAR NOT NULL
);

-- Which person each attendee and assignment row is (filled by the persons rebuild).
CREATE TABLE core.attendee_persons (
    attendee_id   VARCHAR NOT NULL,
    person_id     VARCHAR NOT NULL
);
CREATE TABLE core.assignment_persons (
    assignment_id VARCHAR NOT NULL,
    person_id     VARCHAR NOT NULL
);

-- The owner folded (lower case, no diacritics), for quick accent-insensitive lookups.
ALTER TABLE core.assignments ADD COLUMN owner_key VARCHAR;
UPDATE core.assignments SET owner_key = lower(strip_accents(owner));
