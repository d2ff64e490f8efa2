"""Batch import: find files, skip what is unchanged, extract the rest, load through one writer.

Idempotent (the same bytes imported twice change nothing), incremental (a cheap
size + mtime check first, the hash only when those changed), and one bad file never stops
a batch: it gets an `imports` row with status `failed` and a sentence saying what to do.
Every file is read in a worker process under a time and a memory limit (pipeline/pool.py);
a file that failed for lasting reasons (a limit, damage) is not tried again while it stays
unchanged, unless `force` is given or the limits change.
"""
from __future__ import annotations

import dataclasses
import hashlib
import itertools
import logging
import multiprocessing
import os
import time
import uuid
from pathlib import Path
from typing import Callable, Iterable, Iterator

from minutes.core.paths import printable, real, shown, shown_name
from minutes.core.settings import BATCH_PAGES, BATCH_SECONDS, Settings
from minutes.rules import rules_version
from minutes.warehouse import Warehouse
from minutes.warehouse.store import import_lock, import_row

from .discover import Found, discover, roots_of
from .pool import WorkerPool, worker_context  # noqa: F401  (worker_context: this module's interface too)
from .summary import STATUSES, Summary  # noqa: F401  (Summary: part of this module's interface)
from .work import Job, Outcome, hashed

log = logging.getLogger(__name__)

__all__ = ["Found", "NothingToImport", "Summary", "discover", "import_paths"]

NOTE_CHARS = 2000  # the most of a file's warnings kept in its import row
Progress = Callable[[int, int, str, str], None]  # done, total, path, status


class NothingToImport(Exception):
    """No file was found to import and there is no warehouse yet: none is made. The message says what to check."""


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
        self.stamps: list[dict] = []
        self.pages = 0
        self.since = time.perf_counter()

    def due(self) -> bool:
        return len(self.records) >= self.size or self.pages >= BATCH_PAGES or \
            time.perf_counter() - self.since >= BATCH_SECONDS

    def flush(self, release: bool = True) -> None:
        """Write what is queued; then close the file (`release`) so readers get in until the next batch."""
        if self.records or self.imports or self.touches:
            try:
                self.wh.write_batch(self.records, self.replaced, self.imports, self.touches, self.stamps)
            except Exception:  # a value the warehouse refuses: find the document, write the others
                log.debug("batch write failed; writing one document at a time", exc_info=True)
                self._one_by_one()
        if release:
            self.wh.release()
        self._reset()

    def _one_by_one(self) -> None:
        by_doc = {r.document["document_id"]: r for r in self.records}
        self.wh.write_batch([], imports=[i for i in self.imports if i["document_id"] not in by_doc],
                            touches=self.touches, stamps=self.stamps)
        for row in (i for i in self.imports if i["document_id"] in by_doc):
            record = by_doc[row["document_id"]]
            try:
                self.wh.write_batch([record], self.replaced & {row["document_id"]}, [row])
            except Exception as e:
                log.debug("load failed for %s", row["source_path"], exc_info=True)
                failed = dict(row, status="failed", document_id=None,
                              error=printable(f"{Path(row['source_path']).name} was read but could not be stored "
                                              f"({type(e).__name__}: {str(e)[:200]}); please report this file."))
                self.wh.write_batch([], imports=[failed])
                self.failed.append((row["source_path"], failed["error"], row["status"]))


