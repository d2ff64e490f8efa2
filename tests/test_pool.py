"""Worker processes: a worker that dies or hangs (even where no alarm reaches it) costs only its own file."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from minutes.core.settings import Settings
from minutes.pipeline.importer import worker_context
from minutes.pipeline.pool import WorkerPool
from minutes.pipeline.work import Job, Outcome


def work(job: Job) -> Outcome:
    """Stands in for `process`: "dies" is killed as the OOM killer would, "stuck" never returns."""
    name = os.path.basename(job.path)
    if name == "dies":
        os.kill(os.getpid(), signal.SIGKILL)
    if name == "stuck":  # like native code: the alarm inside the worker cannot interrupt it
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(600)
    return Outcome(job.path, "extracted", sha256=str(os.getpid()))


def jobs(*names: str, timeout: float = 1800) -> list[Job]:
    return [Job(f"/arkiv/{n}", 1, 1, settings=Settings(doc_timeout=timeout)) for n in names]


def test_a_dead_worker_costs_only_its_file():
    pool = WorkerPool(2, worker_context(), 0, work)
    try:
        out = {os.path.basename(o.path): o for o in pool.run(jobs("a", "dies", "b", "c", "dies", "d"))}
    finally:
        pool.close()
    assert {n for n, o in out.items() if o.status == "extracted"} == {"a", "b", "c", "d"}
    error = out["dies"].error
    assert out["dies"].status == "failed" and out["dies"].lasting
    assert "was killed (SIGKILL" in error and error.endswith(".") and "\n" not in error


@pytest.mark.slow
def test_a_worker_past_its_time_limit_is_killed_and_replaced():
    pool = WorkerPool(1, worker_context(), 0, work)
    t = time.monotonic()
    try:
        out = {os.path.basename(o.path): o for o in pool.run(jobs("stuck", "a", timeout=0.5))}
    finally:
        pool.close()
    assert time.monotonic() - t < 30
    assert out["a"].status == "extracted"
    assert out["stuck"].status == "failed" and "took longer than 0.5 s" in out["stuck"].error
    assert "--timeout" in out["stuck"].error


def test_a_run_is_called_off_when_its_stop_becomes_readable():
    import socket

    from minutes.pipeline.pool import Cancelled

    pool = WorkerPool(1, worker_context(), 0, work)
    client, stop = socket.socketpair()
    t = time.monotonic()
    try:
        outcomes = pool.run(jobs("a", "stuck", "b"), stop)
        assert next(outcomes).status == "extracted"
        client.close()  # the client went away while "stuck" is being read
        with pytest.raises(Cancelled):
            next(outcomes)
    finally:
        pool.close()
        stop.close()
    assert time.monotonic() - t < 30


def _children(pid: int) -> set[int]:
    out = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        out.update(int(c) for c in (task / "children").read_text().split())
    return out


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killing_the_importer_ends_its_workers(tmp_path):
    script = ("import sys; from minutes.pipeline.pool import WorkerPool; from minutes.pipeline.importer import "
              "worker_context; sys.path.insert(0, sys.argv[1]); import test_pool as t\n"
              "pool = WorkerPool(2, worker_context(), 0, t.work)\n"
              "for o in pool.run(t.jobs('stuck', 'stuck')): pass\n")
    importer = subprocess.Popen([sys.executable, "-c", script, str(Path(__file__).parent)])
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2 and time.monotonic() < deadline:  # the workers: children of the forkserver
            workers = {w for c in _children(importer.pid) for w in _children(c)}
            time.sleep(0.1)
        assert len(workers) == 2
    finally:
        importer.kill()
        importer.wait()
    deadline = time.monotonic() + 30
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [w for w in workers if _alive(w)]
