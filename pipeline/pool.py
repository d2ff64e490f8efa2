"""Worker processes that read files under a time limit and a memory limit, and survive their deaths.

Every file is read in a child process (`process` in work.py: opening, hashing, extracting,
OCR, rules), never in the importing process. Its limits hold even inside native code (pdfium,
spaCy, lxml, numpy), where no Python-level check can reach:
- memory: each worker runs under an address-space limit (RLIMIT_AS, Settings.memory_limit);
  an allocation past it fails, which Python reports as a MemoryError;
- time: a worker still busy with one file past Settings.doc_timeout (plus a short grace for
  the alarm inside it to fire first) is killed with SIGKILL.
A worker that dies (killed for time, by the system's out-of-memory killer, or crashed) costs
only its file: the file gets a failure row naming the cause, a new worker takes its place and
the batch goes on. Workers die with the importer: they ask the kernel for SIGKILL when their
parent (the forkserver, which exits with the importer) goes.
"""
from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from multiprocessing.connection import Connection, wait
from typing import Callable, Iterable, Iterator

from minutes.core.paths import shown_name

from .work import Job, Outcome, process

log = logging.getLogger(__name__)

#: Seconds past the time limit before a worker is killed: the alarm inside it ends Python code sooner.
GRACE = 2.0


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent exits (Linux; elsewhere nothing)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _let_forkserver_go() -> None:
    """Close this worker's copy of the forkserver's lifeline, so that the forkserver can end with the importer.

    multiprocessing hands every process the forkserver starts a copy of the pipe whose closing
    tells the forkserver its client is gone, so that the child could start processes of its own
    (workers never do). While any worker holds it, the forkserver outlives a killed importer,
    and the workers, which end with the forkserver (`die_with_parent`), outlive it too.
    """
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    fd = getattr(server, "_forkserver_alive_fd", None)
    if fd is not None:
        try:
            os.close(fd)
        except OSError:
            pass
        server._forkserver_alive_fd = None


def _serve(conn: Connection, memory_mb: int, work: Callable[[Job], Outcome]) -> None:
    """A worker: read jobs from `conn` until told to stop, answering each with `work(job)`."""
    die_with_parent()
    if os.getppid() == 1:  # the parent went before the line above took effect
        os._exit(0)
    _let_forkserver_go()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the importer, which ends the workers
    if memory_mb:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        outcome = work(job)
        try:
            conn.send(outcome)
        except (MemoryError, ValueError, TypeError, AttributeError) as e:  # a result that could not be sent
            conn.send(Outcome(job.path, "failed", outcome.sha256, lasting=True, seconds=outcome.seconds,
                              error=f"{shown_name(job.path)} was read, but its result could not be passed on "
                                    f"({type(e).__name__}); it was skipped, please report this file."))


class _Worker:
    """One worker process, its end of the pipe, and the job it is busy with."""

    def __init__(self, ctx: multiprocessing.context.BaseContext, memory_mb: int, work: Callable) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, memory_mb, work), daemon=True)
        self.process.start()
        child.close()
        self.job: Job | None = None
        self.started = self.deadline = 0.0

    def give(self, job: Job) -> None:
        self.job, self.started = job, time.monotonic()
        limit = job.settings.doc_timeout
        self.deadline = self.started + limit + GRACE if limit > 0 else float("inf")
        self.conn.send(job)

    def kill(self) -> None:
        if self.process.is_alive():
            try:
                os.kill(self.process.pid, signal.SIGKILL)
            except OSError:
                pass
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """Up to `size` workers forked from `ctx`; `run` hands them jobs and yields outcomes as they come.

    `work` is what a worker does with a job: `process` (reading a file), or another picklable
    function with its signature.
    """

    def __init__(self, size: int, ctx: multiprocessing.context.BaseContext, memory_mb: int,
                 work: Callable[[Job], Outcome] = process) -> None:
        self.size, self.ctx, self.memory_mb, self.work = max(1, size), ctx, memory_mb, work
        self.idle: list[_Worker] = []
        self.busy: list[_Worker] = []

    def run(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        """Outcomes of `jobs`, in the order they finish; a worker's death costs only its own job."""
        queue = deque(jobs)
        while queue or self.busy:
            while queue and len(self.busy) < self.size:
                worker = self.idle.pop() if self.idle else _Worker(self.ctx, self.memory_mb, self.work)
                try:
                    worker.give(queue[0])
                except OSError:  # it died between two jobs: start another
                    worker.kill()
                    continue
                queue.popleft()
                self.busy.append(worker)
            yield from self._collect()

    def _collect(self) -> Iterator[Outcome]:
        """Wait for the first worker to answer, die or pass its deadline; yield what became of its jobs."""
        now = time.monotonic()
        timeout = max(0.0, min(w.deadline for w in self.busy) - now)
        ready = set(wait([w.conn for w in self.busy] + [w.process.sentinel for w in self.busy],
                         None if timeout == float("inf") else timeout))
        now = time.monotonic()
        for worker in list(self.busy):
            outcome = None
            if worker.conn in ready:
                try:
                    outcome = worker.conn.recv()
                except (EOFError, OSError):
                    outcome = None
            if outcome is not None:
                self.busy.remove(worker)
                worker.job = None
                (self.idle if worker.process.is_alive() else []).append(worker)
                yield outcome
            elif worker.conn in ready or worker.process.sentinel in ready or now >= worker.deadline:
                timed_out = now >= worker.deadline
                worker.kill()
                self.busy.remove(worker)
                yield _lost(worker, timed_out)

    def close(self) -> None:
        """Stop every worker: idle ones are told to, busy ones (an interrupted import) are killed."""
        for worker in self.idle:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        for worker in self.idle:
            worker.process.join(2)
            worker.kill()
        for worker in self.busy:
            worker.kill()
        self.idle, self.busy = [], []


def _lost(worker: _Worker, timed_out: bool) -> Outcome:
    """The failure of a job whose worker did not answer: killed for time, or dead of something else."""
    job = worker.job
    name = shown_name(job.path)
    seconds = time.monotonic() - worker.started
    if timed_out:
        error = (f"{name} took longer than {job.settings.doc_timeout:g} s, the limit for one file (--timeout), "
                 "and was skipped; import it alone with a larger --timeout.")
    else:
        code = worker.process.exitcode
        if code is not None and code < 0:
            sig = signal.Signals(-code).name if -code in signal.valid_signals() else f"signal {-code}"
            cause = (f"was killed ({sig}, which is what the system does when memory runs out)" if -code == signal.SIGKILL
                     else f"crashed ({sig})")
        else:
            cause = f"ended unexpectedly (exit code {code})"
        limit = f", within the {job.settings.memory_limit} MB memory limit (--memory-limit)" \
            if job.settings.memory_limit else ""
        error = (f"The process reading {name} {cause}{limit}; the file was skipped and the rest imported "
                 "(--force tries it again).")
    log.debug("worker %s lost on %s: %s", worker.process.pid, job.path, error)
    return Outcome(job.path, "failed", error=error, seconds=seconds, lasting=True)
