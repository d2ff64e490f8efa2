"""Corrections: a person fixes a wrong extraction (an owner, a deadline, a decision's text, an
attendee's status) or marks a row wrong, and the fix outlives re-imports.

A correction is stored in core.corrections keyed on the document's source path and the row's
content key (`row_key`, see core/ids.content_key), and applied to the row itself, so every
view, query, search and export shows the corrected value. Each time a document is written
again (`Warehouse.write_batch`) its corrections are applied anew, in the order they were
made; one whose row is gone (the file changed) is marked orphaned and reported.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Callable

import duckdb

from minutes.core import ids
from minutes.core.enums import AttendeeStatus, DecisionKind, values
from minutes.core.tables import BY_NAME

from .errors import WarehouseError


def _text(value: str) -> str:
    value = " ".join(value.split())
    if not value or len(value) > 2000:
        raise ValueError("write between 1 and 2,000 characters")
    return value


def _date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise ValueError("write a date as YYYY-MM-DD") from None


def _one_of(choices: tuple[str, ...]) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value.strip() not in choices:
            raise ValueError("use one of " + ", ".join(choices))
        return value.strip()
    return check


#: What can be corrected: table -> field -> the check that turns the text a person typed into the value.
CORRECTABLE: dict[str, dict[str, Callable[[str], str]]] = {
    "assignments": {"owner": _text, "task": _text, "deadline": _date},
    "decisions": {"text": _text, "kind": _one_of(values(DecisionKind))},
    "attendees": {"status": _one_of(values(AttendeeStatus)), "role": _text, "name": _text},
}


def _row(con: duckdb.DuckDBPyConnection, row_id: str) -> tuple[ids.RowId, dict]:
    parsed = ids.parse(row_id)
    if parsed is None or parsed.table.name not in CORRECTABLE:
        raise WarehouseError(f"{row_id!r} is not the id of a row that can be corrected; corrections take "
                             "decisions (-D), assignments (-A) and attendees (-P), e.g. 3f2a9c1e7b55-A002.")
    cur = con.execute(f"SELECT t.*, d.source_path FROM core.{parsed.table.name} t JOIN core.documents d "
                      f"USING (document_id) WHERE t.{parsed.table.id_column} = ?", [row_id.strip()])
    found = cur.fetchone()
    if found is None:
        raise WarehouseError(f"No row with id {row_id} in this warehouse; list ids with `minutes sql`, "
                             "or see the document's page.")
    return parsed, dict(zip([d[0] for d in cur.description], found))


def check(table: str, changes: dict[str, str]) -> dict[str, str]:
    """The changes with their values checked; raises WarehouseError saying what to write instead."""
    allowed = CORRECTABLE[table]
    out = {}
    for field, value in changes.items():
        if field not in allowed:
            raise WarehouseError(f"{field!r} cannot be corrected on {table}; correct one of "
                                 f"{', '.join(allowed)}.")
        try:
            out[field] = allowed[field](value)
        except ValueError as e:
            raise WarehouseError(f"{value!r} is not a valid {field}: {e}.") from None
    return out


def correct(wh, row_id: str, changes: dict[str, str], *, wrong: bool = False, note: str | None = None,
            author: str) -> list[dict]:
    """Record a person's correction of one row (or mark it wrong) and apply it; returns what was stored.

    `wh` is the writable Warehouse. Persons are linked again afterwards, as after an import.
    """
    con = wh.con
    parsed, row = _row(con, row_id)
    table = parsed.table.name
    if not changes and not wrong:
        raise WarehouseError("Say what to correct (field=value) or mark the row wrong (--wrong).")
    checked = {f: v for f, v in check(table, changes).items() if v != _as_text(row.get(f))}
    if not checked and not wrong:
        raise WarehouseError("Nothing to change: the values given are the ones already stored.")
    now = dt.datetime.now()
    stored = []
    for field, value in ([(None, None)] if wrong else checked.items()):
        first = con.execute("SELECT original FROM core.corrections WHERE source_path = ? AND table_name = ? AND "
                            "row_key = ? AND field = ? ORDER BY created_at LIMIT 1",
                            [row["source_path"], table, row["row_key"], field]).fetchone()
        original = first[0] if first else (None if field is None else _as_text(row.get(field)))
        stored.append({"correction_id": uuid.uuid4().hex[:12], "source_path": row["source_path"],
                       "table_name": table, "row_key": row["row_key"], "row_id": row_id.strip(), "field": field,
                       "value": value, "original": original, "note": (note or "").strip() or None,
                       "author": author, "created_at": now, "status": "applied", "checked_at": now})
    con.begin()
    try:
        wh.insert_rows("corrections", stored)
        apply(wh, [row["source_path"]])
        con.commit()
    except Exception:
        con.rollback()
        wh.term_ids = None  # terms numbered in the rolled-back transaction are gone
        raise
    from .persons import rebuild
    rebuild(wh)
    return stored


def _as_text(value) -> str | None:
    return None if value is None else (value.isoformat() if isinstance(value, dt.date) else str(value))


def apply(wh, source_paths: list[str]) -> list[dict]:
    """Apply the corrections of these documents to their rows, oldest first; returns the orphaned ones.

    Runs inside the caller's transaction (the batch that wrote the documents).
    """
    con = wh.con
    cur = con.execute("SELECT * FROM core.corrections WHERE source_path IN (SELECT unnest(?)) "
                      "ORDER BY created_at, correction_id", [list(source_paths)])
    names = [d[0] for d in cur.description]
    orphans = []
    now = dt.datetime.now()
    for c in (dict(zip(names, r)) for r in cur.fetchall()):
        table = BY_NAME[c["table_name"]]
        found = con.execute(f"SELECT t.{table.id_column} FROM core.{table.name} t JOIN core.documents d "
                            f"USING (document_id) WHERE d.source_path = ? AND t.row_key = ?",
                            [c["source_path"], c["row_key"]]).fetchone()
        if found is None:
            orphans.append(c)
            con.execute("UPDATE core.corrections SET status = 'orphaned', checked_at = ? WHERE correction_id = ?",
                        [now, c["correction_id"]])
            continue
        _change(wh, table, found[0], c["field"], c["value"])
        con.execute("UPDATE core.corrections SET status = 'applied', row_id = ?, checked_at = ? "
                    "WHERE correction_id = ?", [found[0], now, c["correction_id"]])
    return orphans


def _change(wh, table, row_id: str, field: str | None, value: str | None) -> None:
    """Set one field of a row (its key column and search terms too), or remove a row marked wrong."""
    from .search import insert_postings, postings
    from .rows import key_of

    con = wh.con
    con.execute("DELETE FROM core.postings WHERE row_id = ?", [row_id])
    if field is None:
        for link in ("attendee_persons", "assignment_persons"):
            if link.startswith(table.name[:-1]):
                con.execute(f"DELETE FROM core.{link} WHERE {table.id_column} = ?", [row_id])
        con.execute(f"DELETE FROM core.{table.name} WHERE {table.id_column} = ?", [row_id])
        return
    sets, params = [f'"{field}" = ?'], [value]
    for key_column, source in table.keys:
        if source == field:
            sets.append(f"{key_column} = ?")
            params.append(key_of(value))
    con.execute(f"UPDATE core.{table.name} SET {', '.join(sets)} WHERE {table.id_column} = ?", params + [row_id])
    if table.name in ("decisions", "assignments"):
        cur = con.execute(f"SELECT * FROM core.{table.name} WHERE {table.id_column} = ?", [row_id])
        row = dict(zip([d[0] for d in cur.description], cur.fetchone()))
        insert_postings(wh, postings({table.name: [row]}))


def _has_corrections(con: duckdb.DuckDBPyConnection) -> bool:
    """A warehouse of schema 5 or older, read without being upgraded, has no corrections table."""
    return bool(con.execute("SELECT 1 FROM duckdb_tables() WHERE schema_name = 'core' AND "
                            "table_name = 'corrections'").fetchone())


def for_document(con: duckdb.DuckDBPyConnection, document_id: str) -> dict[str, list[dict]]:
    """The corrections of a document's rows, by row id (orphaned ones under '')."""
    if not _has_corrections(con):
        return {}
    cur = con.execute("SELECT c.* FROM core.corrections c JOIN core.documents d USING (source_path) "
                      "WHERE d.document_id = ? ORDER BY c.created_at, c.correction_id", [document_id])
    names = [d[0] for d in cur.description]
    out: dict[str, list[dict]] = {}
    for c in (dict(zip(names, r)) for r in cur.fetchall()):
        out.setdefault(c["row_id"] if c["status"] == "applied" else "", []).append(c)
    return out


def listed(con: duckdb.DuckDBPyConnection, orphaned_only: bool = False) -> list[dict]:
    """Every correction, newest first; or only the orphaned ones."""
    cur = con.execute("SELECT correction_id, status, row_id, table_name, field, original, value, author, created_at, "
                      "note, source_path FROM core.corrections WHERE (NOT $1 OR status = 'orphaned') "
                      "ORDER BY created_at DESC, correction_id", [orphaned_only])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def explained(con: duckdb.DuckDBPyConnection, row_id: str) -> list[str]:
    """Lines for `minutes explain`: who corrected this row, when, from what to what, and why."""
    lines: list[str] = []
    if not _has_corrections(con):
        return lines
    for c in con.execute("SELECT field, original, value, author, created_at, note, status FROM core.corrections "
                         "WHERE row_id = ? ORDER BY created_at", [row_id]).fetchall():
        field, original, value, author, at, note, status = c
        what = "marked wrong" if field is None else f"{field}: {original or '–'} -> {value}"
        gone = " [orphaned: the row is gone]" if status == "orphaned" else ""
        lines.append(f"  corrected {what} by {author} at {at:%Y-%m-%d %H:%M}" + (f" ({note})" if note else "") + gone)
    return lines
