"""Imports into a lake: the client plans and schedules, the workers read, extract and write.

The client lists the inputs (folders, or s3:// prefixes), asks the lake what it holds for
those paths only, checks the workers (they see the inputs, they run the same minutes and
rules), and hands out batches of files (pipeline/lake_tasks.py). Each worker commits its own
batches; the client only collects summaries, so nothing funnels through one process. Faults
are rows: a batch whose worker died is split and its files run alone, a file that kills every
worker it runs on is a failure row, and a lost scheduler ends the run with one sentence.
At the end the client brings the derived tables up to date for what changed and publishes
the run as one snapshot readers follow (warehouse/lake_store.py).
"""
from __future__ import annotations

import logging
import math
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator

from minutes.core.settings import Settings

from .dask_engine import EngineError
from .importer import Found, Progress, Summary, discover
from .lake_tasks import BatchResult, BatchTask, FileResult, FileTask, is_remote

log = logging.getLogger(__name__)


def link_followups(wh, documents: list[str]) -> None:
    """Link the follow-ups of the bodies the run's documents belong to (warehouse/followups.py), inside the
    transaction that publishes the run: a document hook of warehouse/lake_store.py."""
    from minutes.rules.stop_words import ignored_words
    from minutes.warehouse.followups import link

    link(wh.con, set(documents), ignored_words(), in_transaction=True)


@dataclass
class LakeSummary(Summary):
    """A run's summary, plus how busy the workers were and what the client had to say about them."""

    notes: list[str] = field(default_factory=list)
    busy_seconds: float = 0.0  # extracting and writing, summed over the workers
    write_seconds: float = 0.0  # of which writing to the lake
    between_seconds: float = 0.0  # workers idle between two of their batches, summed
    worker_slots: int = 0


def import_to_lake(paths: Iterable[str | Path], db: str, *, settings: Settings = Settings(), workers: int = 1,
                   force: bool = False, ocr: bool = True, progress: Progress | None = None, command: str = "",
                   engine: str = "local", scheduler: str | None = None,
                   out_parquet: str | Path | None = None) -> LakeSummary:
    """Import files, folders and s3:// prefixes into the lake `db` (a `ducklake:` name); see import_paths."""
    from minutes.warehouse.lake_store import DOCUMENT_HOOKS, LakeWarehouse

    if link_followups not in DOCUMENT_HOOKS:
        DOCUMENT_HOOKS.append(link_followups)

    t0 = time.perf_counter()
    paths = [str(p) for p in paths]
    wh = LakeWarehouse(db, settings)
    try:
        run = _LakeRun(wh, LakeSummary(time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]), progress)
        wh.start(run.summary.run_id, command)
        tasks = run.plan(list(find(paths, settings)), settings, force, ocr, workers)
        samples = [next((f.path for t in tasks for f in t.files if f.path.startswith(p)), p) for p in paths]
        runner = dask_runner(samples, settings, workers, scheduler) if engine == "dask" else LocalRunner(workers)
        try:
            with runner:
                run.summary.worker_slots = runner.slots
                run.summary.notes += runner.notes
                for result in runner.run(tasks):
                    run.take(result)
        except SchedulerLost as e:
            raise EngineError(run.abort(e.address)) from None
        except EngineError:  # no worker could take the import: the run ends, marked as such
            run.end_aborted()
            raise
        run.summary.seconds = time.perf_counter() - t0
        wh.finish(run.summary.run_id, run.summary.counts, "finished")
        run.summary.totals = wh.counts()
    finally:
        wh.close()
    if out_parquet:
        from minutes.warehouse.lake import reader
        from minutes.warehouse.parquet import write_views
        con = reader(db, settings, sandbox=False)
        try:
            write_views(con, out_parquet)
        finally:
            con.close()
    run.summary.seconds = time.perf_counter() - t0
    return run.summary


def find(paths: list[str], settings: Settings) -> Iterator[Found]:
    """Files under local paths (pipeline.importer.discover) and objects under s3:// prefixes."""
    local = [p for p in paths if not is_remote(p)]
    yield from discover(local)
    for url in (p for p in paths if is_remote(p)):
        yield from _objects(url, settings)


def _objects(url: str, settings: Settings) -> Iterator[Found]:
    import fsspec

    from minutes.extractors.detect import reason_not_read
    from minutes.warehouse.lake import storage_options

    scheme = url.split("://", 1)[0]
    try:
        fs, root = fsspec.core.url_to_fs(url, use_listings_cache=False, skip_instance_cache=True,
                                         **storage_options(settings))
        keys = [root] if fs.isfile(root) else fs.find(root)
    except (OSError, ValueError) as e:
        yield Found(url, f"{url} cannot be listed ({e}); check the address and the credentials.")
        return
    if not keys:
        yield Found(url, f"Nothing found at {url}; check the address.")
    for key in sorted(keys):  # an object's name decides: its bytes are the workers' to read
        yield Found(f"{scheme}://{key}", skipped=reason_not_read(PurePosixPath(key), look_inside=False))


