"""`minutes case` and `minutes followup`: a matter across meetings, and what became of a body's assignments."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from .base import db_option, format_option, main, parse_date, reading
from .output import clean, render


@main.command("case")
@click.argument("case")
@db_option
@format_option
def case_cmd(case: str, db: str, fmt: str) -> None:
    """The life of a matter: every meeting that handled a diarienummer, in date order.

    For each agenda item with the diarienummer: its decisions (an utskott's förslag, the
    styrelse's, fullmäktige's beslut), the assignments it gave with their status, and the
    follow-ups that reported back on them (also under other agenda items). CASE is the whole
    diarienummer or a unique part of it; case and spaces as written do not matter.

    \b
    Examples:
      minutes case "KS 2025/112"
      minutes case 2025/112 -f csv
    """
    from minutes.warehouse.reports import matter

    with reading(db) as con:
        number, rows = matter(con, case)
    cols = ["meeting_date", "body", "paragraph", "kind", "text", "owner", "deadline", "status", "file", "page", "id"]
    out = [(r["meeting_date"], r["body"], r["paragraph"], r["kind"], r["text"], r["owner"], r["deadline"],
            r["status"], r["file_name"], r["page"], r["id"]) for r in rows]
    if fmt == "table":
        meetings = len({(r["document_id"]) for r in rows})
        bodies = sorted({r["body"] for r in rows if r["body"]})
        click.echo(clean(f"{number}: {meetings} meeting{'s' if meetings != 1 else ''} ({', '.join(bodies)})"))
    click.echo(render(cols, out, fmt, max_width=60), nl=False)


@main.command("followup")
@db_option
@click.option("--body", help="Only this body (any way its name is written: KSAU also finds "
                             "\"Kommunstyrelsens arbetsutskott\"); default every body.")
@click.option("--from", "date_from", metavar="YYYY-MM-DD", help="Assignments given at meetings on or after this date.")
@click.option("--to", "date_to", metavar="YYYY-MM-DD", help="Assignments given at meetings on or before this date.")
@click.option("--today", metavar="YYYY-MM-DD", help="Count overdue assignments from this day instead of today.")
@click.option("--xlsx", "xlsx", metavar="FILE", type=click.Path(dir_okay=False),
              help="Also write the report as an Excel workbook for the auditors.")
@format_option
def followup_cmd(db: str, body: str | None, date_from: str | None, date_to: str | None, today: str | None,
                 xlsx: str | None, fmt: str) -> None:
    """What became of the assignments a body gave in a period: done, in progress, not started, never reported on.

    The verkställighet of decisions, as auditors ask for it: per body, the assignments given at
    its meetings in the period, how many are done, in progress, not started, never reported on
    and overdue, then every assignment with its status, where it was last reported and its
    (new) deadline. An action-table row repeated at later meetings is one assignment.

    \b
    Examples:
      minutes followup --body KSAU --from 2024-01-01
      minutes followup --body socialnämnden --from 2024-01-01 --to 2024-12-31 --xlsx uppfoljning.xlsx
      minutes followup -f csv > uppdrag.csv
    """
    from minutes.warehouse.reports import COUNTS, followup_report, report_workbook

    start, end = parse_date(date_from), parse_date(date_to)
    with reading(db) as con:
        reports = followup_report(con, body, start, end, parse_date(today) or dt.date.today())
    rows = [(rep.body, r["meeting_date"], r["owner"], r["task"], r["deadline"], r["new_deadline"], r["status"],
             r["status_date"], r["status_file"], r["overdue"], r["assignment_id"]) for rep in reports for r in rep.rows]
    cols = ["body", "meeting_date", "owner", "task", "deadline", "new_deadline", "status", "reported", "reported_in",
            "overdue", "id"]
    if fmt == "table":
        summary = [(rep.body, *(rep.counts[c] for c in COUNTS)) for rep in reports]
        click.echo(render(["body", *COUNTS], summary, fmt, max_width=50))
    click.echo(render(cols, rows, fmt, max_width=50), nl=False)
    if xlsx:
        period = f"{start or 'början'} – {end or 'i dag'}"
        Path(xlsx).write_bytes(report_workbook(reports, period))
        click.echo(f"wrote {xlsx}", err=fmt != "table")