def import_paths(paths: Iterable[str | Path], db: str | Path, *, settings: Settings = Settings(), workers: int = 1,
                 force: bool = False, ocr: bool = True, progress: Progress | None = None, command: str = "",
                 engine: str = "local", scheduler: str | None = None, out_parquet: str | Path | None = None,
                 pools: dict | None = None, stop=None) -> Summary:
    """Import files and folders into the warehouse at `db`; returns what happened to each file.

    `engine` is "local" (this machine, `workers` processes) or "dask" (a Dask cluster at
    `scheduler`, or a local one); `out_parquet` also writes the warehouse as Parquet (warehouse/parquet.py).
    `settings` holds the limits, OCR settings and batch size (minutes.core.settings). For the
    import service: `pools` keeps worker pools for the next import (without it they end here),
    and `stop` calls the import off when it becomes readable (the client went away).
    """
    if str(db).startswith("ducklake:"):  # a lake: the workers write themselves (pipeline/lake_engine.py)
        from .lake_engine import import_to_lake
        return import_to_lake(paths, str(db), settings=settings, workers=workers, force=force, ocr=ocr,
                              progress=progress, command=command, engine=engine, scheduler=scheduler,
                              out_parquet=out_parquet)
    t0 = time.perf_counter()
    paths = [os.fspath(p) for p in paths]
    if out_parquet:
        from minutes.warehouse.parquet import export_folder
        export_folder(out_parquet)  # a URL, or a folder the export may not replace, is refused before any work
    found = list(discover(paths, settings.follow_links))
    if all(f.error for f in found) and not os.path.exists(db):
        problems = "; ".join(f.error for f in found) or "the folders hold no files"
        raise NothingToImport(f"Nothing to import ({problems.rstrip('.')}); no warehouse was made at {db}.")
    with import_lock(db) as lock, Warehouse(db, lock_wait=settings.lock_wait) as wh:
        lock.hold_file()
        roots = None if settings.follow_links else roots_of(p for p in paths if os.path.exists(p))
        run = _Run(wh, settings, progress, roots, ocr)
        jobs = run.triaged(in_run_order(run.plan(found, force=force), workers))
        first = next(jobs, None)  # files are hashed until one must be read: only then are workers needed
        # their forkserver loads the rules while this process writes the log rows and hashes the next files
        ctx = worker_context() if first and engine == "local" else None
        wh.start_run(run.summary.run_id, printable(command))
        run.batch.flush(release=False)  # the log rows of files not read; the file is let go at the first batch
        if first:
            for outcome in _run(itertools.chain([first], jobs), workers, engine, scheduler, settings, ctx, pools,
                                stop):
                run.load(outcome)
        summary = run.close()
        if out_parquet:
            from minutes.warehouse.parquet import write_views
            write_views(wh.con, out_parquet)
    summary.seconds = time.perf_counter() - t0
    return summary


