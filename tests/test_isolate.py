"""A document that kills, overruns or exhausts its child process is a failure row; the next one still runs."""
from __future__ import annotations

import os
import signal
import time

import pytest

from minutes.core.settings import Settings
from minutes.pipeline.work import Job, Outcome


def work(job: Job) -> Outcome:
    """Stands in for `process`: what each file name says it does."""
    name = os.path.basename(job.path)
    if name == "dödar.pdf":
        os.kill(os.getpid(), signal.SIGKILL)
    if name == "segfault.pdf":
        os.kill(os.getpid(), signal.SIGSEGV)
    if name == "hänger.pdf":
        time.sleep(60)
    if name == "äter.pdf":
        hog = bytearray(400 * 1024 * 1024)  # past the 100 MB allowance
        return Outcome(job.path, "extracted", pages=len(hog))
    return Outcome(job.path, "extracted", sha256="x", pages=1)


@pytest.mark.slow
def test_each_fault_is_the_row_of_its_own_file_and_the_rest_go_on():
    from minutes.pipeline.isolate import GRACE, extract_isolated

    settings = Settings(doc_timeout=1, doc_memory=100)
    names = ["a.pdf", "dödar.pdf", "b.pdf", "segfault.pdf", "hänger.pdf", "äter.pdf", "c.pdf"]
    t0 = time.monotonic()
    outcomes = extract_isolated([Job(f"/arkiv/{n}", 1, 1, settings=settings) for n in names], settings, work=work)
    assert time.monotonic() - t0 < 30 + GRACE
    got = {os.path.basename(o.path): (o.status, o.error or "") for o in outcomes}
    assert [os.path.basename(o.path) for o in outcomes] == names
    assert {n for n, (status, _) in got.items() if status == "extracted"} == {"a.pdf", "b.pdf", "c.pdf"}
    assert "dödar.pdf made the process reading it die (SIGKILL: most often out of memory" in got["dödar.pdf"][1]
    assert "crash (SIGSEGV)" in got["segfault.pdf"][1]
    assert "hänger.pdf took longer than 1 s and was stopped" in got["hänger.pdf"][1]
    assert got["äter.pdf"][0] == "failed" and "äter.pdf made the process reading it" in got["äter.pdf"][1]
