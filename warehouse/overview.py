"""What a registrar looks at first, and what feeds follow: deadlines across bodies, latest meetings,
bodies, pages of tasks and decisions, a document's paragraphs, new decisions.

Like queries.py: each function takes a read-only connection and plain arguments, passes user
input as parameters and compares text through `*_key` columns. Only meeting documents count
(a file the rules could not tell as minutes, doc_type 'other', names no body).
"""
from __future__ import annotations

import datetime as dt

import duckdb

from minutes.text import key

from .queries import _dicts, deadline_status

#: Documents that are meetings: a file that is not (a shopping list) names no body and no meeting.
MEETINGS = "d.doc_type <> 'other'"

#: How the lists can be sorted: the name in the URL -> ORDER BY.
TASK_ORDERS = {
    "senast": "s.deadline NULLS LAST, d.meeting_date DESC, s.assignment_id",
    "mote": "d.meeting_date DESC NULLS LAST, s.deadline NULLS LAST, s.assignment_id",
    "organ": "d.body COLLATE sv NULLS LAST, s.deadline NULLS LAST, s.assignment_id",
    "ansvarig": "s.owner COLLATE sv NULLS LAST, s.deadline NULLS LAST, s.assignment_id",
}
DECISION_ORDERS = {
    "nyast": "d.meeting_date DESC NULLS LAST, d.body COLLATE sv, c.ordinal",
    "aldst": "d.meeting_date NULLS LAST, d.body COLLATE sv, c.ordinal",
    "organ": "d.body COLLATE sv NULLS LAST, d.meeting_date DESC, c.ordinal",
    "slag": "c.kind, d.meeting_date DESC NULLS LAST, c.ordinal",
}


def _with_due(rows: list[dict], today: dt.date) -> list[dict]:
    for r in rows:
        r["due"] = deadline_status(r["deadline"], today)
    return rows


_TASK_COLUMNS = """s.assignment_id, s.document_id, s.owner, s.task, s.deadline, s.deadline_text, d.body,
                   d.meeting_date, d.file_name, s.page, coalesce(v.status, 'open') AS status, v.status_date,
                   v.status_document_id"""
#: Tasks with their meeting and what later meetings reported (the status of the assignments view).
_TASKS = """core.assignments s JOIN core.documents d USING (document_id)
            LEFT JOIN (SELECT DISTINCT assignment_id, status, status_date, status_document_id FROM assignments) v
            USING (assignment_id)"""
#: Still to be done: a task a later meeting reported done is not overdue, and not due.
_NOT_DONE = "coalesce(v.status, 'open') <> 'done'"


def due_tasks(con: duckdb.DuckDBPyConnection, today: dt.date, days: int = 14, limit: int = 10) -> dict[str, list]:
    """Tasks across all bodies whose deadline has passed (latest first) or falls within `days` (nearest first)."""
    late = _dicts(con, f"""
        SELECT {_TASK_COLUMNS} FROM {_TASKS}
        WHERE s.deadline < $1 AND {_NOT_DONE} ORDER BY s.deadline DESC, s.assignment_id LIMIT $2""", [today, limit])
    soon = _dicts(con, f"""
        SELECT {_TASK_COLUMNS} FROM {_TASKS}
        WHERE s.deadline BETWEEN $1 AND $2 AND {_NOT_DONE} ORDER BY s.deadline, s.assignment_id LIMIT $3""",
                  [today, today + dt.timedelta(days=days), limit])
    counts = con.execute(f"SELECT count(*) FILTER (WHERE deadline < $1), count(*) FILTER (WHERE deadline BETWEEN $1 "
                         f"AND $2) FROM {_TASKS} WHERE {_NOT_DONE}",
                         [today, today + dt.timedelta(days=days)]).fetchone()
    return {"late": _with_due(late, today), "soon": _with_due(soon, today), "late_total": counts[0],
            "soon_total": counts[1]}