class _Run:
    """One import run: which files need work, the log row of each, and the batches being written.

    Paths are kept as they are on disk (any bytes: minutes.core.paths) and stored as shown.
    """

    def __init__(self, wh: Warehouse, settings: Settings, progress: Progress | None,
                 roots: tuple[str, ...] | None, ocr: bool) -> None:
        self.wh, self.settings, self.progress, self.roots, self.ocr = wh, settings, progress, roots, ocr
        self.summary = Summary(time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6])
        self.version = rules_version()
        self.retry_key = retry_key(self.version, settings, ocr)
        self.known = {real(p): row for p, row in wh.known_files().items()}
        self.remembered = {real(p): row for p, row in wh.remembered().items()}
        self.seen_sha = {row[2]: path for path, row in self.known.items()}  # sha256 -> a stored path
        self.jobs: dict[str, Job] = {}
        self.reading: dict[str, str] = {}  # path -> sha256 of the files handed to workers
        self.waiting: dict[str, list[Job]] = {}  # sha256 -> jobs of files with the bytes of one being read
        self.failed_sha: dict[str, Outcome] = {}  # sha256 -> the failure a file with these bytes met in this run
        self.batch = _Batch(wh, settings.batch_documents)
        self.done = self.total = 0
        self.touched: set[str] = set()  # documents stored or replaced: their bodies' follow-ups are linked again

    def finish(self, path: str, status: str, *, error: str | None = None, note: str | None = None,
               stamp: dict | None = None, **kw) -> None:
        """Count a file as done and queue its import-log row (and its `stamp` for core.file_stamps)."""
        s = self.summary
        self.done += 1
        s.counts[status] += 1
        s.status_pages[status] += kw.get("pages") or 0
        s.status_seconds[status] += kw.get("seconds") or 0.0
        error, note = error and printable(error), note and printable(note)
        if status == "failed":
            s.failures.append((shown(path), error or "unknown error"))
        elif status == "skipped":
            s.skipped.append((shown(path), note or ""))
        self.batch.imports.append(import_row(s.run_id, shown(path), status, error=error, note=note, **kw))
        if stamp is not None:
            self.batch.stamps.append(dict(stamp, source_path=shown(path), status=status, error=error,
                                          run_id=s.run_id))
        if self.progress:
            self.progress(self.done, self.total, shown(path), status)

    def plan(self, found: list[Found], force: bool) -> list[Job]:
        """The jobs for files that are new or changed; the others are logged as unchanged or failed."""
        self.total = len(found)
        for f in found:
            if f.error:
                self.finish(f.path, "failed", error=f.error)
                continue
            if f.skipped:
                self.finish(f.path, "skipped", note=f.skipped)
                continue
            st = f.st
            old = self.known.get(f.path)
            if old and not force and old[0] == st.st_size and old[1] == st.st_mtime_ns and old[3] == self.version:
                self.finish(f.path, "unchanged", document_id=old[4], sha256=old[2])
                continue
            if not force and self._as_before(f.path, st, old):
                continue
            known_sha = old[2] if old and old[3] == self.version else None
            self.jobs[f.path] = Job(f.path, st.st_size, st.st_mtime_ns, known_sha, self.version, force, self.ocr,
                                    self.settings, self.roots)
        return list(self.jobs.values())

    def _as_before(self, path: str, st: os.stat_result, old: tuple | None) -> bool:
        """Log an unchanged file that was not stored last time as it was then: a lasting failure, or a copy."""
        before = self.remembered.get(path)
        if not before or before[1:3] != (st.st_size, st.st_mtime_ns):
            return False
        status, size, mtime, sha, key, error = before
        if status == "failed" and key == self.retry_key:
            self.finish(path, "failed", error=error, sha256=sha,
                        note="not tried again: unchanged since it failed (--force tries it again)")
            return True
        twin = self.twin_of(path, sha) if status != "failed" and old is None else None
        if twin:
            self.finish(path, "unchanged", sha256=sha, note=_copy_note(twin))
        return bool(twin)

    def triaged(self, jobs: list[Job]) -> Iterator[Job]:
        """The jobs whose files must be read: each file is hashed here first, and one whose bytes are stored
        already (at its own path, or as a copy of another file) is logged without a worker.

        A file with the same bytes as one a worker is reading now waits for that one's outcome
        (`load`), and is then logged as its copy, or as failed the same way.
        """
        for job in jobs:
            sha = hashed(job)
            if isinstance(sha, Outcome):
                self.load(sha)
            elif job.force:
                yield job
            elif sha == job.known_sha:
                self.load(Outcome(job.path, "same_bytes", sha))
            elif twin := self.twin_of(job.path, sha):
                self.load(Outcome(job.path, "copy", sha, twin=twin))
            elif sha in self.waiting:
                self.waiting[sha].append(job)
            elif sha in self.failed_sha:
                self.load(_failed_like(job, sha, self.failed_sha[sha]))
            else:
                self.reading[job.path] = sha
                self.waiting[sha] = []
                yield job

    def load(self, o: Outcome) -> None:
        """Queue what one job gave for writing, and write the batch when it is due."""
        self._load(o)
        sha = self.reading.pop(o.path, None)
        if sha and o.status == "failed":
            self.failed_sha[sha] = o
        for job in self.waiting.pop(sha, []):  # files with the bytes this one had
            if o.status == "failed":
                self._load(_failed_like(job, sha, o))
            else:
                self._load(Outcome(job.path, "copy", sha, twin=self.twin_of(job.path, sha) or o.path))
        if self.batch.due():
            self.batch.flush()

    def _load(self, o: Outcome) -> None:
        job = self.jobs[o.path]
        if o.status == "failed":
            if o.debug:
                self.summary.debug[shown(o.path)] = o.debug
            stamp = {"size_bytes": job.size, "mtime_ns": job.mtime_ns, "sha256": o.sha256,
                     "retry_key": self.retry_key} if o.lasting else None
            self.finish(o.path, "failed", sha256=o.sha256, error=o.error, seconds=o.seconds, stamp=stamp)
        elif o.status == "copy":
            self._copy(o)
        elif o.status == "same_bytes":
            old = self.known.get(o.path)
            self.batch.touches.append((shown(o.path), job.size, job.mtime_ns))
            self.finish(o.path, "unchanged", document_id=old[4] if old else None, sha256=o.sha256, seconds=o.seconds)
        else:
            self._store(o)

    def twin_of(self, path: str, sha: str) -> str | None:
        """The stored file (another path, still there) with these bytes: a file that has them need not be read."""
        twin = self.seen_sha.get(sha)
        return twin if twin and twin != path and os.path.exists(twin) else None

    def _copy(self, o: Outcome) -> None:
        """Log a file whose bytes are already stored under another path; the earlier document at its path goes."""
        old, job = self.known.get(o.path), self.jobs[o.path]
        if old is not None:
            self.batch.replaced.add(old[4])
        self.finish(o.path, "replaced" if old else "unchanged", sha256=o.sha256, seconds=o.seconds,
                    stamp={"size_bytes": job.size, "mtime_ns": job.mtime_ns, "sha256": o.sha256},
                    note=_copy_note(o.twin))

    def _store(self, o: Outcome) -> None:
        """Queue an extracted document, unless its bytes are already stored under another path."""
        old = self.known.get(o.path)
        if old is None:
            twin = self.seen_sha.get(o.sha256)
            if twin and twin != o.path and os.path.exists(twin):
                self.finish(o.path, "unchanged", sha256=o.sha256, seconds=o.seconds,
                            note=f"identical to {shown(twin)}, which is already imported; not stored twice")
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
        note = "; ".join(o.warnings)[:NOTE_CHARS] if o.warnings else None
        if o.no_facts:
            self.summary.no_facts.append(shown(o.path))
        self.finish(o.path, "replaced" if old else "imported", document_id=record.document["document_id"],
                    sha256=o.sha256, pages=o.pages, seconds=o.seconds, ocr_seconds=o.ocr_seconds, note=note)

    def close(self) -> Summary:
        """Write the last batch, rebuild persons and link follow-ups when documents changed (or a killed run
        left them stale), end the run and fold the write-ahead log into the file, so that the warehouse is
        one file again.

        The run is recorded as finished only after persons is rebuilt and follow-ups linked, so a run
        killed before that makes the next one do it (linking the documents the killed run wrote),
        even when nothing changed.
        """
        s, wh = self.summary, self.wh
        self.batch.flush(release=False)
        for path, error, had in self.batch.failed:  # documents the warehouse refused when written
            s.counts[had] -= 1
            s.counts["failed"] += 1
            s.failures.append((path, error))
        healing = not wh.last_run_finished(s.run_id)
        if s.counts["imported"] or s.counts["replaced"] or healing:
            from minutes.rules.stop_words import ignored_words
            from minutes.warehouse.followups import link
            from minutes.warehouse.persons import rebuild
            rebuild(wh, None if healing else sorted(wh.changed_surnames))  # a killed run's: all of them
            wh.changed_surnames.clear()
            t0 = time.perf_counter()
            link(wh.con, self.touched | (wh.unfinished_documents(s.run_id) if healing else set()), ignored_words())
            s.followup_seconds = time.perf_counter() - t0
        wh.finish_run(s.run_id, s.counts)
        s.totals = wh.counts()
        s.orphaned = len(wh.orphaned)
        wh.checkpoint()
        wh.release()
        return s


