-- Schema version 9: a person can hold more than one role in one meeting (ordförande and justerare).
-- `role` keeps the main one (the first the document gives); `roles` lists every role, main first,
-- separated by ", " ('ordförande, justerare'); null when the document gives none.

ALTER TABLE core.attendees ADD COLUMN roles VARCHAR;
