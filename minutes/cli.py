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
import time

import click

from minutes.pipeline.settings import BATCH_DOCUMENTS, BATCH_PAGES, BATCH_SECONDS, DEFAULT_TIMEOUT
from minutes.warehouse import WarehouseError, connect

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
@click.option("--timeout", default=DEFAULT_TIMEOUT, show_default=True, type=click.FloatRange(0),
              help="Seconds one file may take before it is skipped as failed (0: no limit; "
                   "env MINUTES_DOC_TIMEOUT sets the default).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where files are extracted: local processes (-j), or a Dask cluster (needs minutes[dask]).")
@click.option("--scheduler", metavar="URL", help="The Dask scheduler, e.g. tcp://host:8786; without it --engine dask "
                                                 "starts a local cluster of -j workers.")
@click.option("--out-parquet", "out_parquet", metavar="DIR", type=click.Path(file_okay=False),
              help="Also write the warehouse as Parquet partitioned by region and year into DIR (replaced whole).")
@click.option("--batch-size", default=BATCH_DOCUMENTS, show_default=True, type=click.IntRange(1),
              help=f"Most documents written in one transaction; a batch is also written after "
                   f"{BATCH_PAGES:,} pages or {BATCH_SECONDS:g} s.")
@click.option("--debug", is_flag=True, help="Show tracebacks for files that fail, and debug logging.")
def import_cmd(paths: tuple[str, ...], db: str, workers: int, force: bool, no_ocr: bool, timeout: float,
               engine: str, scheduler: str | None, out_parquet: str | None, batch_size: int, quiet: bool,
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
      minutes import /mnt/arkiv --engine dask --scheduler tcp://10.0.0.5:8786 --out-parquet /mnt/export
    """
    from minutes.pipeline.dask_engine import EngineError
    from minutes.pipeline.importer import import_paths

    if debug:
        logging.basicConfig(level=logging.DEBUG)
    bar = _LazyProgress(enabled=not quiet and sys.stderr.isatty())
    try:
        summary = import_paths(paths, db, workers=workers, force=force, ocr=not no_ocr, timeout=timeout,
                               engine=engine, scheduler=scheduler, out_parquet=out_parquet, batch_size=batch_size,
                               progress=bar.update,
                               command="minutes import " + " ".join(sys.argv[2:]))
    except (WarehouseError, EngineError) as e:
        raise click.ClickException(str(e))
    finally:
        bar.close()
    c = summary.counts
    n = sum(c.values())
    click.echo(f"{n} file{'s' if n != 1 else ''} in {summary.seconds:.1f} s: {c['imported']} imported, "
               f"{c['replaced']} replaced, {c['unchanged']} unchanged, {c['failed']} failed")
    if not quiet:
        _summary_table(summary)
    for path, error in summary.failures:
        click.echo(f"  failed: {path}\n          {error}", err=True)
        if debug and path in summary.debug:
            click.echo(summary.debug[path], err=True)
    t = summary.totals
    click.echo(f"Warehouse {db}: {t.get('documents', 0)} documents, {t.get('decisions', 0)} decisions, "
               f"{t.get('assignments', 0)} assignments, {t.get('attendees', 0)} attendees")
    if summary.failed:
        sys.exit(1)


class _LazyProgress:
    """A progress bar (rich, on stderr) that appears only once an import has run for a second."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.t0 = time.perf_counter()
        self.progress = None
        self.task = None

    def update(self, done: int, total: int, path: str, status: str) -> None:
        if not self.enabled or done >= total:
            return
        if self.progress is None:
            if time.perf_counter() - self.t0 < 1.0:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.progress = Progress(TextColumn("Importing"), BarColumn(), MofNCompleteColumn(),
                                     TimeRemainingColumn(), TextColumn("{task.description}"),
                                     console=Console(stderr=True), transient=True)
            self.progress.start()
            self.task = self.progress.add_task("", total=total)
        self.progress.update(self.task, completed=done, total=total, description=os.path.basename(path)[:40])

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _summary_table(summary) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Import {summary.run_id}", title_justify="left", show_edge=False)
    for col in ("status", "files", "pages", "seconds"):
        table.add_column(col, justify="left" if col == "status" else "right")
    for status, n in summary.counts.items():
        if n:
            table.add_row(status, str(n), str(summary.status_pages[status] or ""),
                          f"{summary.status_seconds[status]:.1f}")
    Console(file=sys.stdout, highlight=False, soft_wrap=True).print(table)


# --- sql ------------------------------------------------------------------------------

@main.command("sql")
@click.argument("query")
@db_option
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format.")
@click.option("--max-width", default=60, show_default=True, type=int,
              help="Cut table cells longer than this (0: never); csv and json are never cut.")
@click.option("--parquet", "parquet", metavar="DIR", type=click.Path(file_okay=False),
              help="Query a Parquet export (written by `minutes import --out-parquet DIR`) instead of --db.")
def sql_cmd(query: str, db: str, fmt: str, max_width: int, parquet: str | None) -> None:
    """Run a read-only SQL query against the warehouse.

    The views documents, sections, attendees, decisions, assignments and imports are the
    public interface (see docs/warehouse-contract.md).

    \b
    Examples:
      minutes sql "select count(*) from decisions"
      minutes sql "select owner, task, deadline from assignments order by deadline" -f csv
      minutes sql "select region, year, count(*) from decisions group by all" --parquet export/
    """
    from minutes.warehouse.query import run_readonly

    try:
        columns, rows = run_readonly(db, query, parquet=parquet)
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


# --- search, assigned, decisions, people, export ---------------------------------------

def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD.")


@main.command("search")
@click.argument("query")
@db_option
@click.option("--body", help="Only meetings of bodies whose name contains this (accents and case ignored).")
@click.option("--region", help="Only documents of regions whose name contains this.")
@click.option("--from", "date_from", metavar="YYYY-MM-DD", help="Only meetings on or after this date.")
@click.option("--to", "date_to", metavar="YYYY-MM-DD", help="Only meetings on or before this date.")
@click.option("--kind", help="decision, assignment or text; or a decision kind (beslut, ställningstagande, "
                             "förslag, summering).")
@click.option("-n", "--limit", default=20, show_default=True, help="At most this many hits.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format.")
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

    try:
        hits = search(db, query, body=body, region=region, date_from=_date(date_from), date_to=_date(date_to),
                      kind=kind, limit=limit)
    except WarehouseError as e:
        raise click.ClickException(str(e))
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
@click.option("--today", metavar="YYYY-MM-DD", help="Count deadlines from this day instead of today.")
@click.option("-n", "--limit", default=200, show_default=True, help="At most this many rows.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format.")
def assigned_cmd(who: str, db: str, open_only: bool, today: str | None, limit: int, fmt: str) -> None:
    """Every assignment to a person or role across all documents, newest meeting first.

    WHO is a full name, the start of a first or last name, initials, or a role
    ("processtöd", "ekonomichef"); case and accents do not matter.

    \b
    Examples:
      minutes assigned "Håkan Englund"
      minutes assigned englund --open
      minutes assigned processtöd --today 2024-09-01 -f csv
    """
    from minutes.warehouse.queries import assigned

    day = _date(today) or dt.date.today()
    try:
        found = assigned(db, who, day, open_only=open_only, limit=limit)
    except WarehouseError as e:
        raise click.ClickException(str(e))
    if not found and fmt == "table":
        click.echo(f"No assignments for {who!r}.")
        return
    cols = ["meeting_date", "body", "owner", "task", "deadline", "status", "file", "page", "id"]
    rows = [(r["meeting_date"], r["body"], r["owner"], r["task"], r["deadline"], r["status"], r["file_name"],
             r["page"], r["assignment_id"]) for r in found]
    click.echo(render(cols, rows, fmt, max_width=60), nl=False)


@main.command("decisions")
@db_option
@click.option("--region", help="Regions whose name contains this (accents and case ignored).")
@click.option("--body", help="Bodies whose name contains this.")
@click.option("--year", type=int, help="Meetings held this year.")
@click.option("--kind", type=click.Choice(["beslut", "ställningstagande", "förslag", "summering"]),
              help="Only this kind of decision.")
@click.option("--from", "date_from", metavar="YYYY-MM-DD", help="Meetings on or after this date.")
@click.option("--to", "date_to", metavar="YYYY-MM-DD", help="Meetings on or before this date.")
@click.option("-n", "--limit", default=200, show_default=True, help="At most this many rows.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format.")
def decisions_cmd(db: str, region, body, year, kind, date_from, date_to, limit: int, fmt: str) -> None:
    """Decisions with their meeting and agenda item, newest first.

    \b
    Examples:
      minutes decisions --region "Region Östergötland" --year 2024
      minutes decisions --body socialnämnden --kind beslut -f csv
    """
    from minutes.warehouse.queries import decisions

    try:
        cols, rows = decisions(db, region=region, body=body, year=year, kind=kind, date_from=_date(date_from),
                               date_to=_date(date_to), limit=limit)
    except WarehouseError as e:
        raise click.ClickException(str(e))
    click.echo(render(cols, rows, fmt, max_width=60), nl=False)


@main.command("people")
@click.argument("name", required=False)
@db_option
@click.option("-n", "--limit", default=500, show_default=True, help="At most this many rows.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format.")
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

    try:
        cols, rows = people(db, name, limit)
    except WarehouseError as e:
        raise click.ClickException(str(e))
    click.echo(render(cols, rows, fmt, max_width=50), nl=False)


@main.command("export")
@db_option
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "xlsx"]), default="csv", show_default=True,
              help="csv and parquet: one file per view; xlsx: one workbook with a sheet per view.")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False), help="Folder to write to.")