def latest_meetings(con: duckdb.DuckDBPyConnection, limit: int = 8, body: str | None = None) -> list[dict]:
    """The most recent meetings, with how many decisions and tasks each gave."""
    return _dicts(con, f"""
        SELECT d.document_id, d.body, d.meeting_date, d.title, d.doc_type,
               (SELECT count(*) FROM core.decisions c WHERE c.document_id = d.document_id) AS decisions,
               (SELECT count(*) FROM core.assignments s WHERE s.document_id = d.document_id) AS assignments
        FROM core.documents d
        WHERE {MEETINGS} AND ($1 IS NULL OR d.body_key = $1)
        ORDER BY d.meeting_date DESC NULLS LAST, d.body COLLATE sv LIMIT $2""", [key(body), limit])


def bodies(con: duckdb.DuckDBPyConnection, today: dt.date) -> list[dict]:
    """Every body with its meetings, decisions, open and overdue tasks, and its latest meeting."""
    return _dicts(con, f"""
        SELECT d.body, count(DISTINCT d.document_id) AS meetings, max(d.meeting_date) AS latest,
               (SELECT count(*) FROM core.decisions c JOIN core.documents e USING (document_id)
                 WHERE e.body_key = any_value(d.body_key)) AS decisions,
               (SELECT count(*) FROM core.assignments s JOIN core.documents e USING (document_id)
                 WHERE e.body_key = any_value(d.body_key) AND s.deadline < $1
                   AND s.assignment_id NOT IN (SELECT assignment_id FROM assignments WHERE status = 'done')) AS overdue
        FROM core.documents d WHERE {MEETINGS} AND d.body IS NOT NULL
        GROUP BY d.body ORDER BY d.body COLLATE sv""", [today])


def tasks(con: duckdb.DuckDBPyConnection, today: dt.date, *, body: str | None = None, late: bool | None = None,
          order: str = "senast", offset: int = 0, limit: int = 50) -> tuple[list[dict], int]:
    """One page of every task (optionally one body's, only overdue or only under way), and how many there are.

    A task a later meeting reported done is neither overdue nor under way."""
    where = f"""($1 IS NULL OR d.body_key = $1)
               AND ($2 IS NULL OR {_NOT_DONE} AND (($2 AND s.deadline < $3)
                                                   OR (NOT $2 AND (s.deadline IS NULL OR s.deadline >= $3))))"""
    params = [key(body), late, today]
    total = con.execute(f"SELECT count(*) FROM {_TASKS} WHERE {where}", params).fetchone()[0]
    rows = _dicts(con, f"""
        SELECT {_TASK_COLUMNS} FROM {_TASKS}
        WHERE {where} ORDER BY {TASK_ORDERS[order]} LIMIT $4 OFFSET $5""", params + [limit, offset])
    return _with_due(rows, today), total


_DECISION_FILTER = """($1 IS NULL OR contains(d.region_key, $1)) AND ($2 IS NULL OR contains(d.body_key, $2))
                      AND ($3 IS NULL OR year(d.meeting_date) = $3) AND ($4 IS NULL OR c.kind = $4)
                      AND ($5 IS NULL OR x.case_number = $5)"""


def decision_page(con: duckdb.DuckDBPyConnection, *, region: str | None = None, body: str | None = None,
                  year: int | None = None, kind: str | None = None, case_number: str | None = None,
                  order: str = "nyast", offset: int = 0, limit: int = 50) -> tuple[list[dict], int]:
    """One page of decisions with their meeting, paragraph and diarienummer, and how many match."""
    params = [key(region), key(body), year, kind, case_number and " ".join(case_number.split())]
    total = con.execute(f"SELECT count(*) FROM core.decisions c JOIN core.documents d USING (document_id) "
                        f"LEFT JOIN core.sections x ON x.section_id = c.section_id WHERE {_DECISION_FILTER}",
                        params).fetchone()[0]
    rows = _dicts(con, f"""
        SELECT d.meeting_date, d.body, d.region, c.section_title AS agenda_item, x.number AS paragraph,
               x.case_number, c.kind, c.text, d.file_name, c.page, c.decision_id, c.document_id
        FROM core.decisions c JOIN core.documents d USING (document_id)
        LEFT JOIN core.sections x ON x.section_id = c.section_id
        WHERE {_DECISION_FILTER} ORDER BY {DECISION_ORDERS[order]} LIMIT $6 OFFSET $7""",
                  params + [limit, offset])
    return rows, total


