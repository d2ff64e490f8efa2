"""The questions staff and analysts ask most, as functions over a read-only connection.

Every function takes an open DuckDB connection (the CLI and the web site open it) and plain
arguments, passes user input to DuckDB as parameters (never pasted into SQL), compares text
through the `*_key` columns with keys made by minutes.text.key, and sorts names the Swedish
way (`COLLATE sv`). The web site reads the warehouse only through these functions.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from minutes.core.enums import DeadlineStatus
from minutes.text import key

from .errors import WarehouseError


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> tuple[list[str], list[tuple]]:
    cur = con.execute(sql, params)
    return [d[0] for d in cur.description], cur.fetchall()


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cols, rows = _rows(con, sql, params or [])
    return [dict(zip(cols, r)) for r in rows]


@dataclass(frozen=True)
class Due:
    """Where a deadline stands on a day: the status, and the days left when it is due later."""

    status: DeadlineStatus
    days: int | None = None

    def __str__(self) -> str:
        """English, for the CLI: 'overdue', 'due today', 'due in 3 days', 'no deadline'."""
        if self.status is DeadlineStatus.DUE:
            return f"due in {self.days} day{'s' if self.days != 1 else ''}"
        return self.status.value.replace("_", " ")


def deadline_status(deadline: dt.date | None, today: dt.date) -> Due:
    if deadline is None:
        return Due(DeadlineStatus.NO_DEADLINE)
    days = (deadline - today).days
    if days < 0:
        return Due(DeadlineStatus.OVERDUE)
    if days == 0:
        return Due(DeadlineStatus.DUE_TODAY)
    return Due(DeadlineStatus.DUE, days)


#: The order `assigned` ranks its hits in, and shows them in: newest meeting first, then the nearest deadline.
_NEWEST_FIRST = "d.meeting_date DESC NULLS LAST, s.deadline NULLS LAST, s.assignment_id"


def assigned(con: duckdb.DuckDBPyConnection, who: str, today: dt.date, open_only: bool = False,
             limit: int = 200) -> list[dict]:
    """Assignments to a person (full name, part of a name, initials) or a role, newest meeting first.

    Each with where its deadline stands on `today` (`due`) and what the latest follow-up reported
    (`status`: done, in_progress, not_started, open; `status_date`, `status_file`).
    """
    who_key = key(who) or ""
    if len(who_key) < 2:
        raise WarehouseError("Give at least two letters of a name, initials or a role.")
    cols, rows = _rows(con, f"""
        WITH people AS (  -- persons by a name, a spelling of it, or initials given or read from the name
            SELECT person_id FROM core.persons
            WHERE contains(' ' || name_key, ' ' || $1) OR initials_key = $1
               OR contains(' ' || variants_key, ' ' || $1) OR regexp_matches(name_key, $6)),
        holders AS (  -- attendees named by their role ("processtöd", "socialchefen") or initials ("AK")
            SELECT document_id, name_key FROM core.attendees
            WHERE role_key = $1 OR initials_key = $1
               OR (starts_with(role_key, $5) AND length(role_key) <= length($5) + 1)),
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
        SELECT s.assignment_id, s.document_id, s.owner, s.task, s.deadline, s.deadline_text, d.body,
               d.meeting_date, d.file_name, d.source_path, s.page, v.status, v.status_date, v.status_document_id,
               sd.file_name AS status_file
        FROM core.assignments s JOIN core.documents d USING (document_id)
        JOIN (SELECT DISTINCT assignment_id, status, status_date, status_document_id FROM assignments) v
            USING (assignment_id)
        LEFT JOIN core.documents sd ON sd.document_id = v.status_document_id
        WHERE s.rowid IN (SELECT r FROM shown)
        ORDER BY {_NEWEST_FIRST}""", [who_key, open_only, today, limit, _role_stem(who_key), _initials_pattern(who_key)])
    out = []
    for r in rows:
        rec = dict(zip(cols, r))
        rec["due"] = deadline_status(rec["deadline"], today)
        out.append(rec)
    return out


def _role_stem(who_key: str) -> str | None:
    """The stem a role is matched by when it is one word: "socialchefen" and "socialchef" both give "socialchef".

    A role matches when it starts with the stem and has at most one letter more ("ordförand" +
    "e"); several words, or a short word, give None and match no role this way.
    """
    if " " in who_key or len(who_key) < 5:
        return None
    from minutes.text.terms import stem

    return stem(who_key)


def _initials_pattern(who_key: str) -> str:
    """A regex for the names whose initials `who` may be: "hs" finds Helena Sjöberg and Helena Berg Svensson.

    The first letter starts the first name and the last the surname; letters between start names
    between (Jan-Erik Karlsson is "jek" or "jk"). Two to four letters only; else a regex that
    matches no name.
    """
    if not (2 <= len(who_key) <= 4 and who_key.isascii() and who_key.isalpha()):
        return "^$"
    first, *rest = who_key
    return f"^{first}[^ -]*" + "".join(f"(?:[ -][^ -]+)*[ -]{c}[^ -]*" for c in rest) + "$"


def decisions(con: duckdb.DuckDBPyConnection, *, region: str | None = None, body: str | None = None,
              year: int | None = None, kind: str | None = None, date_from: dt.date | None = None,
              date_to: dt.date | None = None, limit: int = 200) -> tuple[list[str], list[tuple]]:
    """Decisions with their meeting, § and diarienummer, newest first (the columns of the view decisions_full)."""
    return _rows(con, """
        SELECT d.meeting_date, d.body, d.region, s.number AS paragraph, s.case_number,
               c.section_title AS agenda_item, c.kind, c.text, d.file_name, c.page, c.decision_id, c.document_id
        FROM core.decisions c JOIN core.documents d USING (document_id) LEFT JOIN core.sections s USING (section_id)
        WHERE ($1 IS NULL OR contains(d.region_key, $1))
          AND ($2 IS NULL OR contains(d.body_key, $2))
          AND ($3 IS NULL OR year(d.meeting_date) = $3)
          AND ($4 IS NULL OR c.kind = $4)
          AND ($5 IS NULL OR d.meeting_date >= $5)
          AND ($6 IS NULL OR d.meeting_date <= $6)
        ORDER BY d.meeting_date DESC NULLS LAST, d.body COLLATE sv, c.ordinal
        LIMIT $7""", [key(region), key(body), year, kind, date_from, date_to, limit])


def decisions_per_year(con: duckdb.DuckDBPyConnection, region: str | None = None,
                       body: str | None = None) -> list[dict]:
    """Decisions per meeting year and region (or body where the region is unknown)."""
    return _dicts(con, """
        SELECT year(d.meeting_date) AS year, coalesce(d.region, d.body, '(okänd)') AS series, count(*) AS n
        FROM core.decisions c JOIN core.documents d USING (document_id)
        WHERE d.meeting_date IS NOT NULL
          AND ($1 IS NULL OR contains(d.region_key, $1))
          AND ($2 IS NULL OR contains(d.body_key, $2))
        GROUP BY ALL ORDER BY year, series""", [key(region), key(body)])


def people(con: duckdb.DuckDBPyConnection, name: str | None = None, limit: int = 500) -> tuple[list[str], list[tuple]]:
    """Persons with the meetings they attended and the assignments they were given."""
    cols, rows = _rows(con, """
        SELECT p.name, p.organisation, p.initials,
               (SELECT count(DISTINCT a.document_id) FROM core.attendee_persons ap
                  JOIN core.attendees a USING (attendee_id)
                 WHERE ap.person_id = p.person_id AND a.status IN ('present', 'substitute', 'adjunct'))
                 AS meetings,
               (SELECT count(*) FROM core.assignment_persons s WHERE s.person_id = p.person_id) AS assignments,
               p.variants AS also_written, p.person_id
        FROM core.persons p
        WHERE $1 IS NULL OR contains(p.name_key, $1) OR p.initials_key = $1
        ORDER BY p.name COLLATE sv, p.organisation COLLATE sv
        LIMIT $2""", [key(name), limit])
    at = cols.index("also_written")  # other spellings met in the documents
    rows = [r[:at] + (", ".join(v for v in (r[at] or []) if v != r[0]),) + r[at + 1:] for r in rows]
    return cols, rows


def person_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every person's name, sorted the Swedish way."""
    return [r["name"] for r in _dicts(con, "SELECT DISTINCT name FROM persons ORDER BY name COLLATE sv")]


