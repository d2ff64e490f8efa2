-- What a failed file looked like when it failed, so that an unchanged file is not tried again:
-- its size and modification time, and a key of the rules and limits it failed under
-- (NULL for a failure worth retrying, such as a missing program).
ALTER TABLE core.imports ADD COLUMN size_bytes BIGINT;
ALTER TABLE core.imports ADD COLUMN mtime_ns BIGINT;
ALTER TABLE core.imports ADD COLUMN retry_key VARCHAR;
