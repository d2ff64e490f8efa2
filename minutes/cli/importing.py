"""`minutes import`: files and folders into the warehouse, with progress and a summary."""
from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import sys
import time

import click

from minutes.core.settings import BATCH_PAGES, BATCH_SECONDS, Settings

from .base import db_option, main, settings

log = logging.getLogger(__name__)


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
@click.option("--doc-memory", default=Settings.doc_memory, show_default=True, type=click.IntRange(0),
              envvar="MINUTES_DOC_MEMORY", show_envvar=True, metavar="MB",
              help="Megabytes reading one file may add to the process reading it before the file is skipped as "
                   "failed, on every engine (0: no limit).")
@click.option("--follow-links", is_flag=True, envvar="MINUTES_FOLLOW_LINKS", show_envvar=True,
              help="Also read links that lead out of the folders being imported (skipped as failed otherwise).")
@click.option("--ocr-dpi", default=Settings.ocr_dpi, show_default=True, type=click.IntRange(72, 600),
              envvar="MINUTES_OCR_DPI", show_envvar=True, help="Resolution scanned pages are read at.")
@click.option("--ocr-workers", type=click.IntRange(1), envvar="MINUTES_OCR_WORKERS", show_envvar=True,
              help="Scanned pages read at once (default: every core).")
@click.option("--ocr-max-megapixels", default=Settings.ocr_max_megapixels, show_default=True,
              type=click.IntRange(1), envvar="MINUTES_OCR_MAX_MEGAPIXELS", show_envvar=True,
              help="The largest page image rendered for OCR; a larger page is read at a lower resolution, down to "
                   "150 dpi, or skipped.")
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
@click.option("--service/--no-service", default=True, show_default=True, envvar="MINUTES_IMPORT_SERVICE",
              show_envvar=True, help="Hand the import to the import service, a background process that keeps the rules "
                   "loaded (started when none runs); --no-service imports in this process.")
@click.option("--service-idle", default=Settings.service_idle, show_default=True, type=click.FloatRange(1),
              envvar="MINUTES_SERVICE_IDLE", show_envvar=True, metavar="S",
              help="Seconds a service started by this command waits for the next import before it exits.")
@click.option("--debug", is_flag=True, help="Show tracebacks for files that fail, and debug logging.")
def import_cmd(paths: tuple[str, ...], db: str, workers: int, force: bool, no_ocr: bool, timeout: float,
               doc_memory: int, follow_links: bool, ocr_dpi: int, ocr_workers: int | None, ocr_max_megapixels: int,
               tesseract: str, libreoffice: str, convert_timeout: float, engine: str, scheduler: str | None,
               scheduler_timeout: float, out_parquet: str | None, batch_size: int, lake_data: str | None,
               service: bool, service_idle: float, quiet: bool, debug: bool) -> None:
    """Import files and folders (searched recursively) into the warehouse.

    PDF (born-digital or scanned), Word .docx, older .doc, .rtf and .odt (through
    LibreOffice), .txt and .md files are read; each file's real format is told from its
    content. Files already imported and unchanged are not read again; a changed file
    replaces its earlier rows. A file that cannot be read is logged as failed and the rest
    of the batch goes on; the exit code is 1 when any failed. Other files in the folders
    (spreadsheets, images) are logged as skipped, with the reason.
    Each file is read in a worker process under a time limit (--timeout) and a memory
    limit (--doc-memory); a file that broke one is not tried again until it changes.
    A file whose bytes are already stored (under any name) is logged as a copy, not read.

    The work is done by the import service, a background process that keeps Python, DuckDB
    and the rules loaded between commands; the first command starts it, and it exits after
    --service-idle seconds without work. --no-service (or MINUTES_IMPORT_SERVICE=0) imports
    in this process instead.

    \b
    Examples:
      minutes import protokoll/2024 protokoll/2025
      minutes import kallelse.pdf --db region.duckdb -j 2
      minutes import /mnt/arkiv --engine dask --scheduler tcp://10.0.0.5:8786 --out-parquet /mnt/export
      minutes import s3://arkiv/protokoll --db "ducklake:postgres:dbname=minutes host=db" \\
          --lake-data s3://lake/minutes --engine dask --scheduler tcp://10.0.0.5:8786
    """
    if debug:
        logging.basicConfig(level=logging.DEBUG)
    chosen = settings(doc_timeout=timeout, doc_memory=doc_memory, follow_links=follow_links, ocr_dpi=ocr_dpi,
                      ocr_workers=ocr_workers, ocr_max_megapixels=ocr_max_megapixels, tesseract=tesseract,
                      libreoffice=libreoffice, convert_timeout=convert_timeout, batch_documents=batch_size,
                      scheduler_timeout=scheduler_timeout, lake_data=lake_data,
                      service_idle=service_idle)
    request = {"paths": [_absolute(p) for p in paths], "db": _absolute(db), "workers": workers, "force": force,
               "ocr": not no_ocr, "settings": dataclasses.asdict(chosen),
               "command": "minutes import " + " ".join(sys.argv[2:]),
               "out_parquet": out_parquet and _absolute(out_parquet)}
    bar = _LazyProgress(enabled=not quiet and sys.stderr.isatty())
    try:
        summary = None
        if service and engine == "local" and not debug and not db.startswith("ducklake:"):  # --debug: this log
            summary = _through_service(request, bar, service_idle)
        if summary is None:
            summary = _here(request, chosen, engine, scheduler, bar)
    finally:
        bar.close()
    _report(summary, db, quiet, debug)
    if summary.failed:
        sys.exit(1)


