"""Follow-up questions: the life of a matter, and what became of a body's assignments.

`matter` follows one diarienummer across bodies and meetings: the utskott's förslag, the
styrelse's, fullmäktige's beslut, the assignments given and the reports back on them.
`followup_report` is what auditors ask of a body for a period: assignments given, done, in
progress, not started, never reported on and overdue; `report_workbook` writes it for Excel.
Like minutes.warehouse.queries, every function takes a read-only connection and compares text
through keys made by minutes.text.key.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

import duckdb

from minutes.core.enums import AssignmentStatus
from minutes.text import key

from .errors import WarehouseError
from .queries import _dicts

#: What the report counts per body, in its order; `never_reported` are the open ones.
COUNTS = ("given", "done", "in_progress", "not_started", "never_reported", "overdue")
#: The report's words for the auditors (the workbook and the web page are in Swedish).
SV = {"given": "Givna", "done": "Klara", "in_progress": "Pågår", "not_started": "Ej påbörjade",
      "never_reported": "Aldrig återrapporterade", "overdue": "Försenade"}
STATUS_SV = {"done": "klar", "in_progress": "pågår", "not_started": "ej påbörjad", "open": "ej återrapporterad"}


def case_numbers(con: duckdb.DuckDBPyConnection, case: str) -> list[str]:
    """The diarienummer that `case` names: itself, or those containing it ("2024/12" -> "KS 2024/12")."""
    k = key(case.removeprefix("Dnr").removeprefix("dnr").strip(" .:")) or ""
    if len(k) < 3:
        raise WarehouseError("Give a diarienummer such as \"KS 2025/112\".")
    exact = _dicts(con, "SELECT DISTINCT case_number FROM core.sections WHERE case_key = ? ORDER BY 1", [k])
    if exact:
        return [exact[0]["case_number"]]
    found = _dicts(con, "SELECT DISTINCT case_key, min(case_number) AS case_number FROM core.sections "
                        "WHERE contains(case_key, ?) GROUP BY ALL ORDER BY 2", [k])
    return [r["case_number"] for r in found]


def matter(con: duckdb.DuckDBPyConnection, case: str) -> tuple[str, list[dict]]:
    """The diarienummer `case` names, and everything the warehouse knows of it, meeting by meeting.

    One row per agenda item it was handled under (kind `item`), per decision there (its kind:
    `beslut`, `förslag`, ...), per assignment given there (`assignment`, with its status) and per
    follow-up reporting on one of those assignments (`followup`, wherever it was reported).
    Raises WarehouseError when no agenda item has the diarienummer, or several match.
    """
    found = case_numbers(con, case)
    if not found:
        raise WarehouseError(f"No agenda item has the diarienummer {case!r}; check it with "
                             "`minutes sql \"select distinct case_number from sections\"`.")
    if len(found) > 1:
        raise WarehouseError(f"{case!r} matches {', '.join(found[:6])}{' ...' if len(found) > 6 else ''}; "
                             "give the whole diarienummer.")
    return found[0], _dicts(con, """
        WITH items AS (
            SELECT s.section_id, s.document_id, s.number, s.title, s.ordinal FROM core.sections s
            WHERE s.case_key = $1),
        given AS (
            SELECT a.* FROM assignments a WHERE a.section_id IN (SELECT section_id FROM items)),
        reports AS (  -- reports back on those assignments, under this diarienummer or not
            SELECT f.*, s.number, s.title, s.ordinal FROM assignment_followups f
            LEFT JOIN core.sections s ON s.section_id = f.section_id
            WHERE f.assignment_id IN (SELECT assignment_id FROM given)),
        rows AS (
            SELECT i.document_id, i.number, i.title, i.ordinal, 0 AS part, 0 AS n, 'item' AS kind, i.title AS text,
                   NULL AS owner, NULL::DATE AS deadline, NULL AS status, i.section_id AS row_id, NULL::INTEGER AS page
            FROM items i
            UNION ALL
            SELECT c.document_id, i.number, i.title, i.ordinal, 1, c.ordinal, c.kind, c.text, NULL, NULL, NULL,
                   c.decision_id, c.page
            FROM core.decisions c JOIN items i USING (section_id)
            UNION ALL
            SELECT g.document_id, i.number, i.title, i.ordinal, 2, 0, 'assignment', g.task, g.owner, g.deadline,
                   g.status, g.assignment_id, g.page
            FROM given g JOIN items i USING (section_id)
            UNION ALL
            SELECT r.document_id, r.number, r.title, coalesce(r.ordinal, 0), 3, 0, 'followup', r.source_text, NULL,
                   r.new_deadline, r.status, r.followup_id, r.page
            FROM reports r)
        SELECT d.meeting_date, d.body, r.number AS paragraph, r.title, r.kind, r.text, r.owner, r.deadline, r.status,
               r.row_id AS id, r.document_id, d.file_name, r.page
        FROM rows r JOIN core.documents d USING (document_id)
        ORDER BY d.meeting_date NULLS LAST, r.document_id, r.ordinal, r.part, r.n, r.row_id""",
                  [key(found[0])])


@dataclass
class BodyReport:
    """One body's assignments of a period and their counts."""

    body: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    rows: list[dict] = field(default_factory=list)