def paragraphs(con: duckdb.DuckDBPyConnection, document_id: str) -> dict:
    """A document's paragraphs (§ number, diarienummer), its decisions in document order, its justerare
    and who took part in only some paragraphs."""
    sections = _dicts(con, "SELECT section_id, number, title, case_number, level, page, ordinal FROM core.sections "
                           "WHERE document_id = ? ORDER BY ordinal", [document_id])
    decisions = _dicts(con, """
        SELECT c.*, x.number AS paragraph, x.case_number FROM decisions c
        LEFT JOIN core.sections x ON x.section_id = c.section_id
        WHERE c.document_id = ? ORDER BY x.ordinal NULLS FIRST, c.ordinal""", [document_id])
    assignments = _dicts(con, """
        SELECT s.*, x.number AS paragraph, x.case_number, r.file_name AS status_file FROM assignments s
        LEFT JOIN core.sections x ON x.section_id = s.section_id
        LEFT JOIN core.documents r ON r.document_id = s.status_document_id
        WHERE s.document_id = ? ORDER BY x.ordinal NULLS FIRST, s.assignment_id""", [document_id])
    partial = _dicts(con, "SELECT name, party, status, from_paragraph, to_paragraph, except_paragraphs, replaces, "
                          "source_text FROM paragraph_attendance WHERE document_id = ? ORDER BY name COLLATE sv",
                     [document_id])
    justerare = [r["name"] for r in _dicts(con, "SELECT name FROM core.attendees WHERE document_id = ? AND "
                                                 "role_key IN ('justerare', 'justerande') ORDER BY attendee_id",
                                            [document_id])]
    return {"sections": sections, "decisions": decisions, "assignments": assignments, "partial": partial,
            "justerare": justerare}


def deadlines(con: duckdb.DuckDBPyConnection, *, body: str | None = None,
              assignment_ids: list[str] | None = None) -> list[dict]:
    """Tasks with a deadline, for a calendar: all, one body's, or the given ones (a person's)."""
    return _dicts(con, f"""
        SELECT {_TASK_COLUMNS}, d.imported_at FROM {_TASKS}
        WHERE s.deadline IS NOT NULL AND ($1 IS NULL OR d.body_key = $1)
          AND ($2 IS NULL OR s.assignment_id IN (SELECT unnest($2)))
        ORDER BY s.deadline, s.assignment_id""", [key(body), assignment_ids])


def new_decisions(con: duckdb.DuckDBPyConnection, *, body: str | None = None, case_number: str | None = None,
                  decision_ids: list[str] | None = None, limit: int = 50) -> list[dict]:
    """The latest imported decisions of a body, a matter (diarienummer) or the given ones (a search's)."""
    return _dicts(con, """
        SELECT c.decision_id, c.document_id, c.text, c.kind, c.page, c.section_title, x.number AS paragraph,
               x.case_number, d.body, d.meeting_date, d.file_name, d.imported_at
        FROM core.decisions c JOIN core.documents d USING (document_id)
        LEFT JOIN core.sections x ON x.section_id = c.section_id
        WHERE ($1 IS NULL OR d.body_key = $1)
          AND ($2 IS NULL OR x.case_number = $2)
          AND ($3 IS NULL OR c.decision_id IN (SELECT unnest($3)))
        ORDER BY d.imported_at DESC, d.meeting_date DESC NULLS LAST, c.decision_id LIMIT $4""",
                  [key(body), case_number and " ".join(case_number.split()), decision_ids, limit])
