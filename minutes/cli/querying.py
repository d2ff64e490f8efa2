"""The read-only commands: sql, search, assigned, decisions, people, export and explain."""
from __future__ import annotations

import datetime as dt

import click

from minutes.core.enums import DecisionKind, SearchKind, values
from minutes.core.tables import public_views

from .base import db_option, format_option, main, parse_date, query_limit_options, reading, settings
from .output import clean, render


@main.command("sql")
@click.argument("query")
@db_option
@format_option
@click.option("--max-width", default=60, show_default=True, type=int,
              help="Cut table cells longer than this (0: never); csv and json are never cut.")
@click.option("--parquet", "parquet", metavar="DIR",
              help="Query a Parquet export (`minutes export --format parquet` or `minutes import --out-parquet`) "
                   "instead of --db.")
@query_limit_options
def sql_cmd(query: str, db: str, fmt: str, max_width: int, parquet: str | None, query_timeout: float,
            query_memory: str, query_temp: str) -> None:
    """Run a read-only SQL query against the warehouse.

    The public interface is the views {views} (see docs/warehouse-contract.md).

    Only queries run (SELECT, EXPLAIN), each within a time and memory limit, with a temp
    folder of its own that is removed afterwards.

    \b
    Examples:
      minutes sql "select count(*) from decisions"
      minutes sql "select owner, task, deadline from assignments order by deadline" -f csv
      minutes sql "select region, year, count(*) from decisions group by all" --parquet export/
    """
    from minutes.warehouse import WarehouseError
    from minutes.warehouse.limits import QueryLimits
    from minutes.warehouse.query import run_readonly

    chosen = settings(query_timeout=query_timeout, query_memory=query_memory, query_temp=query_temp)
    try:
        results = run_readonly(db, query, parquet=parquet, limits=QueryLimits.of(chosen), settings=chosen)
    except WarehouseError as e:
        raise click.ClickException(str(e))
    if len(results) > 1 and fmt != "table":
        raise click.ClickException(f"-f {fmt} prints one result; give one statement, or use the table format.")
    click.echo("\n".join(render(columns, rows, fmt, max_width) for columns, rows in results), nl=False)


sql_cmd.help = sql_cmd.help.replace("{views}", ", ".join(public_views()))

_SEARCH_KINDS = values(SearchKind) + values(DecisionKind)
#: `--kind` of `decisions` means what it means in `search`: "decision" is any decision, else one kind of decision.
_DECISION_KINDS = (SearchKind.DECISION.value,) + values(DecisionKind)


@main.command("search")
@click.argument("query")
@db_option
@click.option("--body", help="Only meetings of bodies whose name contains this (accents and case ignored).")
@click.option("--region", help="Only documents of regions whose name contains this.")
@click.option("--from", "date_from", metavar="DATE", help="Only meetings on or after this date (2025-03-15, "
                                                           "15/3, 15 mars 2025).")
@click.option("--to", "date_to", metavar="DATE", help="Only meetings on or before this date.")
@click.option("--kind", type=click.Choice(_SEARCH_KINDS, case_sensitive=False),
              help="What to find: a decision (of any kind, or of one), an assignment or text.")
@click.option("-n", "--limit", default=20, show_default=True, help="At most this many hits.")
@format_option
def search_cmd(query: str, db: str, body, region, date_from, date_to, kind, limit: int, fmt: str) -> None:
    """Search decisions, assignments and the documents' text, best hits first.

    Case, accents and word forms do not matter: "ansökan" also finds "ansökningarna",
    "remittentstöd" also finds an OCR'd "remittentstod". Every word must occur in a hit.

    \b
    Examples:
      minutes search "remittentstöd"
      minutes search "budget i balans" --body kommunstyrelsen --from 2025-01-01
      minutes search ansökan --kind assignment --region "Region Östergötland"
    """
    from minutes.warehouse.search import search

    with reading(db) as con:
        hits = search(con, query, body=body, region=region, date_from=parse_date(date_from),
                      date_to=parse_date(date_to), kind=kind, limit=limit)
    if not hits and fmt == "table":
        click.echo(f"No hits for {query!r}.")
        return
    cols = ["kind", "meeting_date", "body", "text", "detail", "file", "page", "id"]
    rows = [(h.kind, h.meeting_date, h.body, h.text, h.detail, h.file_name, h.page, h.row_id) for h in hits]
    click.echo(render(cols, rows, fmt, max_width=70), nl=False)


@main.command("assigned")
@click.argument("who")
@db_option
@click.option("--open", "open_only", is_flag=True, help="Hide assignments whose deadline has passed.")
@click.option("--today", metavar="DATE", help="Count deadlines from this day instead of today (2025-03-15, 15/3, "
                                            "15 mars 2025).")
