-- Formal protocols: diarienummer on sections; yrkanden, votes, reservations, jäv and who served
-- on which paragraph (docs/warehouse-contract.md, "Formal protocols").

ALTER TABLE core.sections ADD COLUMN case_number VARCHAR;

CREATE TABLE core.motions (
    motion_id       VARCHAR PRIMARY KEY,
    document_id     VARCHAR NOT NULL,
    section_id      VARCHAR,
    ordinal         INTEGER,
    mover           VARCHAR,
    party           VARCHAR,
    text            VARCHAR,
    outcome         VARCHAR,
    page            INTEGER,
    rule            VARCHAR,
    source_text     VARCHAR
);

CREATE TABLE core.votes (
    vote_id         VARCHAR PRIMARY KEY,
    document_id     VARCHAR NOT NULL,
    section_id      VARCHAR,
    decision_id     VARCHAR,
    method          VARCHAR,
    yes_count       INTEGER,
    no_count        INTEGER,
    abstain_count   INTEGER,
    absent_count    INTEGER,
    yes_means       VARCHAR,
    no_means        VARCHAR,
    finding         VARCHAR,
    outcome         VARCHAR,
    counts_ok       BOOLEAN,
    flag            VARCHAR,
    page            INTEGER,
    rule            VARCHAR,
    source_text     VARCHAR
);

CREATE TABLE core.person_votes (
    vote_id         VARCHAR NOT NULL,
    document_id     VARCHAR NOT NULL,
    ordinal         INTEGER,
    name            VARCHAR,
    party           VARCHAR,
    vote            VARCHAR
);

CREATE TABLE core.reservations (
    reservation_id  VARCHAR PRIMARY KEY,
    document_id     VARCHAR NOT NULL,
    section_id      VARCHAR,
    decision_id     VARCHAR,
    name            VARCHAR,
    party           VARCHAR,
    reason          VARCHAR,
    page            INTEGER,
    rule            VARCHAR,
    source_text     VARCHAR
);

CREATE TABLE core.recusals (
    recusal_id      VARCHAR PRIMARY KEY,
    document_id     VARCHAR NOT NULL,
    section_id      VARCHAR,
    paragraph       VARCHAR,
    name            VARCHAR,
    party           VARCHAR,
    page            INTEGER,
    rule            VARCHAR,
    source_text     VARCHAR
);

CREATE TABLE core.paragraph_attendance (
    document_id       VARCHAR NOT NULL,
    name              VARCHAR,
    party             VARCHAR,
    status            VARCHAR,
    from_paragraph    INTEGER,
    to_paragraph      INTEGER,
    except_paragraphs VARCHAR,
    replaces          VARCHAR,
    page              INTEGER,
    rule              VARCHAR,
    source_text       VARCHAR
);
