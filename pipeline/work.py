"""The per-file work: read -> extract -> rules -> rows. A pure function of the file and the rules.

It runs in the importing process or in a worker process; it never touches the warehouse,
so any executor can run it and the single writer loads what it returns.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import signal
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from minutes.core.settings import Settings

log = logging.getLogger(__name__)


#: The import log's note for a document read without error in which nothing about a meeting was found.
NO_FACTS = ("no meeting facts, attendees, decisions or assignments were found; check that it is meeting minutes "
            "(for a scan, that its text is legible)")


class DocumentTimeout(Exception):
    """Raised inside `process` when a document takes longer than its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Interrupt the work after `seconds` (main thread only: a worker process or the CLI itself).

    A file that makes an extractor or a rule loop must not stall a batch of thousands; the
    alarm interrupts Python code, and OCR subprocesses have their own limits.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _alarm(signum, frame):
        raise DocumentTimeout

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Job:
    """One file to look at; `known_sha` is the hash stored for it, so unchanged bytes skip extraction."""

    path: str
    size: int
    mtime_ns: int
    known_sha: str | None = None
    rules_version: str = ""
    force: bool = False
    ocr: bool = True
    settings: Settings = Settings()  # the time limit (0: none) and the OCR settings
    local_path: str | None = None  # where the bytes are, when `path` names them elsewhere (an s3:// copy)


@dataclass
class Outcome:
    path: str
    status: str  # extracted | same_bytes | failed
    sha256: str | None = None
    record: object | None = None  # warehouse.DocumentRecord
    error: str | None = None
    debug: str | None = None  # traceback for --debug
    pages: int | None = None
    seconds: float = 0.0
    ocr_seconds: float | None = None
    warnings: list[str] = field(default_factory=list)
    no_facts: bool = False  # nothing about a meeting was found: no date, body, attendees, decisions or assignments


def sha256_of(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def process(job: Job) -> Outcome:
    """Hash the file; if its bytes are new (or `force`), extract it and apply the rules."""
    from minutes.extractors import ExtractionError, extract
    from minutes.extractors.convert import Converter
    from minutes.rules import analyse

    from .normalise import to_record

    t0 = time.perf_counter()
    read = job.local_path or job.path
    try:
        sha = sha256_of(read)
    except OSError as e:
        return Outcome(job.path, "failed", error=f"{Path(job.path).name} cannot be read ({e.strerror}); "
                                                  "check the file's permissions.", seconds=time.perf_counter() - t0)
    if sha == job.known_sha and not job.force:
        return Outcome(job.path, "same_bytes", sha, seconds=time.perf_counter() - t0)
    try:
        with time_limit(job.settings.doc_timeout):
            doc = extract(Path(read), ocr=_ocr_engine(job.settings) if job.ocr else None,
                          office=Converter(job.settings.libreoffice, job.settings.convert_timeout))
            ex = analyse(doc, Path(job.path).name)
            record = to_record(job.path, sha, job.size, job.mtime_ns, doc, ex, job.rules_version)
    except DocumentTimeout:
        limit = job.settings.doc_timeout
        return Outcome(job.path, "failed", sha, error=f"{Path(job.path).name} took longer than {limit:g} s and was "
                                                      "skipped; import it alone with a larger --timeout.",
                       seconds=time.perf_counter() - t0)
    except ExtractionError as e:
        return Outcome(job.path, "failed", sha, error=str(e), seconds=time.perf_counter() - t0)
    except Exception as e:  # a bug or a file no backend foresaw: the batch goes on
        log.debug("failed on %s", job.path, exc_info=True)
        return Outcome(job.path, "failed", sha,
                       error=f"{Path(job.path).name} could not be processed ({type(e).__name__}: {e}); "
                             "please report this file to the minutes maintainers.",
                       debug=traceback.format_exc(), seconds=time.perf_counter() - t0)
    warnings = list(doc.metadata.get("warnings", []))
    no_facts = not (ex.meeting.meeting_date or ex.meeting.body or ex.attendees or ex.decisions or ex.assignments)
    if no_facts:
        warnings.append(NO_FACTS)
    return Outcome(job.path, "extracted", sha, record, pages=doc.page_count, seconds=time.perf_counter() - t0,
                   ocr_seconds=doc.ocr_seconds or None, warnings=warnings, no_facts=no_facts)


def _ocr_engine(settings: Settings):
    """The OCR engine for scanned pages, or None when OCR is not available."""
    try:
        from minutes.extractors.ocr import OcrEngine
    except ImportError:
        return None
    return OcrEngine(dpi=settings.ocr_dpi, workers=settings.ocr_workers, binary=settings.tesseract)