_NAMED = """
    SELECT b.body_id, arg_max(d.body, (n, length(d.body))) AS body FROM (
        SELECT b.body_id, d.body, count(*) AS n FROM core.document_bodies b JOIN core.documents d USING (document_id)
        GROUP BY ALL) d JOIN core.document_bodies b USING (body_id) GROUP BY ALL"""


def body_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """One name per body (the one its documents use most), sorted the Swedish way: to choose a body by."""
    return [r["body"] for r in _dicts(con, f"SELECT DISTINCT body FROM ({_NAMED}) ORDER BY body COLLATE sv")]


def followup_report(con: duckdb.DuckDBPyConnection, body: str | None, date_from: dt.date | None,
                    date_to: dt.date | None, today: dt.date) -> list[BodyReport]:
    """Assignments given by a body (every body when None) at meetings in the period, with their status.

    A body is found by any way its name is written ("KSAU" finds the meetings written
    "Kommunstyrelsens arbetsutskott" too). An action-table row repeated at a later meeting is the
    earlier assignment, counted once. Overdue: not done, and its deadline (the new one, when a
    follow-up gave one) is before `today`.
    """
    body_key = key(body) if body else None
    rows = _dicts(con, f"""
        WITH named AS ({_NAMED}),
        chosen AS (
            SELECT DISTINCT b.body_id FROM core.document_bodies b JOIN core.documents d USING (document_id)
            WHERE $1 IS NULL OR contains(d.body_key, $1))
        SELECT coalesce(n.body, d.body, '(okänt organ)') AS body, d.meeting_date, a.owner, a.task, a.deadline,
               (SELECT arg_max(f.new_deadline, (f.meeting_date, f.followup_id)) FROM assignment_followups f
                WHERE f.assignment_id = coalesce(a.repeats_id, a.assignment_id) AND f.new_deadline IS NOT NULL)
                   AS new_deadline,
               a.status, a.status_date, sd.file_name AS status_file, a.status_document_id,
               (SELECT count(*) FROM assignment_followups f WHERE f.assignment_id = a.assignment_id) AS followups,
               d.file_name, a.page, a.assignment_id, a.document_id
        FROM assignments a JOIN core.documents d USING (document_id)
        LEFT JOIN core.document_bodies b USING (document_id)
        LEFT JOIN named n ON n.body_id = b.body_id
        LEFT JOIN core.documents sd ON sd.document_id = a.status_document_id
        WHERE a.repeats_id IS NULL
          AND ($1 IS NULL OR b.body_id IN (SELECT body_id FROM chosen))
          AND ($2 IS NULL OR d.meeting_date >= $2) AND ($3 IS NULL OR d.meeting_date <= $3)
        ORDER BY 1 COLLATE sv, d.meeting_date, a.assignment_id""", [body_key, date_from, date_to])
    if body_key and not rows and not _dicts(con, "SELECT 1 FROM core.documents WHERE contains(body_key, ?) LIMIT 1",
                                            [body_key]):
        raise WarehouseError(f"No meetings of a body named {body!r}; list the bodies with `minutes sql \"select "
                             "distinct body from documents\"`.")
    out: dict[str, BodyReport] = {}
    for r in rows:
        rep = out.setdefault(r["body"], BodyReport(r["body"]))
        due = r["new_deadline"] or r["deadline"]
        r["overdue"] = bool(due and due < today and r["status"] != AssignmentStatus.DONE)
        rep.rows.append(r)
        c = rep.counts
        c["given"] += 1
        c["never_reported" if r["status"] == AssignmentStatus.OPEN else r["status"]] += 1
        c["overdue"] += r["overdue"]
    return list(out.values())


def report_workbook(reports: list[BodyReport], period: str) -> bytes:
    """The report as an Excel workbook: a summary sheet per body and a sheet of every assignment (Swedish)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    summary = wb.active
    summary.title = "Sammanfattning"
    summary.append([f"Uppföljning av uppdrag, {period}"])
    summary["A1"].font = Font(bold=True, size=13)
    summary.append([])
    summary.append(["Organ"] + [SV[c] for c in COUNTS])
    for rep in reports:
        summary.append([rep.body] + [rep.counts[c] for c in COUNTS])
    detail = wb.create_sheet("Uppdrag")
    detail.append(["Organ", "Mötesdatum", "Ansvarig", "Uppdrag", "Senast", "Nytt datum", "Status",
                   "Återrapporterad", "Återrapporterad i", "Försenad", "Antal återrapporter", "Fil", "Sida", "Id"])
    for rep in reports:
        for r in rep.rows:
            detail.append([rep.body, r["meeting_date"], r["owner"], r["task"], r["deadline"], r["new_deadline"],
                           STATUS_SV[r["status"]], r["status_date"], r["status_file"], "ja" if r["overdue"] else "",
                           r["followups"], r["file_name"], r["page"], r["assignment_id"]])
    for sheet, widths in ((summary, [40] + [14] * len(COUNTS)),
                          (detail, [32, 12, 22, 70, 12, 12, 18, 14, 30, 9, 10, 30, 6, 20])):
        for i, width in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + i)].width = width
        header = 3 if sheet is summary else 1
        for cell in sheet[header]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = sheet.cell(row=header + 1, column=1)
    for row in detail.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