def _failed_like(job: Job, sha: str, o: Outcome) -> Outcome:
    """The failure of a file with the same bytes as the one that met `o`: it would meet it too."""
    return dataclasses.replace(o, path=job.path, sha256=sha, seconds=0.0, debug=None, error=(
        f"{shown_name(job.path)} has the same bytes as {shown_name(o.path)}, which failed: {o.error}"))


def _copy_note(twin: str) -> str:
    return f"a copy of {shown(twin)}, which is already imported; not read again"


def retry_key(version: str, settings: Settings, ocr: bool) -> str:
    """What a lasting failure depends on besides the file: the rules and the limits; a new key retries it."""
    parts = (version, settings.doc_timeout, settings.doc_memory, settings.ocr_dpi, settings.ocr_max_megapixels, ocr)
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:12]


def in_run_order(jobs: list[Job], workers: int) -> list[Job]:
    """Jobs in the order they are handed out: as found for one worker, largest files first for more.

    A long file handed out last would keep one worker busy while the others wait with nothing
    to do (a 300-page PDF last among 40 short ones: 1.13x slower with two workers).
    """
    return sorted(jobs, key=lambda job: -job.size) if workers > 1 else jobs


def _run(jobs: Iterator[Job], workers: int, engine: str, scheduler: str | None, settings: Settings,
         ctx: multiprocessing.context.BaseContext | None, pools: dict | None = None,
         stop=None) -> Iterator[Outcome]:
    """Run jobs in `workers` worker processes or on Dask, yielding outcomes as they complete.

    A pool taken from `pools` (or made) goes back there when the run ends normally, its workers
    waiting for the next import; otherwise (or when `pools` already holds one like it) its
    workers are stopped.
    """
    if engine == "dask":
        from .dask_engine import run_on_dask
        yield from run_on_dask(jobs, workers, scheduler, settings.scheduler_timeout)
        return
    key = (workers, settings.doc_memory)
    pool = (pools or {}).pop(key, None) or WorkerPool(workers, ctx or worker_context(), settings.doc_memory)
    finished = False
    try:
        yield from pool.run(jobs, stop)
        finished = True
    finally:
        if not (finished and pools is not None and pools.setdefault(key, pool) is pool):
            pool.close()
