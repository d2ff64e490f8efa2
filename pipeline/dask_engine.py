"""Run the per-document work on a Dask distributed cluster and stream the outcomes back.

`process(job)` is a pure function of the file and the rules version, returning plain records,
so Dask only has to call it: each worker reads the file from the path in the job (a shared
filesystem mounted at the same path on every worker), extracts and applies the rules; the
importing process receives the records as they complete and loads them through the single
warehouse writer, exactly as with the local engine.
"""
from __future__ import annotations

from typing import Iterator

from .work import Job, Outcome, process


class EngineError(RuntimeError):
    """Dask is missing or its scheduler cannot be reached; the message says what to do."""


def run_on_dask(jobs: list[Job], workers: int, scheduler: str | None = None,
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
        for job in it:  # keep a bounded number in flight: finished records wait in memory until loaded
            pending.add(client.submit(process, job, pure=False))
            if pending.count() >= window:
                break
        for fut in pending:
            outcome = fut.result()
            fut.release()
            yield outcome
            nxt = next(it, None)
            if nxt is not None:
                pending.add(client.submit(process, nxt, pure=False))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
