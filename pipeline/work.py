"""The per-file work: read -> extract -> rules -> rows. A pure function of the file and the rules.

It runs in the importing process or in a worker process; it never touches the warehouse,
so any executor can run it and the single writer loads what it returns.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import signal
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from minutes.core.paths import shown, shown_name
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
    """One file to look at; `known_sha` is the hash stored for it, so unchanged bytes skip extraction.

    `roots` are the real paths the file must lie under (links out of them are not read), or
    None when links may lead anywhere (`--follow-links`).
    """

    path: str
    size: int
    mtime_ns: int
    known_sha: str | None = None
    rules_version: str = ""
    force: bool = False
    ocr: bool = True
    settings: Settings = Settings()  # the time and memory limits (0: none) and the OCR settings
    roots: tuple[str, ...] | None = None  # links may lead only inside these (None: any)
    local_path: str | None = None  # where the bytes are, when `path` names them elsewhere (an s3:// copy)


@dataclass
class Outcome:
    path: str
    status: str  # extracted | same_bytes | copy | failed
    sha256: str | None = None
    record: object | None = None  # warehouse.DocumentRecord
    error: str | None = None
    debug: str | None = None  # traceback for --debug
    pages: int | None = None
    seconds: float = 0.0
    ocr_seconds: float | None = None
    warnings: list[str] = field(default_factory=list)
    no_facts: bool = False  # nothing about a meeting was found: no date, body, attendees, decisions or assignments
    lasting: bool = False  # a failure the same bytes meet again (a limit, a damaged file): not retried unchanged
    twin: str | None = None  # for a copy: the stored file with the same bytes


class Refused(Exception):
    """A path that is not read: not a regular file, or a link out of the import roots; the message says which."""


def open_regular(path: str, roots: tuple[str, ...] | None = None) -> int:
    """A file descriptor of `path`, refused unless it is a regular file inside `roots`.

    Checked on the opened file, so a path swapped for a pipe or a link after it was listed is
    refused too; O_NONBLOCK keeps the open itself from waiting on a pipe with no writer.
    """
    from .discover import inside, kind_of, not_regular_error, outside_error

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        kind = kind_of(os.fstat(fd).st_mode)
        if kind:
            raise Refused(not_regular_error(path, kind))
        if roots is not None:
            real = _real_path(fd, path)
            if not inside(real, roots):
                raise Refused(outside_error(path, real))
    except BaseException:
        os.close(fd)
        raise
    return fd


def _real_path(fd: int, path: str) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")  # the file actually opened (Linux)
    except OSError:
        return os.path.realpath(path)


def sha256_of(path: str, roots: tuple[str, ...] | None = None, deadline: float = float("inf")) -> str:
    """The SHA-256 of a regular file (see `open_regular`), read a megabyte at a time until `deadline`."""
    h = hashlib.sha256()
    with os.fdopen(open_regular(path, roots), "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
            if time.perf_counter() > deadline:
                raise DocumentTimeout
    return h.hexdigest()


def hashed(job: Job) -> str | Outcome:
    """The file's hash, or the failure that reading it met (under the job's time limit)."""
    t0 = time.perf_counter()
    limit = job.settings.doc_timeout
    name = shown_name(job.path)
    try:
        return sha256_of(job.local_path or job.path, job.roots, t0 + limit if limit > 0 else float("inf"))
    except Refused as e:
        error, lasting = str(e), False
    except DocumentTimeout:
        error, lasting = too_long(name, limit), True
    except OSError as e:
        error, lasting = f"{name} cannot be read ({e.strerror}); check the file's permissions.", False
    return Outcome(job.path, "failed", error=error, lasting=lasting, seconds=time.perf_counter() - t0)


def limit_memory(megabytes: int) -> None:
    """Let this process's memory (its address space, RLIMIT_AS) grow by at most `megabytes` from now on,
    within any lower limit it was started under; 0: no limit. An allocation past it fails as MemoryError."""
    if megabytes <= 0:
        return
    import resource

    with open("/proc/self/statm") as f:
        now = int(f.read().split()[0]) * resource.getpagesize()
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    limit = now + megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def too_long(name: str, limit: float) -> str:
    return (f"{name} took longer than {limit:g} s, the limit for one file (--timeout), and was skipped; "
            "import it alone with a larger --timeout.")


def process(job: Job) -> Outcome:
    """Hash the file; if its bytes are new (or `force`), extract it and apply the rules."""
    from minutes.extractors import ExtractionError, extract
    from minutes.extractors.convert import Converter
    from minutes.rules import analyse

    from .normalise import to_record

    t0 = time.perf_counter()
    read = job.local_path or job.path
    name = shown_name(job.path)

    def failed(error: str, sha: str | None = None, lasting: bool = True, **kw) -> Outcome:
        return Outcome(job.path, "failed", sha, error=error, lasting=lasting, seconds=time.perf_counter() - t0, **kw)

    sha = hashed(job)
    if isinstance(sha, Outcome):
        return sha
    if sha == job.known_sha and not job.force:
        return Outcome(job.path, "same_bytes", sha, seconds=time.perf_counter() - t0)
    try:
        with time_limit(job.settings.doc_timeout):
            doc = extract(Path(read), ocr=_ocr_engine(job.settings) if job.ocr else None,
                          office=Converter(job.settings.libreoffice, job.settings.convert_timeout))
            ex = analyse(doc, name)
            record = to_record(shown(job.path), sha, job.size, job.mtime_ns, doc, ex, job.rules_version)
    except DocumentTimeout:
        return failed(too_long(name, job.settings.doc_timeout), sha)
    except MemoryError:
        return failed(f"{name} needed more than {job.settings.doc_memory} MB, the memory one file may take "
                      "(--doc-memory), and was skipped; import it alone with a larger --doc-memory.", sha)
    except ExtractionError as e:
        return failed(str(e), sha, lasting=e.lasting)
    except Exception as e:  # a bug or a file no backend foresaw: the batch goes on
        log.debug("failed on %s", job.path, exc_info=True)
        return failed(f"{name} could not be processed ({type(e).__name__}: {e}); please report this file to the "
                      "minutes maintainers.", sha, lasting=False, debug=traceback.format_exc())
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
    return OcrEngine(dpi=settings.ocr_dpi, workers=settings.ocr_workers, binary=settings.tesseract,
                     max_megapixels=settings.ocr_max_megapixels)
