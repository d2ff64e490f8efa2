"""Worker processes that read files under a time limit and a memory limit, and survive their deaths.

Every file is read in a child process (`process` in work.py: opening, hashing, extracting,
OCR, rules), never in the importing process. Its limits hold even inside native code (pdfium,
spaCy, lxml, numpy), where no Python-level check can reach:
- memory: each worker may grow by at most Settings.doc_memory megabytes (RLIMIT_AS, `--doc-memory`);
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

from .work import Job, Outcome, limit_memory, process, too_long

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
    limit_memory(memory_mb)

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


class Cancelled(Exception):
    """A run called off from outside (`WorkerPool.run`'s `stop`): the import ends as if interrupted."""


#: Jobs handed to a worker at once: the next is waiting in its pipe when it finishes one.
QUEUED = 2


class _Worker:
    """One worker process, its end of the pipe, and the jobs handed to it (the first is the one it is on)."""

    def __init__(self, ctx: multiprocessing.context.BaseContext, memory_mb: int, work: Callable) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, memory_mb, work), daemon=True)
        self.process.start()
        child.close()
        self.jobs: deque[Job] = deque()
        self.started = self.deadline = 0.0

    @property
    def job(self) -> Job:
        return self.jobs[0]

    def give(self, job: Job) -> None:
        self.conn.send(job)
        self.jobs.append(job)
        if len(self.jobs) == 1:
            self._start()

    def done(self) -> None:
        """The first job answered: the next one, already in the pipe, starts now."""
        self.jobs.popleft()
        if self.jobs:
            self._start()

    def _start(self) -> None:
        self.started = time.monotonic()
        limit = self.job.settings.doc_timeout
        self.deadline = self.started + limit + GRACE if limit > 0 else float("inf")

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
        self.workers: list[_Worker] = []

    def run(self, jobs: Iterable[Job], stop=None) -> Iterator[Outcome]:
        """Outcomes of `jobs`, in the order they finish; a worker's death costs only its own job.

        `jobs` is read only as workers have room, so it may be a generator that decides as it goes.
        `stop` (a socket, or anything with a fileno) calls the run off when it becomes readable:
        `Cancelled` is raised, and `close` then kills the busy workers.
        """
        queue: deque[Job] = deque()  # jobs taken back from a worker that died, handed out first
        source = iter(jobs)
        while True:
            self._hand_out(queue, source)
            if not any(w.jobs for w in self.workers):
                return
            yield from self._collect(queue, stop)

    def _hand_out(self, queue: deque, source: Iterator[Job]) -> None:
        """Give every worker (starting up to `size`) jobs until each holds QUEUED or none are left."""
        for worker in [w for w in self.workers if not w.jobs and not w.process.is_alive()]:
            worker.kill()  # died between two jobs, holding none
            self.workers.remove(worker)
        while True:
            worker = min(self.workers, key=lambda w: len(w.jobs), default=None)
            if worker is None or (worker.jobs and len(self.workers) < self.size):
                worker = None  # another worker, up to `size`, before any holds two
            elif len(worker.jobs) >= QUEUED:
                return
            job = queue.popleft() if queue else next(source, None)
            if job is None:
                return
            if worker is None:
                worker = _Worker(self.ctx, self.memory_mb, self.work)
                self.workers.append(worker)
            try:
                worker.give(job)
            except OSError:  # it died: `_collect` fails its first job, or the next round replaces it
                queue.appendleft(job)
                return

    def _collect(self, queue: deque, stop=None) -> Iterator[Outcome]:
        """Wait for the first worker to answer, die or pass its deadline; yield what became of its jobs."""
        busy = [w for w in self.workers if w.jobs]
        if not busy:
            return
        timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
        waiting = [w.conn for w in busy] + [w.process.sentinel for w in busy] + ([stop] if stop is not None else [])
        ready = set(wait(waiting, None if timeout == float("inf") else timeout))
        if stop is not None and stop in ready:
            raise Cancelled("the import was called off")
        for worker in busy:
            try:
                while worker.jobs and worker.conn.poll():
                    outcome = worker.conn.recv()
                    worker.done()
                    yield outcome
            except (EOFError, OSError):
                pass
            if worker.jobs and (worker.process.sentinel in ready or time.monotonic() >= worker.deadline
                                or not worker.process.is_alive()):
                yield self._replace(worker, queue)

    def _replace(self, worker: _Worker, queue: deque) -> Outcome:
        """Kill a worker that died or ran out of time: its first job fails, the others go back to the queue."""
        timed_out = time.monotonic() >= worker.deadline
        worker.kill()
        self.workers.remove(worker)
        queue.extendleft(reversed(list(worker.jobs)[1:]))
        return _lost(worker, timed_out)

    def close(self) -> None:
        """Stop every worker: idle ones are told to, busy ones (an interrupted import) are killed."""
        for worker in self.workers:
            if not worker.jobs:
                try:
                    worker.conn.send(None)
                except OSError:
                    pass
        for worker in self.workers:
            if not worker.jobs:
                worker.process.join(2)
            worker.kill()
        self.workers = []


def _lost(worker: _Worker, timed_out: bool) -> Outcome:
    """The failure of a job whose worker did not answer: killed for time, or dead of something else."""
    job = worker.job
    name = shown_name(job.path)
    seconds = time.monotonic() - worker.started
    if timed_out:
        error = too_long(name, job.settings.doc_timeout)
    else:
        code = worker.process.exitcode
        if code is not None and code < 0:
            sig = signal.Signals(-code).name if -code in signal.valid_signals() else f"signal {-code}"
            cause = (f"was killed ({sig}, which is what the system does when memory runs out)"
                     if -code == signal.SIGKILL else f"crashed ({sig})")
        else:
            cause = f"ended unexpectedly (exit code {code})"
        limit = f", within the {job.settings.doc_memory} MB one file may take (--doc-memory)" \
            if job.settings.doc_memory else ""
        error = (f"The process reading {name} {cause}{limit}; the file was skipped and the rest imported "
                 "(--force tries it again).")
    log.debug("worker %s lost on %s: %s", worker.process.pid, job.path, error)
    return Outcome(job.path, "failed", error=error, seconds=seconds, lasting=True)


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
