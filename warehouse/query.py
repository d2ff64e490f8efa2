"""Read-only access to the warehouse: SQL for analysts and `explain` for one row."""
from __future__ import annotations

import re

import duckdb

from .store import WarehouseError, connect, lock_down


def sandboxed(db: str) -> duckdb.DuckDBPyConnection:
    """A read-only connection that cannot touch any other file, attach databases or load extensions.

    Analysts' SQL runs here: DuckDB's own switches (no external access, configuration locked)
    refuse COPY ... TO, ATTACH, INSTALL/LOAD and read_csv('/etc/passwd'), whatever the query says.
    """
    return lock_down(connect(db, read_only=True))


def run_readonly(db: str, query: str, params: list | None = None, parquet: str | None = None
                 ) -> tuple[list[str], list[tuple]]:
    """Run one query in the sandbox, on the warehouse or on a Parquet export; returns (column names, rows)."""
    if parquet:
        from .parquet import parquet_connection
        con = parquet_connection(parquet)
    else:
        con = sandboxed(db)
    try:
        cur = con.execute(query, params or [])
        if cur.description is None:
            return [], []
        return [d[0] for d in cur.description], cur.fetchall()
    except duckdb.PermissionException as e:
        raise WarehouseError("minutes sql only reads the warehouse; it cannot read or write other files, "
                             "attach databases or load extensions (use `minutes export` for files).") from e
    except duckdb.Error as e:
        first = str(e).splitlines()[0]
        if "read-only" in first or "read_only" in first or "lock_configuration" in first or \
                "Cannot change configuration" in first:
            raise WarehouseError("minutes sql only reads the warehouse; write to it with `minutes import`, "
                                 "or copy rows out with `minutes export`.") from e
        raise WarehouseError(f"The query failed: {first}") from e
    finally:
        con.close()


_TABLE_OF = {"D": "decisions", "A": "assignments", "P": "attendees", "S": "sections", "M": "motions", "V": "votes",
             "R": "reservations", "J": "recusals"}


def explain(db: str, row_id: str) -> list[str]:
    """Lines describing where a row came from: the file, page, rule, and source text."""
    m = re.fullmatch(r"([0-9a-f]{12})-([DAPSMVRJ])(\d+)", row_id.strip())
    if not m:
        raise WarehouseError(f"{row_id!r} is not a row id; ids look like 3f2a9c1e7b55-D004 (D decision, "
                             "A assignment, P attendee, S section, M yrkande, V vote, R reservation, J jäv).")
    table = _TABLE_OF[m.group(2)]
    key = table[:-1] + "_id"
    con = connect(db, read_only=True)
    try:
        cur = con.execute(f"SELECT * FROM {table} WHERE {key} = ?", [row_id.strip()])
        cols = [d[0] for d in cur.description]
        row = cur.fetchone()
        if row is None:
            raise WarehouseError(f"No {table[:-1]} with id {row_id} in {db}; list ids with `minutes sql`.")
        rec = dict(zip(cols, row))
        doc = con.execute("SELECT source_path, body, meeting_date FROM documents WHERE document_id = ?",
                          [rec["document_id"]]).fetchone()
    finally:
        con.close()
    lines = [f"{table[:-1]} {row_id}"]
    if doc:
        lines.append(f"  file:     {doc[0]}")
        lines.append(f"  meeting:  {doc[1] or '?'} {doc[2] or ''}".rstrip())
    lines.append(f"  page:     {rec.get('page')}")
    if rec.get("section_title"):
        lines.append(f"  section:  {rec['section_title']}")
    if "rule" in rec:
        lines.append(f"  rule:     {rec['rule']}")
    for field in ("text", "owner", "owner_kind", "task", "deadline", "deadline_text", "deadline_precision", "name",
                  "role", "organisation", "status", "title", "mover", "party", "outcome", "method", "yes_count",
                  "no_count", "abstain_count", "finding", "flag", "reason", "paragraph"):
        if rec.get(field) is not None:
            lines.append(f"  {field + ':':<10}{rec[field]}")
    if rec.get("source_text"):
        lines.append("  source:")
        lines.append("    " + str(rec["source_text"]))
    return lines
