"""Batch import: find files, skip what is unchanged, extract the rest, load through one writer.

Idempotent (the same bytes imported twice change nothing), incremental (a cheap
size + mtime check first, the hash only when those changed), and one bad file never stops
a batch: it gets an `imports` row with status `failed` and a sentence saying what to do.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from minutes.core.settings import BATCH_PAGES, BATCH_SECONDS, Settings
from minutes.extractors.detect import reason_not_read
from minutes.rules import rules_version
from minutes.warehouse import Warehouse
from minutes.warehouse.store import import_lock, import_row

from .work import Job, Outcome, process

log = logging.getLogger(__name__)

STATUSES = ("imported", "replaced", "unchanged", "failed", "skipped")
Progress = Callable[[int, int, str, str], None]  # done, total, path, status


@dataclass
class Found:
    """A file to import, a path that could not be read (`error`), or a file that is not a document (`skipped`)."""

    path: str
    error: str | None = None
    skipped: str | None = None


class NothingToImport(Exception):
    """No file was found to import and there is no warehouse yet: none is made. The message says what to check."""


@dataclass
class Summary:
    run_id: str
    counts: dict[str, int] = field(default_factory=lambda: {s: 0 for s in STATUSES})
    status_pages: dict[str, int] = field(default_factory=lambda: {s: 0 for s in STATUSES})
    status_seconds: dict[str, float] = field(default_factory=lambda: {s: 0.0 for s in STATUSES})
    failures: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why it was not read)
    no_facts: list[str] = field(default_factory=list)  # imported, but nothing about a meeting was found in them
    debug: dict[str, str] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    followup_seconds: float = 0.0  # linking the follow-ups of the bodies the run touched
    pages: int = 0

    @property
    def failed(self) -> int:
        return self.counts["failed"]


def discover(paths: Iterable[str | Path]) -> Iterator[Found]:
    """Files under the given paths: files as given, folders walked recursively (symlink loops cut).

    Every file in a folder is yielded: those minutes does not read carry the reason (`skipped`),
    so the import log says why each was left.
    """
    seen_dirs: set[tuple[int, int]] = set()
    for given in paths:
        p = Path(given)
        if not p.exists() and not p.is_symlink():
            yield Found(os.path.abspath(p), f"{given} does not exist; check the path.")
            continue
        if p.is_file():
            yield Found(os.path.abspath(p))
            continue
        if not p.is_dir():
            yield Found(os.path.abspath(p), f"{given} is neither a file nor a folder (a broken link?).")
            continue
        errors: list[OSError] = []
        for root, dirs, files in os.walk(p, followlinks=True, onerror=errors.append):
            try:
                st = os.stat(root)
            except OSError:
                dirs[:] = []
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:  # a symlink loop, or a folder reached twice
                dirs[:] = []
                continue
            seen_dirs.add(key)
            dirs.sort()
            for name in sorted(files):
                path = os.path.abspath(os.path.join(root, name))
                yield Found(path, skipped=reason_not_read(Path(path)))
        for e in errors:
            yield Found(os.path.abspath(e.filename or str(p)),
                        f"the folder {e.filename} cannot be read ({e.strerror}); ask for read access.")



class _Batch:
    """Finished documents and log rows waiting to be written together in one transaction."""

    def __init__(self, wh: Warehouse, size: int) -> None:
        self.wh = wh
        self.size = size
        self.failed: list[tuple[str, str, str]] = []  # (path, error, status it had): refused when written
        self._reset()

    def _reset(self) -> None:
        self.records: list = []
        self.replaced: set[str] = set()
        self.imports: list[dict] = []
        self.touches: list[tuple[str, int, int]] = []
        self.pages = 0
        self.since = time.perf_counter()

    def due(self) -> bool:
        return len(self.records) >= self.size or self.pages >= BATCH_PAGES or \
            time.perf_counter() - self.since >= BATCH_SECONDS

    def flush(self) -> None:
        if self.records or self.imports or self.touches:
            try:
                self.wh.write_batch(self.records, self.replaced, self.imports, self.touches)
            except Exception:  # a value the warehouse refuses: find the document, write the others
                log.debug("batch write failed; writing one document at a time", exc_info=True)
                self._one_by_one()
        self.wh.release()  # let readers in until the next batch is ready
        self._reset()

    def _one_by_one(self) -> None:
        by_doc = {r.document["document_id"]: r for r in self.records}
        self.wh.write_batch([], imports=[i for i in self.imports if i["document_id"] not in by_doc],
                            touches=self.touches)
        for row in (i for i in self.imports if i["document_id"] in by_doc):
            record = by_doc[row["document_id"]]
            try:
                self.wh.write_batch([record], self.replaced & {row["document_id"]}, [row])
            except Exception as e:
                log.debug("load failed for %s", row["source_path"], exc_info=True)
                failed = dict(row, status="failed", document_id=None,
                              error=f"{Path(row['source_path']).name} was read but could not be stored "
                                    f"({type(e).__name__}: {str(e)[:200]}); please report this file.")
                self.wh.write_batch([], imports=[failed])
                self.failed.append((row["source_path"], failed["error"], row["status"]))


def import_paths(paths: Iterable[str | Path], db: str | Path, *, settings: Settings = Settings(), workers: int = 1,
                 force: bool = False, ocr: bool = True, progress: Progress | None = None, command: str = "",
                 engine: str = "local", scheduler: str | None = None,
                 out_parquet: str | Path | None = None) -> Summary:
    """Import files and folders into the warehouse at `db`; returns what happened to each file.

    `engine` is "local" (this machine, `workers` processes) or "dask" (a Dask cluster at
    `scheduler`, or a local one); `out_parquet` also writes the warehouse as Parquet (warehouse/parquet.py).
    `settings` holds the time limit, OCR settings and batch size (minutes.core.settings).
    """
    if str(db).startswith("ducklake:"):  # a lake: the workers write themselves (pipeline/lake_engine.py)
        from .lake_engine import import_to_lake
        return import_to_lake(paths, str(db), settings=settings, workers=workers, force=force, ocr=ocr,
                              progress=progress, command=command, engine=engine, scheduler=scheduler,
                              out_parquet=out_parquet)
    t0 = time.perf_counter()
    if out_parquet:
        from minutes.warehouse.parquet import export_folder
        export_folder(out_parquet)  # a URL, or a folder the export may not replace, is refused before any work
    if workers > 1 and engine == "local":
        worker_context()  # the workers load the rules while this process lists the files and opens the warehouse
    found = list(discover(paths))
    if all(f.error for f in found) and not os.path.exists(db):
        problems = "; ".join(f.error for f in found) or "the folders hold no files"
        raise NothingToImport(f"Nothing to import ({problems.rstrip('.')}); no warehouse was made at {db}.")
    with import_lock(db), Warehouse(db, lock_wait=settings.lock_wait) as wh:
        run = _Run(wh, settings, progress)
        wh.start_run(run.summary.run_id, command)
        jobs = run.plan(found, force=force, ocr=ocr)
        for outcome in _run(jobs, workers, engine, scheduler, settings.scheduler_timeout):
            run.load(outcome)
        summary = run.close()
        if out_parquet:
            from minutes.warehouse.parquet import write_views
            write_views(wh.con, out_parquet)
    summary.seconds = time.perf_counter() - t0
    return summary


class _Run:
    """One import run: which files need work, the log row of each, and the batches being written."""

    def __init__(self, wh: Warehouse, settings: Settings, progress: Progress | None) -> None:
        self.wh, self.settings, self.progress = wh, settings, progress
        self.summary = Summary(time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6])
        self.version = rules_version()
        self.known = wh.known_files()
        self.seen_sha = {row[2]: path for path, row in self.known.items()}  # sha256 -> a stored path
        self.batch = _Batch(wh, settings.batch_documents)
        self.done = self.total = 0
        self.touched: set[str] = set()  # documents stored or replaced: their bodies' follow-ups are linked again

    def finish(self, path: str, status: str, **kw) -> None:
        """Count a file as done and queue its import-log row."""
        s = self.summary
        self.done += 1
        s.counts[status] += 1
        s.status_pages[status] += kw.get("pages") or 0
        s.status_seconds[status] += kw.get("seconds") or 0.0
        if status == "failed":
            s.failures.append((path, kw.get("error") or "unknown error"))
        elif status == "skipped":
            s.skipped.append((path, kw.get("note") or ""))
        self.batch.imports.append(import_row(s.run_id, path, status, **kw))
        if self.progress:
            self.progress(self.done, self.total, path, status)

    def plan(self, found: list[Found], force: bool, ocr: bool) -> list[Job]:
        """The jobs for files that are new or changed; the others are logged as unchanged or failed."""
        self.total = len(found)
        jobs: list[Job] = []
        for f in found:
            if f.error:
                self.finish(f.path, "failed", error=f.error)
                continue
            if f.skipped:
                self.finish(f.path, "skipped", note=f.skipped)
                continue
            try:
                st = os.stat(f.path)
            except OSError as e:
                self.finish(f.path, "failed", error=f"{Path(f.path).name} cannot be read ({e.strerror}); "
                                                    "check the path.")
                continue
            old = self.known.get(f.path)
            if old and not force and old[0] == st.st_size and old[1] == st.st_mtime_ns and old[3] == self.version:
                self.finish(f.path, "unchanged", document_id=old[4], sha256=old[2])
                continue
            known_sha = old[2] if old and old[3] == self.version else None
            jobs.append(Job(f.path, st.st_size, st.st_mtime_ns, known_sha, self.version, force, ocr, self.settings))
        self.batch.flush()  # the log rows of unchanged files
        return jobs

    def load(self, o: Outcome) -> None:
        """Queue what one job gave for writing, and write the batch when it is due."""
        if o.status == "failed":
            if o.debug:
                self.summary.debug[o.path] = o.debug
            self.finish(o.path, "failed", sha256=o.sha256, error=o.error, seconds=o.seconds)
        elif o.status == "same_bytes":
            old = self.known.get(o.path)
            st = os.stat(o.path)
            self.batch.touches.append((o.path, st.st_size, st.st_mtime_ns))
            self.finish(o.path, "unchanged", document_id=old[4] if old else None, sha256=o.sha256, seconds=o.seconds)
        else:
            self._store(o)
        if self.batch.due():
            self.batch.flush()

    def _store(self, o: Outcome) -> None:
        """Queue an extracted document, unless its bytes are already stored under another path."""
        old = self.known.get(o.path)
        if old is None:
            twin = self.seen_sha.get(o.sha256)
            if twin and twin != o.path and os.path.exists(twin):
                self.finish(o.path, "unchanged", sha256=o.sha256, seconds=o.seconds,
                            note=f"identical to {twin}, which is already imported; not stored twice")
                return
        self.seen_sha[o.sha256] = o.path
        record, batch = o.record, self.batch
        batch.records.append(record)
        if old is not None:
            batch.replaced.add(old[4])
            batch.replaced.add(record.document["document_id"])
            self.touched.add(old[4])
        self.touched.add(record.document["document_id"])
        batch.pages += o.pages or 0
        self.summary.pages += o.pages or 0
        note = "; ".join(o.warnings) if o.warnings else None
        if o.no_facts:
            self.summary.no_facts.append(o.path)
        self.finish(o.path, "replaced" if old else "imported", document_id=record.document["document_id"],
                    sha256=o.sha256, pages=o.pages, seconds=o.seconds, ocr_seconds=o.ocr_seconds, note=note)

    def close(self) -> Summary:
        """Write the last batch, rebuild persons and link follow-ups when documents changed, and end the run."""
        s, wh = self.summary, self.wh
        self.batch.flush()
        for path, error, had in self.batch.failed:  # documents the warehouse refused when written
            s.counts[had] -= 1
            s.counts["failed"] += 1
            s.failures.append((path, error))
        if s.counts["imported"] or s.counts["replaced"]:
            from minutes.rules.followups import ignored_words
            from minutes.warehouse.followups import link
            from minutes.warehouse.persons import rebuild
            rebuild(wh)
            t0 = time.perf_counter()
            link(wh.con, self.touched, ignored_words())
            s.followup_seconds = time.perf_counter() - t0
        wh.finish_run(s.run_id, s.counts)
        s.totals = wh.counts()
        wh.release()
        return s


def worker_context() -> multiprocessing.context.BaseContext:
    """How worker processes start: forked from a forkserver that has loaded the rules, where there is one.

    The forkserver is started on the first call and imports pipeline/warm.py, which loads the
    rules once (about a second); the workers forked from it start with them in memory. On a
    platform without forkserver (Windows) each worker is spawned and loads the rules itself.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    from multiprocessing import forkserver
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["minutes.pipeline.warm"])  # no effect once the forkserver runs (tests start it once)
    forkserver.ensure_running()
    return ctx


def in_run_order(jobs: list[Job], workers: int) -> list[Job]:
    """Jobs in the order they are handed out: as found for one worker, largest files first for more.

    A long file handed out last would keep one worker busy while the others wait with nothing
    to do (a 300-page PDF last among 40 short ones: 1.13x slower with two workers).
    """
    return sorted(jobs, key=lambda job: -job.size) if workers > 1 else jobs


def _run(jobs: list[Job], workers: int, engine: str = "local", scheduler: str | None = None,
         scheduler_timeout: float = 30.0) -> Iterator[Outcome]:
    """Run jobs in this process, in `workers` processes or on Dask, yielding outcomes as they complete."""
    jobs = in_run_order(jobs, workers)
    if engine == "dask":
        if jobs:
            from .dask_engine import run_on_dask
            yield from run_on_dask(jobs, workers, scheduler, scheduler_timeout)
        return
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield process(job)
        return
    from .isolate import run_pool
    yield from run_pool(jobs, workers)  # a file that kills its worker is a failure row
