"""`minutes import`: files and folders into the warehouse, with progress and a summary."""
from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import time

import click

from minutes.core.settings import BATCH_PAGES, BATCH_SECONDS, Settings

from .base import db_option, main, settings


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@db_option
@click.option("-j", "--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Processes extracting files in parallel; one writer loads them.")
@click.option("--force", is_flag=True, help="Extract every file again, even when nothing changed.")
@click.option("--no-ocr", is_flag=True, help="Do not OCR scanned pages; files that need it are reported as failed.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar; only the summary.")
@click.option("--timeout", default=Settings.doc_timeout, show_default=True, type=click.FloatRange(0),
              envvar="MINUTES_DOC_TIMEOUT", show_envvar=True,
              help="Seconds one file may take before it is skipped as failed (0: no limit).")
@click.option("--ocr-dpi", default=Settings.ocr_dpi, show_default=True, type=click.IntRange(72, 600),
              envvar="MINUTES_OCR_DPI", show_envvar=True, help="Resolution scanned pages are read at.")
@click.option("--ocr-workers", type=click.IntRange(1), envvar="MINUTES_OCR_WORKERS", show_envvar=True,
              help="Scanned pages read at once (default: every core).")
@click.option("--tesseract", default=Settings.tesseract, show_default=True, envvar="MINUTES_TESSERACT",
              show_envvar=True, help="The Tesseract program.")
@click.option("--libreoffice", default=Settings.libreoffice, show_default=True, envvar="MINUTES_LIBREOFFICE",
              show_envvar=True, help="The LibreOffice program, which reads .doc, .rtf and .odt files.")
@click.option("--convert-timeout", default=Settings.convert_timeout, show_default=True, type=click.FloatRange(1),
              envvar="MINUTES_CONVERT_TIMEOUT", show_envvar=True,
              help="Seconds LibreOffice may take to convert one .doc, .rtf or .odt file.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where files are extracted: local processes (-j), or a Dask cluster (needs minutes[dask]).")
@click.option("--scheduler", metavar="URL", help="The Dask scheduler, e.g. tcp://host:8786; without it --engine dask "
                                                 "starts a local cluster of -j workers.")
@click.option("--scheduler-timeout", default=Settings.scheduler_timeout, show_default=True,
              type=click.FloatRange(0), envvar="MINUTES_SCHEDULER_TIMEOUT", show_envvar=True,
              help="Seconds to wait for the Dask scheduler to answer.")
@click.option("--out-parquet", "out_parquet", metavar="DIR", type=click.Path(file_okay=False),
              help="Also write the warehouse as Parquet partitioned by region and year into DIR (replaced whole).")
@click.option("--batch-size", default=Settings.batch_documents, show_default=True, type=click.IntRange(1),
              help=f"Most documents written in one transaction; a batch is also written after "
                   f"{BATCH_PAGES:,} pages or {BATCH_SECONDS:g} s.")
@click.option("--lake-data", metavar="DIR|s3://…", envvar="MINUTES_LAKE_DATA", show_envvar=True,
              help="Where a new lake (--db ducklake:…) keeps its Parquet data: a folder every worker sees, or "
                   "s3://bucket/prefix.")
@click.option("--doc-memory", default=Settings.doc_memory, show_default=True, type=click.IntRange(0),
              envvar="MINUTES_DOC_MEMORY", show_envvar=True, metavar="MB",
              help="Megabytes one file's extraction may add on --engine dask or into a lake before it is skipped "
                   "as failed (0: no limit).")
