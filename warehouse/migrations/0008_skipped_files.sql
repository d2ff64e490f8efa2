-- Schema version 8: every file found under an import path is logged. Files minutes does not read
-- (spreadsheets, images, Office's lock files, hidden files) get an `imports` row with status
-- `skipped` and the reason in `note`; each run counts them.

ALTER TABLE core.runs ADD COLUMN skipped INTEGER;
