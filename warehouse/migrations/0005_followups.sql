-- Schema version 5: follow-ups. A later meeting's statements about earlier assignments (found by
-- the rules in each document, rules/followups.py) and the assignment each reports on (linked across
-- the documents of one body by warehouse/followups.py after every import). Statuses of assignments
-- are computed from these links by the views (docs/warehouse-contract.md, "assignment_followups").

CREATE TABLE core.followups (
    followup_id      VARCHAR NOT NULL,
    document_id      VARCHAR NOT NULL,
    section_id       VARCHAR,
    ordinal          INTEGER,
    kind             VARCHAR,     -- row (an action-table row, a "Status:" line) or text
    item             VARCHAR,     -- the agenda item it stands under: "§ 34", "3"
    stated_status    VARCHAR,     -- done | in_progress | not_started, as the statement says; null: a row without one
    text             VARCHAR,     -- its words with its item's title, compared when linking
    case_number      VARCHAR,
    case_key         VARCHAR,
    paragraph_refs   VARCHAR[],   -- "2024-04-17 § 35"
    item_ref         VARCHAR,     -- "4" of "punkt 4 från föregående möte"; '' for the previous meeting alone
    row_number       VARCHAR,
    task             VARCHAR,
    owners           VARCHAR[],
    owners_key       VARCHAR,
    deadline         DATE,
    deadline_text    VARCHAR,
    restates_id      VARCHAR,     -- this document's assignment read from the same action-table row
    page             INTEGER,
    rule             VARCHAR,
    source_text      VARCHAR,
    -- set by the linking (warehouse/followups.py):
    assignment_id    VARCHAR,     -- the earlier assignment it reports on (null: none, or another statement does)
    status           VARCHAR,
    new_deadline     DATE,
    linked_by        VARCHAR,     -- the evidence: paragraph, item, row, case_number, owner_topic
    repeats_id       VARCHAR,     -- for a repeated action-table row: the earlier assignment it is
    merged_into      VARCHAR      -- another statement of the document reports on the same assignment and stands for both
);

-- Which body each document belongs to: one body may be written several ways ("KSAU",
-- "Kommunstyrelsens arbetsutskott"); two bodies of one name in different organisations stay apart.
CREATE TABLE core.document_bodies (
    document_id      VARCHAR NOT NULL,
    body_id          VARCHAR NOT NULL,
    meeting_date     DATE,
    names            VARCHAR[]
);

ALTER TABLE core.sections ADD COLUMN case_key VARCHAR;
