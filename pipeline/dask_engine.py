"""Run the per-document work on a Dask distributed cluster and stream the outcomes back.

`process(job)` is a pure function of the file and the rules version, returning plain records,
so Dask only has to call it: each worker reads the file from the path in the job (a shared
filesystem mounted at the same path on every worker), extracts and applies the rules in a
child process with the time and memory limits (pipeline/isolate.py); the importing process
receives the records as they complete and loads them through the single warehouse writer,
exactly as with the local engine. A file whose task kills every worker it runs on is a
failure row; a lost scheduler ends the import with one sentence. (The lake engine,
pipeline/lake_engine.py, has the workers write themselves.)
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from .work import Job, Outcome


class EngineError(RuntimeError):
    """Dask is missing or its scheduler cannot be reached; the message says what to do."""


def run_on_dask(jobs: Iterable[Job], workers: int, scheduler: str | None = None,
                connect_timeout: float = 30.0) -> Iterator[Outcome]:
    """Yield outcomes as they complete on the cluster at `scheduler`, or on a local cluster of `workers`."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as e:
        raise EngineError("--engine dask needs Dask: install it with `pip install 'minutes[dask]'`.") from e
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout=connect_timeout)
        except (OSError, TimeoutError) as e:
            raise EngineError(f"Cannot reach the Dask scheduler at {scheduler} ({e}); check the address and "
                              "that the scheduler is running.") from e
    else:
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        window = 4 * max(1, len(client.scheduler_info().get("workers", {})) or workers)
        pending = as_completed()
        it = iter(jobs)
        job_of: dict[str, Job] = {}

        def submit(job: Job) -> None:
            fut = client.submit(process_isolated, job, pure=False)
            job_of[fut.key] = job
            pending.add(fut)

        for job in it:  # keep a bounded number in flight: finished records wait in memory until loaded
            submit(job)
            if pending.count() >= window:
                break
        done = 0
        for fut in pending:
            job = job_of.pop(fut.key)
            try:
                outcome = fut.result()
            except Exception as e:
                if "scheduler-connection-lost" in str(e) or client.status not in ("running", "connecting"):
                    raise EngineError(f"The Dask scheduler at {scheduler or 'the local cluster'} went away after "
                                      f"{done} of {len(jobs)} files; run the same command again.") from None
                outcome = _failed(job, e)
            fut.release()
            done += 1
            yield outcome
            nxt = next(it, None)
            if nxt is not None:
                submit(nxt)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def process_isolated(job: Job) -> Outcome:
    """`process`, run in a child process with the job's time and memory limits (on a Dask worker)."""
    from .isolate import extract_isolated
    return extract_isolated([job], job.settings)[0]


def _failed(job: Job, e: Exception) -> Outcome:
    """The failure row of a job whose task raised or killed the workers that ran it."""
    name = Path(job.path).name
    if type(e).__name__ == "KilledWorker":
        return Outcome(job.path, "failed", error=f"{name} made every worker that read it die; import it alone "
                                                 "with --debug, or report the file.")
    return Outcome(job.path, "failed", error=f"{name} could not be processed on the cluster ({type(e).__name__}: "
                                             f"{str(e).splitlines()[0][:200] if str(e) else ''}); run the import "
                                             "again, or report the file.")
