-- The public interface: views over the internal tables (docs/warehouse-contract.md).
-- Recreated after every migration, so a view can change its definition but not its columns.

CREATE OR REPLACE VIEW documents AS
SELECT document_id, file_name, source_path, sha256, format, page_count, ocr, doc_type, title, body, region,
       meeting_date, start_time, end_time, place, next_meeting, imported_at, rules_version
FROM core.documents;

CREATE OR REPLACE VIEW sections AS
SELECT document_id, section_id, parent_id, number, title, level, page, ordinal
FROM core.sections;

CREATE OR REPLACE VIEW attendees AS
SELECT attendee_id, document_id, name, initials, role, organisation, party, status, attended, page, rule,
       source_text
FROM core.attendees;

CREATE OR REPLACE VIEW decisions AS
SELECT decision_id, document_id, section_id, section_title, text, kind, page, rule, source_text, ordinal
FROM core.decisions;

CREATE OR REPLACE VIEW assignments AS
SELECT assignment_id, document_id, decision_id, owner, owner_kind, task, deadline, deadline_text,
       deadline_precision, page, rule, source_text, section_id
FROM core.assignments;

CREATE OR REPLACE VIEW imports AS
SELECT run_id, source_path, sha256, status, error, note, pages, seconds, ocr_seconds, "at", document_id
FROM core.imports;
