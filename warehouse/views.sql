-- The public interface: views over the internal tables (docs/warehouse-contract.md).
-- Recreated after every migration, so a view can change its definition but not its columns.

CREATE OR REPLACE VIEW documents AS
SELECT document_id, file_name, source_path, sha256, format, page_count, ocr, doc_type, title, body, region,
       meeting_date, start_time, end_time, place, next_meeting, imported_at, rules_version
FROM core.documents;

CREATE OR REPLACE VIEW sections AS
SELECT document_id, section_id, parent_id, number, title, level, page, ordinal, case_number
FROM core.sections;

CREATE OR REPLACE VIEW persons AS
SELECT person_id, name, organisation, initials, variants
FROM core.persons;

CREATE OR REPLACE VIEW attendees AS
SELECT a.attendee_id, a.document_id, a.name, a.initials, a.role, a.organisation, a.party, a.status, a.attended,
       a.page, a.rule, a.source_text, p.person_id, a.roles
FROM core.attendees a LEFT JOIN core.attendee_persons p USING (attendee_id);

CREATE OR REPLACE VIEW decisions AS
SELECT decision_id, document_id, section_id, section_title, text, kind, page, rule, source_text, ordinal
FROM core.decisions;

-- An assignment's status is that of the latest follow-up reporting on it (schema 5); an action-table
-- row carried over to a later meeting (repeats_id) is the earlier assignment again and shares its status.
CREATE OR REPLACE VIEW assignment_followups AS
SELECT f.followup_id, f.assignment_id, f.document_id, f.status, f.new_deadline, f.page, f.rule, f.source_text,
       f.linked_by, d.meeting_date, f.section_id
FROM core.followups f JOIN core.documents d USING (document_id)
WHERE f.assignment_id IS NOT NULL AND f.merged_into IS NULL;

CREATE OR REPLACE VIEW assignments AS
WITH repeats AS (
    SELECT restates_id AS assignment_id, min(repeats_id) AS repeats_id FROM core.followups
    WHERE restates_id IS NOT NULL AND repeats_id IS NOT NULL GROUP BY ALL),
latest AS (
    SELECT assignment_id, arg_max(status, (meeting_date, followup_id)) AS status,
           arg_max(document_id, (meeting_date, followup_id)) AS status_document_id, max(meeting_date) AS status_date
    FROM assignment_followups GROUP BY ALL)
SELECT s.assignment_id, s.document_id, s.decision_id, s.owner, s.owner_kind, s.task, s.deadline, s.deadline_text,
       s.deadline_precision, s.page, s.rule, s.source_text, s.section_id, p.person_id,
       coalesce(l.status, 'open') AS status, l.status_document_id, l.status_date, r.repeats_id
FROM core.assignments s LEFT JOIN core.assignment_persons p USING (assignment_id)
LEFT JOIN repeats r USING (assignment_id)
LEFT JOIN latest l ON l.assignment_id = coalesce(r.repeats_id, s.assignment_id);

CREATE OR REPLACE VIEW imports AS
SELECT run_id, source_path, sha256, status, error, note, pages, seconds, ocr_seconds, "at", document_id
FROM core.imports;

-- Views for the common questions (docs/warehouse-contract.md, "Views for analysts").

CREATE OR REPLACE VIEW decisions_per_region_year AS
SELECT coalesce(d.region, '(okänd)') AS region, year(d.meeting_date) AS year, d.body, c.kind,
       count(*) AS decisions
FROM core.decisions c JOIN core.documents d USING (document_id)
GROUP BY ALL;

CREATE OR REPLACE VIEW assignments_by_owner AS
SELECT s.owner, s.owner_kind, s.person_id, s.task, s.deadline, s.deadline_text,
       CASE WHEN s.deadline IS NULL THEN 'no deadline'
            WHEN s.deadline < current_date THEN 'overdue'
            ELSE 'open' END AS deadline_status,
       d.body, d.region, d.meeting_date, d.file_name, s.page, s.assignment_id, s.document_id,
       s.status, s.status_date, s.status_document_id
FROM assignments s JOIN core.documents d USING (document_id);

CREATE OR REPLACE VIEW attendance_per_person AS
SELECT coalesce(a.person_id, 'name:' || a.name) AS person_id, coalesce(p.name, a.name) AS name,
       coalesce(p.organisation, a.organisation) AS organisation, d.body,
       count(*) FILTER (WHERE a.status IN ('present', 'substitute')) AS meetings_attended,
       count(*) FILTER (WHERE a.status = 'absent') AS meetings_absent,
       count(*) FILTER (WHERE a.status = 'adjunct') AS meetings_adjunct,
       min(d.meeting_date) AS first_meeting, max(d.meeting_date) AS last_meeting
FROM attendees a JOIN core.documents d USING (document_id)
LEFT JOIN core.persons p ON p.person_id = a.person_id
GROUP BY ALL;

-- Formal protocols (schema 3): yrkanden, votes, reservations, jäv, who served on which paragraph.

CREATE OR REPLACE VIEW motions AS
SELECT m.motion_id, m.document_id, m.section_id, s.number AS paragraph, s.case_number, m.mover, m.party, m.text,
       m.outcome, m.page, m.rule, m.source_text
FROM core.motions m LEFT JOIN core.sections s USING (section_id);

CREATE OR REPLACE VIEW votes AS
SELECT v.vote_id, v.document_id, v.section_id, s.number AS paragraph, s.case_number, v.decision_id, v.method,
       v.yes_count, v.no_count, v.abstain_count, v.absent_count, v.yes_means, v.no_means, v.finding, v.outcome,
       v.counts_ok, v.flag, v.page, v.rule, v.source_text
FROM core.votes v LEFT JOIN core.sections s USING (section_id);

CREATE OR REPLACE VIEW person_votes AS
SELECT vote_id, document_id, name, party, vote, ordinal
FROM core.person_votes;

CREATE OR REPLACE VIEW reservations AS
SELECT r.reservation_id, r.document_id, r.section_id, s.number AS paragraph, s.case_number, r.decision_id,
       r.name, r.party, r.reason, r.page, r.rule, r.source_text
FROM core.reservations r LEFT JOIN core.sections s USING (section_id);

CREATE OR REPLACE VIEW recusals AS
SELECT r.recusal_id, r.document_id, r.section_id, r.paragraph, s.case_number, r.name, r.party, r.page, r.rule,
       r.source_text
FROM core.recusals r LEFT JOIN core.sections s USING (section_id);

CREATE OR REPLACE VIEW paragraph_attendance AS
SELECT document_id, name, party, status, from_paragraph, to_paragraph, except_paragraphs, replaces, page, rule,
       source_text
FROM core.paragraph_attendance;

-- Decisions with their meeting and agenda item in one row (docs/warehouse-contract.md, "Views for analysts").

CREATE OR REPLACE VIEW decisions_full AS
SELECT c.decision_id, c.document_id, d.meeting_date, d.body, d.region, s.number AS paragraph, s.case_number,
       c.section_title AS agenda_item, c.kind, c.text, d.file_name, c.page, c.rule, c.source_text, c.ordinal
FROM core.decisions c JOIN core.documents d USING (document_id) LEFT JOIN core.sections s USING (section_id);

-- Corrections (schema 6): who corrected which row, when and why; the other views already show
-- the corrected values.
CREATE OR REPLACE VIEW corrections AS
SELECT correction_id, row_id, table_name, field, value, original, note, author, created_at, status, checked_at,
       source_path, row_key
FROM core.corrections;
