"""`minutes correct` and `minutes corrections`: fix a wrong extraction, and see every fix made."""
from __future__ import annotations

import getpass

import click

from .base import db_option, format_option, main, settings
from .output import render


@main.command("correct")
@click.argument("row_id")
@click.argument("changes", nargs=-1, metavar="FIELD=VALUE...")
@db_option
@click.option("--wrong", is_flag=True, help="Mark the row wrong: it leaves every view, and stays explained.")
@click.option("--note", help="Why: shown with the correction in `minutes explain` and on the web page.")
@click.option("--by", "author", default=None, help="Who corrects (default: your user name).")
def correct_cmd(row_id: str, changes: tuple[str, ...], db: str, wrong: bool, note: str | None,
                author: str | None) -> None:
    """Correct a row the rules got wrong, or mark it wrong.

    ROW_ID is an assignment (-A), decision (-D) or attendee (-P) id, as pages and commands
    print it. Assignments take owner, task and deadline (YYYY-MM-DD); decisions text and kind;
    attendees status (present, absent, adjunct, substitute), role and name. A correction
    is applied again whenever the file is re-imported, changed or not; one whose row is gone
    is reported by `minutes import` and `minutes corrections --orphaned`.

    \b
    Examples:
      minutes correct 3f2a9c1e7b55-A002 owner="Anna Berg" deadline=2025-05-30 --note "Fel person i protokollet"
      minutes correct 3f2a9c1e7b55-P004 status=absent
      minutes correct 3f2a9c1e7b55-D007 --wrong --note "Rubrik, inget beslut"
    """
    from minutes.warehouse import Warehouse, WarehouseError
    from minutes.warehouse.corrections import correct

    parsed = {}
    for change in changes:
        field, sep, value = change.partition("=")
        if not sep or not field.strip():
            raise click.BadParameter(f"{change!r} is not FIELD=VALUE; write e.g. deadline=2025-05-30.")
        parsed[field.strip()] = value
    if wrong and parsed:
        raise click.BadParameter("Either correct fields or mark the row --wrong, not both.")
    try:
        with Warehouse(db, lock_wait=settings().lock_wait) as wh:
            stored = correct(wh, row_id, parsed, wrong=wrong, note=note, author=author or getpass.getuser())
    except WarehouseError as e:
        raise click.ClickException(str(e))
    for c in stored:
        what = "marked wrong" if c["field"] is None else f"{c['field']}: {c['original'] or '–'} -> {c['value']}"
        click.echo(f"{c['row_id']} {what} (correction {c['correction_id']})")


@main.command("corrections")
@db_option
@click.option("--orphaned", is_flag=True, help="Only corrections whose row is gone after a re-import.")
@format_option
def corrections_cmd(db: str, orphaned: bool, fmt: str) -> None:
    """Every correction people made, newest first, with its status (applied or orphaned).

    An orphaned correction's row was not found when its file was imported again (the text it
    was keyed on changed); make it again on the new row, or leave it as a record.
    """
    from minutes.warehouse.corrections import listed

    from .base import reading

    with reading(db) as con:
        rows = listed(con, orphaned)
    if not rows and fmt == "table":
        click.echo("No orphaned corrections." if orphaned else "No corrections.")
        return
    cols = list(rows[0]) if rows else []
    click.echo(render(cols, [tuple(r.values()) for r in rows], fmt, max_width=50), nl=False)
