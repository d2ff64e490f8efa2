"""The questions staff and analysts ask most, as functions over a read-only warehouse.

Every function takes the warehouse path and plain arguments, passes user input to DuckDB
as parameters (never pasted into SQL), and sorts names the Swedish way (`COLLATE sv`).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from minutes.rules.text import fold

from .store import WarehouseError, connect


def contains_folded(column: str, param: str) -> str:
    """SQL that is true when `column` contains the text bound to `param` (`?` or `$1`), case and
    accents ignored and % _ taken literally: how every text filter matches what a user typed."""
    return f"contains(lower(strip_accents({column})), lower(strip_accents({param})))"


def _rows(con, sql: str, params: list) -> tuple[list[str], list[tuple]]:
    cur = con.execute(sql, params)
    return [d[0] for d in cur.description], cur.fetchall()


def deadline_status(deadline: dt.date | None, today: dt.date) -> str:
    """'overdue', 'due today', 'due in N days', or 'no deadline'."""
    if deadline is None:
        return "no deadline"
    days = (deadline - today).days
    if days < 0:
        return "overdue"
    if days == 0:
        return "due today"
    return f"due in {days} day{'s' if days != 1 else ''}"


#: The order `assigned` ranks its hits in, and shows them in: newest meeting first, then the nearest deadline.
_NEWEST_FIRST = "d.meeting_date DESC NULLS LAST, s.deadline NULLS LAST, s.assignment_id"


def assigned(db: str, who: str, today: dt.date, open_only: bool = False, limit: int = 200) -> list[dict]:
    """Assignments to a person (full name, part of a name, initials) or a role, newest meeting first."""
    key = fold(who).strip()
    if len(key) < 2:
        raise WarehouseError("Give at least two letters of a name, initials or a role.")
    con = connect(db, read_only=True)
    try:
        cols, rows = _rows(con, f"""
            WITH people AS (
                SELECT person_id FROM core.persons
                WHERE contains(' ' || lower(strip_accents(name)), ' ' || $1)
                   OR lower(initials) = $1
                   OR contains(' ' || lower(strip_accents(array_to_string(variants, ' | '))), ' ' || $1)),
            holders AS (  -- attendees named by their role ("processtöd") or initials ("AK")
                SELECT document_id, lower(strip_accents(name)) AS name_key FROM core.attendees
                WHERE lower(strip_accents(role)) = $1 OR lower(initials) = $1),
            hits AS (  -- found first, by the row's place in the table (rowid), so only these are read
                SELECT rowid AS r FROM core.assignments  -- a name, or words of it from their start
                WHERE starts_with(owner_key, $1) OR contains(owner_key, ' ' || $1)
                UNION
                SELECT s.rowid FROM core.assignments s
                WHERE s.assignment_id IN (SELECT assignment_id FROM core.assignment_persons
                                          WHERE person_id IN (SELECT person_id FROM people))
                UNION
                SELECT s.rowid FROM core.assignments s
                JOIN holders h ON s.document_id = h.document_id AND s.owner_key = h.name_key),
            shown AS (  -- ranked on narrow columns; the task texts are read for these rows alone
                SELECT s.rowid AS r FROM core.assignments s JOIN core.documents d USING (document_id)
                WHERE s.rowid IN (SELECT r FROM hits) AND ($2 = false OR s.deadline IS NULL OR s.deadline >= $3)
                ORDER BY {_NEWEST_FIRST}
                LIMIT $4)
            SELECT s.assignment_id, s.owner, s.task, s.deadline, s.deadline_text, d.body, d.meeting_date,
                   d.file_name, d.source_path, s.page
            FROM core.assignments s JOIN core.documents d USING (document_id)
            WHERE s.rowid IN (SELECT r FROM shown)
            ORDER BY {_NEWEST_FIRST}""", [key, open_only, today, limit])
    finally:
        con.close()
    out = []
    for r in rows:
        rec = dict(zip(cols, r))
        rec["status"] = deadline_status(rec["deadline"], today)
        out.append(rec)
    return out


def decisions(db: str, *, region: str | None = None, body: str | None = None, year: int | None = None,
              kind: str | None = None, date_from: dt.date | None = None, date_to: dt.date | None = None,
              limit: int = 200) -> tuple[list[str], list[tuple]]:
    """Decisions with their meeting and agenda item, newest first."""
    con = connect(db, read_only=True)
    try:
        return _rows(con, f"""
            SELECT d.meeting_date, d.body, d.region, c.section_title AS agenda_item, c.kind, c.text,
                   d.file_name, c.page, c.decision_id
            FROM core.decisions c JOIN core.documents d USING (document_id)
            WHERE ($1 IS NULL OR {contains_folded("d.region", "$1")})
              AND ($2 IS NULL OR {contains_folded("d.body", "$2")})
              AND ($3 IS NULL OR year(d.meeting_date) = $3)
              AND ($4 IS NULL OR c.kind = $4)
              AND ($5 IS NULL OR d.meeting_date >= $5)
              AND ($6 IS NULL OR d.meeting_date <= $6)
            ORDER BY d.meeting_date DESC NULLS LAST, d.body COLLATE sv, c.ordinal
            LIMIT $7""", [region, body, year, kind, date_from, date_to, limit])
    finally:
        con.close()


def people(db: str, name: str | None = None, limit: int = 500) -> tuple[list[str], list[tuple]]:
    """Persons with the meetings they attended and the assignments they were given."""
    con = connect(db, read_only=True)
    try:
        cols, rows = _rows(con, f"""
            SELECT p.name, p.organisation, p.initials,
                   (SELECT count(DISTINCT a.document_id) FROM core.attendee_persons ap
                      JOIN core.attendees a USING (attendee_id)
                     WHERE ap.person_id = p.person_id AND a.status IN ('present', 'substitute', 'adjunct'))
                     AS meetings,
                   (SELECT count(*) FROM core.assignment_persons s WHERE s.person_id = p.person_id) AS assignments,
                   p.variants AS also_written, p.person_id
            FROM core.persons p
            WHERE $1 IS NULL OR {contains_folded("p.name", "$1")}
               OR lower(p.initials) = lower($1)
            ORDER BY p.name COLLATE sv, p.organisation COLLATE sv
            LIMIT $2""", [name, limit])
    finally:
        con.close()
    at = cols.index("also_written")  # other spellings met in the documents
    rows = [r[:at] + (", ".join(v for v in (r[at] or []) if v != r[0]),) + r[at + 1:] for r in rows]
    return cols, rows


#: The views `minutes export` writes, in order.
EXPORT_VIEWS = ("documents", "sections", "attendees", "decisions", "assignments", "persons", "imports",
                "decisions_per_region_year", "assignments_by_owner", "attendance_per_person")


def export(db: str, out: Path, fmt: str) -> list[Path]:
    """Write every public view to `out` as CSV or Parquet files, or one Excel workbook (a sheet per view)."""
    out.mkdir(parents=True, exist_ok=True)
    con = connect(db, read_only=True)
    written: list[Path] = []
    try:
        if fmt in ("csv", "parquet"):
            for view in EXPORT_VIEWS:
                target = out / f"{view}.{fmt}"
                options = "(HEADER, DELIMITER ',')" if fmt == "csv" else "(FORMAT PARQUET)"
                con.execute(f"COPY (SELECT * FROM {view}) TO '{sql_path(target)}' {options}")
                written.append(target)
        elif fmt == "xlsx":
            import pandas as pd

            target = out / "minutes.xlsx"
            with pd.ExcelWriter(target, engine="openpyxl") as xl:
                for view in EXPORT_VIEWS:
                    frame = con.execute(f"SELECT * FROM {view} LIMIT 1048575").df()
                    for col in frame.columns:  # Excel knows no time zones or lists
                        if frame[col].map(lambda v: isinstance(v, (list, tuple))).any():
                            frame[col] = frame[col].map(lambda v: ", ".join(map(str, v)) if v is not None else v)
                    frame.to_excel(xl, sheet_name=view[:31], index=False)
            written.append(target)
        else:
            raise WarehouseError(f"Unknown export format {fmt!r}; use csv, parquet or xlsx.")
    finally:
        con.close()
    return written


def sql_path(p: Path) -> str:
    """A path as the inside of a SQL string literal (DuckDB's COPY takes no parameter for it)."""
    return str(p.resolve()).replace("'", "''")