@click.option("--debug", is_flag=True, help="Show tracebacks for files that fail, and debug logging.")
def import_cmd(paths: tuple[str, ...], db: str, workers: int, force: bool, no_ocr: bool, timeout: float,
               ocr_dpi: int, ocr_workers: int | None, tesseract: str, libreoffice: str, convert_timeout: float,
               engine: str, scheduler: str | None, scheduler_timeout: float, out_parquet: str | None,
               batch_size: int, lake_data: str | None, doc_memory: int, quiet: bool, debug: bool) -> None:
    """Import files and folders (searched recursively) into the warehouse.

    PDF (born-digital or scanned), Word .docx, older .doc, .rtf and .odt (through
    LibreOffice), .txt and .md files are read; each file's real format is told from its
    content. Files already imported and unchanged are not read again; a changed file
    replaces its earlier rows. A file that cannot be read is logged as failed and the rest
    of the batch goes on; the exit code is 1 when any failed. Other files in the folders
    (spreadsheets, images) are logged as skipped, with the reason.

    \b
    Examples:
      minutes import protokoll/2024 protokoll/2025
      minutes import kallelse.pdf --db region.duckdb -j 2
      minutes import /mnt/arkiv --engine dask --scheduler tcp://10.0.0.5:8786 --out-parquet /mnt/export
      minutes import s3://arkiv/protokoll --db "ducklake:postgres:dbname=minutes host=db" \\
          --lake-data s3://lake/minutes --engine dask --scheduler tcp://10.0.0.5:8786
    """
    from minutes.pipeline.dask_engine import EngineError
    from minutes.pipeline.importer import NothingToImport, import_paths
    from minutes.warehouse import WarehouseError

    if debug:
        logging.basicConfig(level=logging.DEBUG)
    chosen = settings(doc_timeout=timeout, ocr_dpi=ocr_dpi, ocr_workers=ocr_workers, tesseract=tesseract,
                      libreoffice=libreoffice, convert_timeout=convert_timeout, batch_documents=batch_size,
                      scheduler_timeout=scheduler_timeout, lake_data=lake_data, doc_memory=doc_memory)
    bar = _LazyProgress(enabled=not quiet and sys.stderr.isatty())
    started = dt.datetime.now()
    try:
        summary = import_paths(paths, db, settings=chosen, workers=workers, force=force, ocr=not no_ocr,
                               engine=engine, scheduler=scheduler, out_parquet=out_parquet, progress=bar.update,
                               command="minutes import " + " ".join(sys.argv[2:]))
    except (WarehouseError, EngineError, NothingToImport) as e:
        raise click.ClickException(str(e))
    finally:
        bar.close()
    _report(summary, db, quiet, debug)
    _orphans(db, started)
    if summary.failed:
        sys.exit(1)


def _report(summary, db: str, quiet: bool, debug: bool) -> None:
    """The one-line result, the table per status, files skipped or without meeting facts, every failure with its
    sentence, and the warehouse's totals."""
    c = summary.counts
    n = sum(c.values())
    click.echo(f"{n} file{'s' if n != 1 else ''} in {summary.seconds:.1f} s: {c['imported']} imported, "
               f"{c['replaced']} replaced, {c['unchanged']} unchanged, {c['failed']} failed"
               + (f", {c['skipped']} skipped" if c["skipped"] else ""))
    if not quiet:
        _summary_table(summary)
    if summary.no_facts:
        k = len(summary.no_facts)
        click.echo(f"{k} file{'s' if k != 1 else ''} gave no meeting facts (no date, body, attendees, decisions or "
                   f"assignments): {_names(summary.no_facts)}")
    if summary.skipped:
        k = len(summary.skipped)
        click.echo(f"{k} file{'s' if k != 1 else ''} skipped, not documents minutes reads:")
        for path, reason in summary.skipped[:_LISTED]:
            click.echo(f"  skipped: {path}\n           {reason}")
        if len(summary.skipped) > _LISTED:
            click.echo(f"  … all of them: minutes sql \"select source_path, note from imports where status = "
                       f"'skipped'\" --db {db}")
    for path, error in summary.failures:
        click.echo(f"  failed: {path}\n          {error}", err=True)
        if debug and path in summary.debug:
            click.echo(summary.debug[path], err=True)
    for note in getattr(summary, "notes", ()):
        click.echo(f"  note: {note}", err=True)
    if getattr(summary, "worker_slots", 0) and summary.seconds:
        slots = summary.worker_slots * summary.seconds
        busy = summary.busy_seconds / slots
        click.echo(f"Workers: {summary.worker_slots}, busy {busy:.0%} of the run (writing "
                   f"{summary.write_seconds / slots:.0%}), idle {max(0.0, 1 - busy):.0%}: "
                   f"{summary.between_seconds / slots:.0%} between batches, the rest before the first and after the last")
    t = summary.totals
    click.echo(f"Warehouse {db}: {t.get('documents', 0)} documents, {t.get('decisions', 0)} decisions, "
               f"{t.get('assignments', 0)} assignments, {t.get('attendees', 0)} attendees")


#: Files named one by one in the summary; the import log holds all of them.
_LISTED = 10


def _names(paths: list[str]) -> str:
    """File names for a summary line: the first few, then how many more."""
    names = ", ".join(os.path.basename(p) for p in paths[:_LISTED])
    return names + (f" and {len(paths) - _LISTED} more" if len(paths) > _LISTED else "")


def _orphans(db: str, since: dt.datetime) -> None:
    """Say when a file imported again left people's corrections without their row."""
    from minutes.warehouse.corrections import listed

    from .base import reading

    with reading(db) as con:
        orphaned = listed(con, orphaned_only=True, since=since)
    if orphaned:
        n = len(orphaned)
        said = "1 correction no longer finds its row" if n == 1 else f"{n} corrections no longer find their rows"
        click.echo(f"{said} (the file changed); see `minutes corrections --orphaned`.", err=True)


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
