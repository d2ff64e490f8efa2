"""Documents read in a child process with time and memory limits, so no file can take its worker down.

`extract_isolated(jobs, settings)` runs `process` for each job in one child process forked from
the rules-loaded forkserver, which streams each outcome back as it finishes. A document that
makes the child die (out of memory, a crash in a native library) or that outlives its time
limit becomes a failure row of its own; a new child goes on with the documents after it.
Used by the lake engine's batch tasks and the Dask engine's tasks, which run inside Dask
workers. A local import's workers keep the same promises in pipeline/pool.py.
"""
from __future__ import annotations

import logging
import multiprocessing
import signal
import time
from pathlib import Path
from typing import Callable

from minutes.core.settings import Settings

from .work import Job, Outcome, limit_memory, process

log = logging.getLogger(__name__)

#: Seconds a child gets beyond a document's own time limit before it is killed from outside:
#: the limit inside the child interrupts Python code, this one also a native library stuck in one call.
GRACE = 10.0


def extract_isolated(jobs: list[Job], settings: Settings, work: Callable[[Job], Outcome] = process) -> list[Outcome]:
    """The outcome of each job, in order; one child process per run of jobs that do not kill it."""
    from .importer import worker_context

    _allow_children()
    ctx = worker_context()
    outcomes: list[Outcome | None] = [None] * len(jobs)
    start = 0
    while start < len(jobs):
        receive, send = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_child, args=(send, jobs[start:], settings.doc_memory, work), daemon=True)
        child.start()
        send.close()
        current, why = _collect(receive, child, start, outcomes, settings.doc_timeout)
        receive.close()
        child.join()
        if current is not None and outcomes[current] is None:
            outcomes[current] = _lost(jobs[current], why or _death(child.exitcode, settings.doc_memory))
        start = next((i for i in range(start, len(jobs)) if outcomes[i] is None), len(jobs))
    return outcomes  # type: ignore[return-value]


def _collect(receive, child, start: int, outcomes: list, limit: float) -> tuple[int | None, str | None]:
    """Store outcomes as the child sends them; returns the job it was on when it stopped, and why."""
    current, since = None, time.monotonic()
    while True:
        wait = max(0.0, since + limit + GRACE - time.monotonic()) if limit > 0 and current is not None else 1.0
        if receive.poll(min(wait, 1.0)):
            try:
                kind, n, outcome = receive.recv()
            except (EOFError, OSError):  # the child died
                return current, None
            if kind == "start":
                current, since = start + n, time.monotonic()
            else:
                outcomes[start + n], current = outcome, None
        elif limit > 0 and current is not None and time.monotonic() > since + limit + GRACE:
            child.kill()
            return current, f"took longer than {limit:g} s and was stopped; import it alone with a larger --timeout."
        elif not child.is_alive() and not receive.poll():
            return current, None
        if current is None and all(o is not None for o in outcomes[start:]):
            return None, None


def _child(send, jobs: list[Job], memory_mb: int, work: Callable[[Job], Outcome]) -> None:
    """The child: each job's outcome sent as soon as it is known, under the memory limit."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the parent's to handle
    limit_memory(memory_mb)
    for n, job in enumerate(jobs):
        send.send(("start", n, None))
        outcome = work(job)
        if outcome.status == "failed" and outcome.debug and "MemoryError" in outcome.debug:
            outcome.error = (f"{Path(job.path).name} needed more than {memory_mb} MB and was skipped; "
                             "import it alone with a larger --doc-memory.")
        send.send(("done", n, outcome))
    send.close()


def _death(exitcode: int | None, memory_mb: int) -> str:
    """Why a child died, as the end of a sentence."""
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        if -exitcode == signal.SIGKILL:
            return (f"made the process reading it die ({name}: most often out of memory"
                    + (f", beyond the {memory_mb} MB a document may use" if memory_mb else "")
                    + "); import it alone with --debug, or report the file.")
        return f"made the process reading it crash ({name}); please report the file to the minutes maintainers."
    return f"made the process reading it exit (code {exitcode}); please report the file to the minutes maintainers."


def _lost(job: Job, why: str) -> Outcome:
    return Outcome(job.path, "failed", error=f"{Path(job.path).name} {why}")


def _allow_children() -> None:
    """Let a daemonic process (a Dask worker's) start the child: multiprocessing refuses by default.

    The child is ours to end: it is killed when it overruns, and it exits when the pipe to this
    process closes, so it cannot outlive the worker.
    """
    me = multiprocessing.current_process()
    if me.daemon:
        me._config["daemon"] = False  # no public switch; Dask documents the same restriction