class _LakeRun:
    """One lake import as the client sees it: the plan, the rows it writes itself, the counts."""

    def __init__(self, wh, summary: LakeSummary, progress: Progress | None) -> None:
        self.wh, self.summary, self.progress = wh, summary, progress
        self.done = self.total = 0
        self.last_end: dict[str, float] = {}  # worker slot -> when its last batch ended

    def plan(self, found: list[Found], settings: Settings, force: bool, ocr: bool, workers: int) -> list[BatchTask]:
        """Batches of the files found; paths that could not be listed and files that are no documents get
        their rows now."""
        self.total = len(found)
        self.write_own([FileResult(f.path, "failed", error=f.error) if f.error else
                        FileResult(f.path, "skipped", note=f.skipped) for f in found if f.error or f.skipped])
        files = [f.path for f in found if not (f.error or f.skipped)]
        known = self.wh.known(files)
        size = max(1, min(settings.batch_documents, math.ceil(len(files) / (4 * max(1, workers)))))
        run_id, db = self.summary.run_id, self.wh.path
        return [BatchTask(run_id, db, settings, [FileTask(p, known.get(p)) for p in files[i:i + size]], force, ocr)
                for i in range(0, len(files), size)]

    def write_own(self, rows: list[FileResult]) -> None:
        """Rows the client writes itself: files no worker could report on, and files that are no documents."""
        from minutes.warehouse.store import import_row

        if rows:
            imports = [import_row(self.summary.run_id, r.path, r.status, error=r.error, note=r.note) for r in rows]
            self.wh.commit_batch(self.summary.run_id, [], imports=imports)
            self.count(rows)

    def take(self, result: BatchResult | list[FileResult]) -> None:
        """Count what a batch did; a list of results is files the client must write failure rows for."""
        if isinstance(result, list):
            self.write_own(result)
            return
        s = self.summary
        s.busy_seconds += result.extract_seconds + result.write_seconds
        s.write_seconds += result.write_seconds
        previous = self.last_end.get(result.worker)
        if previous is not None and result.started > previous:  # batches of one slot come one after another
            s.between_seconds += result.started - previous
        self.last_end[result.worker] = max(result.ended, previous or 0.0)
        self.count(result.files)

    def count(self, rows: list[FileResult]) -> None:
        s = self.summary
        for r in rows:
            self.done += 1
            s.counts[r.status] += 1
            s.status_pages[r.status] += r.pages
            s.status_seconds[r.status] += r.seconds
            s.pages += r.pages if r.status in ("imported", "replaced") else 0
            if r.status == "failed":
                s.failures.append((r.path, r.error or "unknown error"))
                if r.debug:
                    s.debug[r.path] = r.debug
            elif r.status == "skipped":
                s.skipped.append((r.path, r.note or ""))
            elif r.no_facts and r.status in ("imported", "replaced"):
                s.no_facts.append(r.path)
            if self.progress:
                self.progress(self.done, self.total, r.path, r.status)

    def abort(self, address: str) -> str:
        """Mark the run aborted and say, in one sentence, what is stored and what to do."""
        stored = self.wh.con.execute("SELECT count(DISTINCT source_path) FROM core.imports WHERE run_id = ?",
                                     [self.summary.run_id]).fetchone()[0]
        self.end_aborted()
        return (f"The Dask scheduler at {address} went away after {stored} of {self.total} files; those are "
                "stored; run the same command again.")

    def end_aborted(self) -> None:
        """Finish the derived work for what was stored and mark the run aborted."""
        try:
            self.wh.finish(self.summary.run_id, self.summary.counts, "aborted")
        except Exception:  # the lake may be unreachable as well; the next run finishes the derived work
            log.debug("could not finish the aborted run", exc_info=True)


class SchedulerLost(Exception):
    """The Dask scheduler went away in the middle of the run."""

    def __init__(self, address: str) -> None:
        super().__init__(address)
        self.address = address


class LocalRunner:
    """Batches run by processes of this machine: in this process for one worker, a process pool for more."""

    def __init__(self, workers: int) -> None:
        self.slots = max(1, workers)
        self.notes: list[str] = []
        self.pool = None

    def __enter__(self) -> LocalRunner:
        if self.slots > 1:
            import concurrent.futures as cf

            from .importer import worker_context
            self.pool = cf.ProcessPoolExecutor(self.slots, mp_context=worker_context())
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def run(self, tasks: list[BatchTask]) -> Iterator[BatchResult | list[FileResult]]:
        from .lake_tasks import run_batch

        if self.pool is None:
            for task in tasks:
                yield _guarded(run_batch, task)
            return
        import concurrent.futures as cf

        futures = {self.pool.submit(run_batch, t): t for t in tasks}
        for fut in cf.as_completed(futures):
            try:
                yield fut.result()
            except Exception as e:
                yield _failed_batch(futures[fut], e)


def _guarded(run_batch, task: BatchTask) -> BatchResult | list[FileResult]:
    try:
        return run_batch(task)
    except Exception as e:
        return _failed_batch(task, e)


def _failed_batch(task: BatchTask, e: Exception) -> list[FileResult]:
    """A batch whose task raised (it stored nothing): a failure row for each of its files."""
    log.debug("batch failed", exc_info=e)
    why = f"{type(e).__name__}: {str(e).splitlines()[0][:200]}" if str(e) else type(e).__name__
    return [FileResult(f.path, "failed", error=f"{Path(f.path).name} was not stored ({why}); run the same "
                                                "command again, or report it if it keeps failing.") for f in task.files]


def dask_runner(samples: list[str], settings: Settings, workers: int, scheduler: str | None):
    """The Dask runner; `samples` (a file found under each input path) are what workers must see."""
    from .lake_dask import DaskRunner
    return DaskRunner(samples, settings, workers, scheduler)
