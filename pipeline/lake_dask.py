"""Lake batches on a Dask cluster: workers checked before anything is submitted, faults turned into rows.

Before submitting, every worker is asked who it is: its host, its minutes and rules versions,
and whether it can see the inputs. Workers that cannot, or that run other rules, get no files
(each named in a note); when none is left the import stops with one sentence. A batch whose
worker died (`KilledWorker`) is split and its files run alone; a file that still kills its
worker is a failure row. When the scheduler goes away, the run ends with `SchedulerLost`.
"""
from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import os
import socket
from pathlib import Path
from typing import Iterator

from minutes.core.settings import Settings

from .dask_engine import EngineError
from .lake_tasks import BatchResult, BatchTask, FileResult, _options, is_remote, run_batch

log = logging.getLogger(__name__)


def probe(paths: list[str], settings: Settings) -> dict:
    """Run on each worker: who it is, what it runs, and which of the input paths it cannot see."""
    from importlib.metadata import PackageNotFoundError, version

    from minutes.rules import rules_version

    try:
        minutes_version = version("minutes")
    except PackageNotFoundError:
        minutes_version = "dev"
    blind = []
    for path in paths:
        try:
            if is_remote(path):
                import fsspec
                fs, key = fsspec.core.url_to_fs(path, **_options(path, settings))
                seen = fs.exists(key)
            else:
                seen = os.path.exists(path)
        except Exception:  # a worker without credentials or without s3fs cannot see the objects either
            seen = False
        if not seen:
            blind.append(path)
    return {"host": socket.gethostname(), "minutes": minutes_version, "rules": rules_version(), "blind": blind}


class DaskRunner:
    """The batches of one import on a Dask cluster (at `scheduler`, or a local one of `workers` processes)."""

    def __init__(self, paths: list[str], settings: Settings, workers: int, scheduler: str | None) -> None:
        self.paths, self.settings, self.workers, self.scheduler = paths, settings, workers, scheduler
        self.client = self.cluster = None
        self.notes: list[str] = []
        self.allowed: list[str] | None = None  # worker addresses given files; None: every worker
        self.slots = 0
        self._quiet = contextlib.ExitStack()

    def __enter__(self) -> DaskRunner:
        try:
            from distributed import Client, LocalCluster
        except ImportError as e:
            raise EngineError("--engine dask needs Dask: install it with `pip install 'minutes[dask]'`.") from e
        self._quiet.enter_context(_quiet_dask())
        if self.scheduler:
            try:
                self.client = Client(self.scheduler, timeout=self.settings.scheduler_timeout)
            except (OSError, TimeoutError) as e:
                self._quiet.close()
                raise EngineError(f"Cannot reach the Dask scheduler at {self.scheduler} ({e}); check the address "
                                  "and that the scheduler is running.") from e
        else:
            self.cluster = LocalCluster(n_workers=max(1, self.workers), threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            self.client = Client(self.cluster)
        try:
            self._check_workers()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(Exception):
            self.client.close(timeout=2)
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close(timeout=5)
        self._quiet.close()

    @property
    def address(self) -> str:
        return self.scheduler or "(local cluster)"

    def _check_workers(self) -> None:
        """Ask every worker who it is; keep those that see the inputs and run this client's rules."""
        mine = probe([], self.settings)
        answers = self.client.run(probe, self.paths, self.settings)
        good = []
        for address, a in sorted(answers.items()):
            if a["blind"]:
                self.notes.append(f"worker {address} on {a['host']} cannot see {a['blind'][0]}; it got no files of "
                                  "this import (check the path there).")
            elif (a["minutes"], a["rules"]) != (mine["minutes"], mine["rules"]):
                self.notes.append(f"worker {address} on {a['host']} runs minutes {a['minutes']} with rules "
                                  f"{a['rules']}, not {mine['minutes']} with rules {mine['rules']} as here; it got "
                                  "no files of this import (install the same minutes there).")
            else:
                good.append(address)
        if not answers:
            raise EngineError(f"The Dask scheduler at {self.address} has no workers; start some and run the "
                              "import again.")
        if not good:
            raise EngineError("No Dask worker can take this import: " + " ".join(self.notes))
        self.allowed = good if len(good) < len(answers) else None
        self.slots = sum(n for a, n in self.client.nthreads().items() if self.allowed is None or a in self.allowed)

    def run(self, tasks: list[BatchTask]) -> Iterator[BatchResult | list[FileResult]]:
        """Results as batches finish; a batch that killed its workers is split, a single file becomes a row."""
        from distributed import as_completed

        from .lake_engine import SchedulerLost

        futures = as_completed()
        batch_of = {}
        for task in tasks:
            fut = self._submit(task)
            batch_of[fut.key] = task
            futures.add(fut)
        try:
            for fut in futures:
                task = batch_of.pop(fut.key)
                try:
                    yield fut.result()
                except cf.CancelledError as e:
                    raise SchedulerLost(self.address) from e
                except Exception as e:
                    if self._lost(e):
                        raise SchedulerLost(self.address) from e
                    if _killed(e) and len(task.files) > 1:
                        for one in _split(task):
                            again = self._submit(one)
                            batch_of[again.key] = one
                            futures.add(again)
                        continue
                    yield _failed(task, e)
                finally:
                    fut.release()
        except (OSError, TimeoutError) as e:
            raise SchedulerLost(self.address) from e

    def _submit(self, task: BatchTask):
        return self.client.submit(run_batch, task, pure=False, workers=self.allowed,
                                  allow_other_workers=False if self.allowed else None)

    def _lost(self, e: Exception) -> bool:
        return "scheduler-connection-lost" in str(e) or self.client.status not in ("running", "connecting") or \
            type(e).__name__ in ("CommClosedError", "StreamClosedError")


def _killed(e: Exception) -> bool:
    return type(e).__name__ == "KilledWorker"


def _split(task: BatchTask) -> list[BatchTask]:
    return [BatchTask(task.run_id, task.db, task.settings, [f], task.force, task.ocr) for f in task.files]


def _failed(task: BatchTask, e: Exception) -> list[FileResult]:
    from .lake_engine import _failed_batch

    if not _killed(e):
        return _failed_batch(task, e)
    return [FileResult(f.path, "failed", error=f"{Path(f.path).name} made every worker that read it die; import it "
                                                "alone with --debug, or report the file.") for f in task.files]


@contextlib.contextmanager
def _quiet_dask():
    """Dask's own log lines (reconnect attempts, lost workers) stay out of the user's terminal."""
    names = [n for n in logging.root.manager.loggerDict if n.startswith(("distributed", "tornado"))]
    loggers = [logging.getLogger(n) for n in ("distributed", "tornado", "asyncio", *names)]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)