def export_cmd(db: str, fmt: str, out: str) -> None:
    """Write every view of the warehouse to files, for Excel or other tools.

    \b
    Examples:
      minutes export --format xlsx --out export/
      minutes export --format parquet --out /data/minutes-parquet
    """
    from pathlib import Path

    from minutes.warehouse.queries import export

    try:
        written = export(db, Path(out), fmt)
    except WarehouseError as e:
        raise click.ClickException(str(e))
    for p in written:
        click.echo(f"wrote {p}")


# --- explain --------------------------------------------------------------------------

@main.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default serves this computer only. Use 0.0.0.0 to serve the network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--today", metavar="YYYY-MM-DD", help="Count deadlines from this day instead of today.")
def serve_cmd(db: str, host: str, port: int, today: str | None) -> None:
    """Serve a small read-only web site over the warehouse: search, Uppdrag, Beslut, documents.

    Staff search decisions and assignments, list a person's tasks (with a CSV download), see
    decisions over time, and open each document and the original file at the right page. The
    site never writes to the warehouse and keeps working while an import runs.

    \b
    Examples:
      minutes serve
      minutes serve --db region.duckdb --port 8080
    """
    import uvicorn

    from minutes.web import create_app

    if not os.path.exists(db):
        raise click.ClickException(f"No warehouse at {db}; run `minutes import PATH --db {db}` first.")
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"Warning: serving on {host}: anyone who can reach this machine can read the warehouse.", err=True)
    click.echo(f"Serving {db} on http://{host}:{port}/ (Ctrl+C stops)")
    uvicorn.run(create_app(db, _date(today)), host=host, port=port, log_level="warning")


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
    from minutes.warehouse.query import explain

    try:
        lines = explain(db, row_id)
    except WarehouseError as e:
        raise click.ClickException(str(e))
    click.echo("\n".join(lines))


if __name__ == "__main__":
    main()
