-- Schema version 4: comparison keys. Every `*_key` column holds minutes' own folding of a text
-- column (minutes.text.key: lower case, no diacritics, white space squashed), computed when the
-- row is written, so SQL compares keys and never folds text itself. Stored rows get their keys
-- right after this migration (warehouse/store.py, _backfill_keys).

ALTER TABLE core.documents ADD COLUMN body_key VARCHAR;
ALTER TABLE core.documents ADD COLUMN region_key VARCHAR;
ALTER TABLE core.attendees ADD COLUMN name_key VARCHAR;
ALTER TABLE core.attendees ADD COLUMN role_key VARCHAR;
ALTER TABLE core.attendees ADD COLUMN organisation_key VARCHAR;
ALTER TABLE core.attendees ADD COLUMN initials_key VARCHAR;
ALTER TABLE core.persons ADD COLUMN name_key VARCHAR;
ALTER TABLE core.persons ADD COLUMN variants_key VARCHAR;
ALTER TABLE core.persons ADD COLUMN initials_key VARCHAR;
-- person_aliases.name_key and org_key already hold keys; they are now computed the same way.