@click.option("-n", "--limit", default=200, show_default=True, help="At most this many rows.")
@format_option
def assigned_cmd(who: str, db: str, open_only: bool, today: str | None, limit: int, fmt: str) -> None:
    """Every assignment to a person or role across all documents, newest meeting first.

    WHO is a full name, the start of a first or last name, initials, or a role
    ("processtöd", "socialchefen"); case and accents do not matter. `status` is where the
    deadline stands; `progress` what later meetings of the same body reported (done,
    in_progress, not_started, or open when none did) and `reported` the date of that meeting.

    \b
    Examples:
      minutes assigned "Helena Sjöberg"
      minutes assigned sjöberg --open
      minutes assigned HS
      minutes assigned socialchefen --today 1/3/2025 -f csv
    """
    from minutes.warehouse.queries import assigned

    day = parse_date(today) or dt.date.today()
    with reading(db) as con:
        found = assigned(con, who, day, open_only=open_only, limit=limit)
        hidden = len(assigned(con, who, day, limit=limit)) if open_only and not found else 0
    if not found and fmt == "table":
        if hidden:
            click.echo(f"No open assignments for {who!r}: {hidden} {'is' if hidden == 1 else 'are'} past "
                       f"{'its' if hidden == 1 else 'their'} deadline (leave out --open to see them).")
        else:
            click.echo(f"No assignments for {who!r}.")
        return
    cols = ["meeting_date", "body", "owner", "task", "deadline", "status", "progress", "reported", "file", "page",
            "id"]
    rows = [(r["meeting_date"], r["body"], r["owner"], r["task"], r["deadline"], str(r["due"]), r["status"],
             r["status_date"], r["file_name"], r["page"], r["assignment_id"]) for r in found]
    click.echo(render(cols, rows, fmt, max_width=60), nl=False)


@main.command("decisions")
@db_option
@click.option("--region", help="Regions whose name contains this (accents and case ignored).")
@click.option("--body", help="Bodies whose name contains this.")
@click.option("--year", type=int, help="Meetings held this year.")
@click.option("--kind", type=click.Choice(_DECISION_KINDS, case_sensitive=False),
              help="Only this kind of decision (decision: any, as in `minutes search`).")
@click.option("--from", "date_from", metavar="DATE", help="Meetings on or after this date (2025-03-15, 15/3, "
                                                           "15 mars 2025).")
@click.option("--to", "date_to", metavar="DATE", help="Meetings on or before this date.")
@click.option("-n", "--limit", default=200, show_default=True, help="At most this many rows.")
@format_option
def decisions_cmd(db: str, region, body, year, kind, date_from, date_to, limit: int, fmt: str) -> None:
    """Decisions with their meeting (date, body, region), § and diarienummer, newest first.

    \b
    Examples:
      minutes decisions --region sydöstra --year 2024
      minutes decisions --body socialnämnden --kind beslut -f csv
      minutes decisions --from "1 januari 2025" --to 31/3/2025
    """
    from minutes.warehouse.queries import decisions

    with reading(db) as con:
        cols, rows = decisions(con, region=region, body=body, year=year,
                               kind=None if kind in (None, SearchKind.DECISION) else kind.lower(),
                               date_from=parse_date(date_from), date_to=parse_date(date_to), limit=limit)
    click.echo(render(cols, rows, fmt, max_width=60), nl=False)


@main.command("people")
@click.argument("name", required=False)
@db_option
@click.option("-n", "--limit", default=500, show_default=True, help="At most this many rows.")
@format_option
def people_cmd(name: str | None, db: str, limit: int, fmt: str) -> None:
    """People across documents, with the meetings they attended and their assignments.

    Spelling variants and initials of one person within an organisation are merged
    (Annica/Annika Öhrn); two people who share a surname never are. NAME filters the list.

    \b
    Examples:
      minutes people
      minutes people öhrn
    """
    from minutes.warehouse.queries import people

    with reading(db) as con:
        cols, rows = people(con, name, limit)
    click.echo(render(cols, rows, fmt, max_width=50), nl=False)


@main.command("export")
@db_option
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "xlsx"], case_sensitive=False), default="csv",
              show_default=True, help="xlsx: one workbook, a sheet per view; csv: a file per view; parquet: a folder "
                                      "per view, split by region and year (replaces --out whole).")
@click.option("--excel", is_flag=True, help="CSV for Swedish Excel: semicolons, a byte-order mark, Swedish headings.")
@click.option("--out", "out", required=True, metavar="DIR", help="Folder to write to.")
def export_cmd(db: str, fmt: str, excel: bool, out: str) -> None:
    """Write every view of the warehouse to files, for Excel or other tools.

    The workbook and `--excel` CSV have Swedish headings, dates as dates and times as times;
    a text starting with = + - or @ stays text (it is not run as a formula). Parquet is the
    layout `minutes sql --parquet` and `minutes import --out-parquet` use
    (docs/exports.md).

    \b
    Examples:
      minutes export --format xlsx --out export/
      minutes export --format csv --excel --out export/
      minutes export --format parquet --out /data/minutes-parquet
    """
    from minutes.warehouse import WarehouseError
    from minutes.warehouse.export import export

    if excel and fmt.lower() != "csv":
        raise click.UsageError("--excel is for --format csv (the workbook is made for Excel already).")
    with reading(db) as con:
        try:
            written, notes = export(con, out, fmt.lower(), excel=excel)
        except WarehouseError as e:
            raise click.ClickException(str(e))
    for p in written:
        click.echo(f"wrote {p}")
    for note in notes:
        click.echo(note, err=True)


@main.command("explain")
@click.argument("row_id")
@db_option
def explain_cmd(row_id: str, db: str) -> None:
    """Show why a row exists: file, page, rule and source text.

    ROW_ID is any id a command or page prints: a decision, assignment, attendee, section or
    formal-protocol row (3f2a9c1e7b55-D004), a block of text from `minutes search`
    (3f2a9c1e7b55-B0012), a document or a person (3f2a9c1e7b55).

    \b
    Examples:
      minutes explain 3f2a9c1e7b55-D004
      minutes sql "select assignment_id, owner, task from assignments" ; minutes explain 3f2a9c1e7b55-A002
    """
    from minutes.warehouse.query import explain

    with reading(db) as con:
        lines = explain(con, row_id)
    click.echo(clean("\n".join(lines)))