def _absolute(path: str) -> str:
    """A local path made absolute for the service, which runs elsewhere; a URL (s3://, ducklake:) as given."""
    return path if "://" in path or path.startswith("ducklake:") else os.path.abspath(path)


def _through_service(request: dict, bar: _LazyProgress, idle: float):
    """The import done by the import service; None when it cannot be reached (the command then imports itself)."""
    from minutes.pipeline.service import Unavailable, submit
    from minutes.pipeline.summary import Summary

    try:
        answer = submit(request, progress=bar.update, idle=idle)
    except (Unavailable, OSError) as e:
        log.info("importing in this process: %s", e)
        return None
    if "error" in answer:
        raise click.ClickException(answer["error"])
    return Summary(**answer["summary"])


def _here(request: dict, chosen, engine: str, scheduler: str | None, bar: _LazyProgress):
    """The import done in this process."""
    from minutes.pipeline.dask_engine import EngineError
    from minutes.pipeline.importer import NothingToImport, import_paths
    from minutes.warehouse import WarehouseError
    from minutes.warehouse.store import without_pandas

    try:
        local = engine == "local" and not request["db"].startswith("ducklake:")  # Dask and lakes may want it
        with without_pandas() if local else contextlib.nullcontext():
            return import_paths(request["paths"], request["db"], settings=chosen, workers=request["workers"],
                                force=request["force"], ocr=request["ocr"], engine=engine, scheduler=scheduler,
                                out_parquet=request["out_parquet"], progress=bar.update, command=request["command"])
    except (WarehouseError, EngineError, NothingToImport) as e:
        raise click.ClickException(str(e))


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
    if getattr(summary, "orphaned", 0):
        n = summary.orphaned
        said = "1 correction no longer finds its row" if n == 1 else f"{n} corrections no longer find their rows"
        click.echo(f"{said} (the file changed); see `minutes corrections --orphaned`.", err=True)
    t = summary.totals
    click.echo(f"Warehouse {db}: {t.get('documents', 0)} documents, {t.get('decisions', 0)} decisions, "
               f"{t.get('assignments', 0)} assignments, {t.get('attendees', 0)} attendees")


#: Files named one by one in the summary; the import log holds all of them.
_LISTED = 10


def _names(paths: list[str]) -> str:
    """File names for a summary line: the first few, then how many more."""
    names = ", ".join(os.path.basename(p) for p in paths[:_LISTED])
    return names + (f" and {len(paths) - _LISTED} more" if len(paths) > _LISTED else "")


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
    """Files, pages and seconds per status, as a small aligned table (plain text: no library to load)."""
    rows = [("status", "files", "pages", "seconds")] + [
        (status, str(n), str(summary.status_pages[status] or ""), f"{summary.status_seconds[status]:.1f}")
        for status, n in summary.counts.items() if n]
    widths = [max(len(r[k]) for r in rows) for k in range(4)]
    click.echo(f"Import {summary.run_id}")
    for i, row in enumerate(rows):
        click.echo(" " + "  ".join(c.ljust(w) if k == 0 else c.rjust(w) for k, (c, w) in enumerate(zip(row, widths))))
        if i == 0:
            click.echo(" " + "  ".join("-" * w for w in widths))