def facets(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    """The bodies, regions and meeting years of the meetings there are, to filter by.

    A file the rules could not tell as minutes (doc_type 'other': a shopping list) names no
    body, whatever its title says.
    """
    rows = _dicts(con, """
        WITH meetings AS (SELECT * FROM documents WHERE doc_type <> 'other')
        SELECT 'body' AS f, body AS v FROM meetings WHERE body IS NOT NULL
        UNION SELECT 'region', region FROM meetings WHERE region IS NOT NULL
        UNION SELECT 'year', CAST(year(meeting_date) AS VARCHAR) FROM meetings WHERE meeting_date IS NOT NULL""")
    out: dict[str, list] = {"body": [], "region": [], "year": []}
    for r in rows:
        out[r["f"]].append(r["v"])
    for k in out:
        out[k].sort(reverse=(k == "year"))
    return out


def document(con: duckdb.DuckDBPyConnection, document_id: str) -> dict | None:
    """A document's facts and its rows, in document order; None when there is no such document."""
    docs = _dicts(con, "SELECT * FROM documents WHERE document_id = ?", [document_id])
    if not docs:
        return None
    return {
        "doc": docs[0],
        "attendees": _dicts(con, "SELECT * FROM attendees WHERE document_id = ? ORDER BY attendee_id", [document_id]),
        "decisions": _dicts(con, "SELECT * FROM decisions WHERE document_id = ? ORDER BY ordinal", [document_id]),
        "assignments": _dicts(con, "SELECT * FROM assignments WHERE document_id = ? ORDER BY assignment_id",
                              [document_id]),
        "followups": _dicts(con, """  -- the reports back it holds, on assignments of earlier meetings
            SELECT f.*, a.task, a.owner, a.document_id AS given_in, d.meeting_date AS given_date, d.body AS given_by
            FROM assignment_followups f JOIN core.assignments a USING (assignment_id)
            JOIN core.documents d ON d.document_id = a.document_id
            WHERE f.document_id = ? ORDER BY f.followup_id""", [document_id]),
    }


def stored_file(con: duckdb.DuckDBPyConnection, document_id: str) -> dict | None:
    """The path a document was imported from, the sha256 of its bytes then, and its detected format."""
    rows = _dicts(con, "SELECT source_path, sha256, format FROM documents WHERE document_id = ?", [document_id])
    return rows[0] if rows else None
