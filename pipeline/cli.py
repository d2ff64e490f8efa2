"""The `minutes` command line: a thin click layer over pipeline, warehouse and rules."""
from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import logging
import os
import sys

import click

from warehouse import WarehouseError, connect

DEFAULT_DB = "minutes.duckdb"

db_option = click.option(
    "--db", "db", default=lambda: os.environ.get("MINUTES_DB", DEFAULT_DB), show_default=f"$MINUTES_DB or {DEFAULT_DB}",
    metavar="FILE", help="The warehouse file (DuckDB).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="minutes")
def main() -> None:
    """minutes: Swedish meeting minutes (PDF, Word, text, scans) into a DuckDB warehouse you can query.

    \b
    Start with:
      minutes import protokoll/ --db minutes.duckdb
      minutes sql "select body, meeting_date, text from decisions join documents using (document_id)"
    """


# --- import ---------------------------------------------------------------------------

@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@db_option
@click.option("-j", "--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Processes extracting files in parallel; one writer loads them.")
@click.option("--force", is_flag=True, help="Extract every file again, even when nothing changed.")
@click.option("--no-ocr", is_flag=True, help="Do not OCR scanned pages; files that need it are reported as failed.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar; only the summary.")
@click.option("--debug", is_flag=True, help="Show tracebacks for files that fail, and debug logging.")
def import_cmd(paths: tuple[str, ...], db: str, workers: int, force: bool, no_ocr: bool, quiet: bool,
               debug: bool) -> None:
    """Import files and folders (searched recursively) into the warehouse.

    PDF (born-digital or scanned), Word .docx, .txt and .md files are read; each file's
    real format is told from its content. Files already imported and unchanged are
    skipped; a changed file replaces its earlier rows. A file that cannot be read is
    logged as failed and the rest of the batch goes on; the exit code is 1 when any failed.

    \b
    Examples:
      minutes import protokoll/2024 protokoll/2025
      minutes import kallelse.pdf --db region.duckdb -j 2
    """
    from pipeline.importer import import_paths

    if debug:
        logging.basicConfig(level=logging.DEBUG)
    progress = None
    bar = None
    if not quiet and sys.stderr.isatty():
        bar = click.progressbar(length=1, label="Importing", file=sys.stderr, show_pos=True)
        bar.__enter__()

        def progress(done: int, total: int, path: str, status: str) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)
    try:
        summary = import_paths(paths, db, workers=workers, force=force, ocr=not no_ocr, progress=progress,
                               command="minutes import " + " ".join(sys.argv[2:]))
    except WarehouseError as e:
        raise click.ClickException(str(e))
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    c = summary.counts
    n = sum(c.values())
    click.echo(f"{n} file{'s' if n != 1 else ''} in {summary.seconds:.1f} s: {c['imported']} imported, "
               f"{c['replaced']} replaced, {c['unchanged']} unchanged, {c['failed']} failed")
    for path, error in summary.failures:
        click.echo(f"  failed: {path}\n          {error}", err=True)
        if debug and path in summary.debug:
            click.echo(summary.debug[path], err=True)
    t = summary.totals
    click.echo(f"Warehouse {db}: {t.get('documents', 0)} documents, {t.get('decisions', 0)} decisions, "
               f"{t.get('assignments', 0)} assignments, {t.get('attendees', 0)} attendees")
    if summary.failed:
        sys.exit(1)


# --- sql ------------------------------------------------------------------------------

@main.command("sql")
@click.argument("query")
@db_option
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format.")
@click.option("--max-width", default=60, show_default=True, type=int,
              help="Cut table cells longer than this (0: never); csv and json are never cut.")
def sql_cmd(query: str, db: str, fmt: str, max_width: int) -> None:
    """Run a read-only SQL query against the warehouse.

    The views documents, sections, attendees, decisions, assignments and imports are the
    public interface (see docs/warehouse-contract.md).

    \b
    Examples:
      minutes sql "select count(*) from decisions"
      minutes sql "select owner, task, deadline from assignments order by deadline" -f csv
    """
    from warehouse.query import run_readonly

    try:
        columns, rows = run_readonly(db, query)
    except WarehouseError as e:
        raise click.ClickException(str(e))
    click.echo(render(columns, rows, fmt, max_width), nl=False)


def _plain(v):
    if isinstance(v, (dt.date, dt.datetime, dt.time)):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return float(v)
    return v


def render(columns: list[str], rows: list[tuple], fmt: str, max_width: int = 60) -> str:
    """Rows as an aligned text table, CSV or JSON."""
    if fmt == "json":
        return json.dumps([{c: _plain(v) for c, v in zip(columns, r)} for r in rows], ensure_ascii=False,
                          indent=2, default=str) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        w.writerows([[_plain(v) for v in r] for r in rows])
        return buf.getvalue()
    cells = [[("" if v is None else str(_plain(v))).replace("\n", " ") for v in r] for r in rows]
    if max_width > 0:
        cells = [[c if len(c) <= max_width else c[:max_width - 1] + "…" for c in r] for r in cells]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


# --- explain --------------------------------------------------------------------------

@main.command("explain")
@click.argument("row_id")
@db_option
def explain_cmd(row_id: str, db: str) -> None:
    """Show why a decision, assignment or attendee row exists: file, page, rule and source text.

    \b
    Examples:
      minutes explain 3f2a9c1e7b55-D004
      minutes sql "select assignment_id, owner, task from assignments" ; minutes explain 3f2a9c1e7b55-A002
    """
    from warehouse.query import explain

    try:
        lines = explain(db, row_id)
    except WarehouseError as e:
        raise click.ClickException(str(e))
    click.echo("\n".join(lines))


if __name__ == "__main__":
    main()
