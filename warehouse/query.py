"""Read-only access to the warehouse: SQL for analysts and `explain` for one row."""
from __future__ import annotations

import duckdb

from minutes.core import ids
from minutes.core.settings import Settings

from .corrections import explained
from .errors import WarehouseError
from .limits import QueryLimits, limited, time_limit
from .store import LOCK_WAIT, connect, lock_down

#: What `minutes sql` runs: queries, and EXPLAIN of them; anything else is refused before it runs.
_READING = (duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN)
_ONLY_READS = ("minutes sql only reads the warehouse; it cannot read or write other files, "
               "attach databases or load extensions (use `minutes export` for files).")
_NO_WRITES = ("minutes sql only reads the warehouse; write to it with `minutes import`, "
              "or copy rows out with `minutes export`.")
_WRITING = {duckdb.StatementType.INSERT, duckdb.StatementType.UPDATE, duckdb.StatementType.DELETE,
            duckdb.StatementType.CREATE, duckdb.StatementType.DROP, duckdb.StatementType.ALTER}


def read_only(db: str, settings: Settings, sandbox: bool = False) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a warehouse file or, for a `ducklake:` name, to a lake (`sandbox`: locked down)."""
    from .lake import is_lake, reader

    if is_lake(db):
        return reader(db, settings, sandbox)
    con = connect(db, read_only=True, wait=settings.lock_wait)
    return lock_down(con) if sandbox else con


def run_readonly(db: str, query: str, params: list | None = None, parquet: str | None = None,
                 wait: float = LOCK_WAIT, limits: QueryLimits = QueryLimits(),
                 settings: Settings | None = None) -> list[tuple[list[str], list[tuple]]]:
    """Run the statements of `query` in the sandbox, on the warehouse, a lake or a Parquet export.

    Returns (column names, rows) for each statement, in order; parameters go to a query of one
    statement only. The sandbox: a read-only connection that cannot touch any other file, attach
    databases or load extensions (DuckDB's own switches, configuration locked), only SELECT and
    EXPLAIN statements, and the time, memory and temp-folder limits of `limits`.
    """
    if not query.strip():
        raise WarehouseError('Give a query, e.g. minutes sql "select count(*) from decisions".')
    if parquet:
        from .parquet import parquet_connection, release
        con, close = parquet_connection(parquet), release
    else:
        close = duckdb.DuckDBPyConnection.close
        con = read_only(db, settings or Settings(lock_wait=wait))
    try:
        with limited(con, limits):
            statements = _only_reads(con, query)
            results = []
            with time_limit(con, limits.seconds):
                for st in statements:
                    cur = con.execute(st, params or []) if len(statements) == 1 else con.execute(st)
                    results.append(([d[0] for d in cur.description], cur.fetchall()) if cur.description
                                   else ([], []))
            return results
    except duckdb.PermissionException as e:
        raise WarehouseError(_ONLY_READS) from e
    except duckdb.OutOfMemoryException as e:
        raise WarehouseError(f"The query needed more memory than its limit ({limits.memory}); narrow it down or "
                             "raise the limit with --query-memory.") from e
    except duckdb.Error as e:
        first = str(e).splitlines()[0]
        if "read-only" in first or "read_only" in first or "lock_configuration" in first or \
                "Cannot change configuration" in first:
            raise WarehouseError(_NO_WRITES) from e
        raise WarehouseError(f"The query failed: {first}") from e
    finally:
        close(con)


def _only_reads(con: duckdb.DuckDBPyConnection, query: str) -> list:
    """The statements of `query`; a statement that is not a query (COPY, SET, ATTACH, ...) is refused before
    anything runs."""
    try:
        statements = con.extract_statements(query)
    except duckdb.Error as e:
        raise WarehouseError(f"The query failed: {str(e).splitlines()[0]}") from e
    for statement in statements:
        if statement.type in _WRITING:
            raise WarehouseError(_NO_WRITES)
        if statement.type not in _READING:
            raise WarehouseError(_ONLY_READS)
    if not statements:
        raise WarehouseError('Give a query, e.g. minutes sql "select count(*) from decisions".')
    return statements


#: The fields `explain` shows when a row has them, in this order.
_SHOWN = ("text", "owner", "owner_kind", "task", "deadline", "deadline_text", "deadline_precision", "name", "role",
          "organisation", "status", "status_date", "new_deadline", "linked_by", "repeats_id", "title", "number",
          "case_number", "mover", "party", "outcome", "method", "yes_count", "no_count", "abstain_count", "finding",
          "flag", "reason", "paragraph", "kind")


def explain(con: duckdb.DuckDBPyConnection, row_id: str) -> list[str]:
    """Lines describing where a row came from: the file, page, rule and source text.

    Takes every id a command or page prints: a row id (`3f2a9c1e7b55-D004`), a block of text
    from `minutes search` (`-B0012`), a document id or a person id.
    """
    text = row_id.strip()
    parsed = ids.parse(text)
    if parsed is not None:
        return _explain_row(con, text, parsed)
    if ids.is_document_id(text):
        found = _one(con, "SELECT * FROM documents WHERE document_id = ?", [text])
        if found:
            return _explain_document(found)
        found = _one(con, "SELECT * FROM persons WHERE person_id = ?", [text])
        if found:
            return [f"person {text}"] + [f"  {k + ':':<10}{v}" for k, v in found.items() if v not in (None, [])]
        raise WarehouseError(f"No document or person with id {text}; list ids with `minutes sql`.")
    raise WarehouseError(f"{text!r} is not an id minutes prints; ids look like 3f2a9c1e7b55 (a document or a person) "
                         f"or 3f2a9c1e7b55-D004 ({ids.described()}).")


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> dict | None:
    cur = con.execute(sql, params)
    row = cur.fetchone()
    return dict(zip([d[0] for d in cur.description], row)) if row else None


def _explain_row(con: duckdb.DuckDBPyConnection, text: str, parsed: ids.RowId) -> list[str]:
    table = parsed.table
    if table.name == "blocks":
        rec = _one(con, "SELECT b.*, s.title AS section_title FROM core.blocks b LEFT JOIN core.sections s "
                        "USING (section_id) WHERE b.document_id = ? AND b.ordinal = ?",
                   [parsed.document_id, parsed.number])
    else:
        rec = _one(con, f"SELECT * FROM {table.view} WHERE {table.id_column} = ?", [text])
    noun = table.name.rstrip("s").replace("_", " ")
    corrected = explained(con, text)
    if rec is None and corrected:
        return [f"{noun} {text} (no longer in the views)"] + corrected
    if rec is None:
        raise WarehouseError(f"No {noun} with id {text} in this warehouse; list ids with `minutes sql`.")
    doc = _one(con, "SELECT source_path, body, meeting_date FROM documents WHERE document_id = ?",
               [parsed.document_id])
    lines = [f"{'block of text' if table.name == 'blocks' else noun} {text}"]
    if doc:
        lines.append(f"  file:     {doc['source_path']}")
        lines.append(f"  meeting:  {doc['body'] or '?'} {doc['meeting_date'] or ''}".rstrip())
    lines.append(f"  page:     {rec.get('page')}")
    if rec.get("section_title"):
        lines.append(f"  section:  {rec['section_title']}")
    if "rule" in rec:
        lines.append(f"  rule:     {rec['rule']}")
    for field in _SHOWN:
        if rec.get(field) is not None and not (field == "text" and table.name == "blocks"):
            lines.append(f"  {field + ':':<10}{rec[field]}")
    lines += corrected
    lines += _followup_lines(con, rec)
    source = rec.get("source_text") or (rec.get("text") if table.name == "blocks" else None)
    if source:
        lines.append("  source:")
        lines.append("    " + str(source))
    return lines


def _followup_lines(con: duckdb.DuckDBPyConnection, rec: dict) -> list[str]:
    """For a follow-up, the assignment it reports on; for an assignment, the meetings that reported on it."""
    if rec.get("followup_id") and rec.get("assignment_id"):
        a = _one(con, "SELECT a.owner, a.task, d.body, d.meeting_date FROM assignments a JOIN documents d "
                      "USING (document_id) WHERE a.assignment_id = ?", [rec["assignment_id"]])
        if a:
            return [f"  reports on {rec['assignment_id']}: {a['owner'] or '?'}: {a['task']} "
                    f"(given by {a['body'] or '?'} {a['meeting_date'] or ''})".rstrip()]
    if rec.get("assignment_id") and not rec.get("followup_id"):
        cur = con.execute("SELECT f.followup_id, f.meeting_date, f.status, f.new_deadline FROM assignment_followups f "
                          "WHERE f.assignment_id = coalesce(?, ?) ORDER BY f.meeting_date, f.followup_id",
                          [rec.get("repeats_id"), rec["assignment_id"]])
        return [f"  reported: {d} {status}{f' (new date {new})' if new else ''} [{fid}]"
                for fid, d, status, new in cur.fetchall()]
    return []


def _explain_document(doc: dict) -> list[str]:
    lines = [f"document {doc['document_id']}", f"  file:     {doc['source_path']}"]
    for field in ("format", "page_count", "doc_type", "title", "body", "region", "meeting_date", "start_time",
                  "end_time", "place", "rules_version"):
        if doc.get(field) is not None:
            lines.append(f"  {field + ':':<10}{doc[field]}")
    return lines
