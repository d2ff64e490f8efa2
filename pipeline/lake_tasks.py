"""What a worker does for the lake engine: read a batch of files, extract them, commit them to the lake.

`run_batch` runs on a Dask worker (or a local process). It looks at each file itself (stat, or
the object's size and ETag on s3://), skips what is unchanged, extracts the rest in a child
process with time and memory limits (pipeline/isolate.py), and writes the documents with
their import-log rows in one lake transaction, retried whole on a commit race. It returns
only a summary: the client schedules and never writes documents.
"""
from __future__ import annotations

import hashlib
import os
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from minutes.core.settings import Settings

from .work import Job, Outcome


@dataclass
class FileTask:
    """One file of a batch, with what the lake held for it when the import was planned."""

    path: str
    known: tuple | None = None  # (size, stamp, sha256, rules_version, document_id)


@dataclass
class BatchTask:
    run_id: str
    db: str
    settings: Settings
    files: list[FileTask]
    force: bool = False
    ocr: bool = True


@dataclass
class FileResult:
    path: str
    status: str  # imported | replaced | unchanged | failed | skipped
    pages: int = 0
    seconds: float = 0.0
    error: str | None = None
    debug: str | None = None
    note: str | None = None
    no_facts: bool = False  # imported, but nothing about a meeting was found in it


@dataclass
class BatchResult:
    host: str
    rules_version: str
    files: list[FileResult] = field(default_factory=list)
    extract_seconds: float = 0.0
    write_seconds: float = 0.0
    attempts: int = 1
    worker: str = ""  # host, process and thread that ran the batch: one worker slot
    started: float = 0.0  # when the slot started and ended the batch (time.time() there)
    ended: float = 0.0


_LAKES: dict = {}  # one lake connection per worker thread and lake


def _lake(db: str, settings: Settings):
    """This thread's connection to the lake: a Dask worker running batches in several threads gives each
    its own transaction; one DuckDB thread each, as a worker slot is one core."""
    from minutes.warehouse.lake_store import LakeWarehouse

    slot = (db, settings, threading.get_ident())
    found = _LAKES.get(slot)
    if found is None:
        found = _LAKES[slot] = LakeWarehouse(db, settings, migrate=False, threads=1)
    return found


def is_remote(path: str) -> bool:
    return "://" in path


def stamp_of(path: str, settings: Settings) -> tuple[int, int]:
    """(size, stamp) of a file: its mtime in ns, or for an object a number made from its ETag."""
    if not is_remote(path):
        st = os.stat(path)
        return st.st_size, st.st_mtime_ns
    import fsspec

    fs, key = fsspec.core.url_to_fs(path, **_options(path, settings))
    info = fs.info(key)
    etag = str(info.get("ETag") or info.get("etag") or info.get("LastModified") or "")
    return int(info["size"]), int(hashlib.md5(etag.encode()).hexdigest()[:15], 16)


def _options(path: str, settings: Settings) -> dict:
    from minutes.warehouse.lake import storage_options

    if not path.startswith("s3://"):
        return {}
    return {**storage_options(settings), "use_listings_cache": False, "skip_instance_cache": True}


def fetch(path: str, settings: Settings, folder: str) -> str:
    """A local copy of an object's bytes, under its own file name, for the extractors to read."""
    import fsspec

    local = os.path.join(folder, Path(path).name)
    with fsspec.open(path, "rb", **_options(path, settings)) as src, open(local, "wb") as dst:
        for chunk in iter(lambda: src.read(1 << 20), b""):
            dst.write(chunk)
    return local


def run_batch(task: BatchTask) -> BatchResult:
    """Look at, extract and store every file of the batch; one lake transaction for all of them."""
    from minutes.rules import rules_version
    from minutes.warehouse.store import import_row

    from .isolate import extract_isolated

    host = socket.gethostname()
    version = rules_version()  # this worker's own rules: recorded with each document it stores
    result = BatchResult(host, version, worker=f"{host}:{os.getpid()}:{threading.get_ident()}", started=time.time())
    t0 = time.perf_counter()
    plan = _Plan(task, version, host)
    with tempfile.TemporaryDirectory(prefix="minutes-") as folder:
        jobs = plan.jobs(folder)
        outcomes = extract_isolated(jobs, task.settings) if jobs else []
    result.extract_seconds = time.perf_counter() - t0
    for outcome in outcomes:
        plan.take(outcome)
    t1 = time.perf_counter()
    lake = _lake(task.db, task.settings)
    twins = plan.twins(lake)
    imports = [import_row(task.run_id, path, status, **kw) for path, status, kw in plan.rows(twins)]
    for r in plan.records:
        r.document["worker"] = host
    records = [r for r in plan.records if r.document["source_path"] not in twins]
    result.attempts = lake.commit_batch(task.run_id, records, plan.replaced, imports, plan.touches)
    result.write_seconds = time.perf_counter() - t1
    result.files = [FileResult(path, status, kw.get("pages") or 0, kw.get("seconds") or 0.0, kw.get("error"),
                               plan.debug.get(path), kw.get("note"), path in plan.no_facts)
                     for path, status, kw in plan.rows(twins)]
    result.ended = time.time()
    return result


class _Plan:
    """The files of one batch: which need extracting, and the rows each file ends with."""

    def __init__(self, task: BatchTask, version: str, host: str) -> None:
        self.task, self.version, self.host = task, version, host
        self.known = {f.path: f.known for f in task.files}
        self.out: dict[str, tuple[str, dict]] = {}  # path -> (status, import_row keywords)
        self.records: list = []
        self.replaced: set[str] = set()
        self.touches: list[tuple[str, int, int]] = []
        self.debug: dict[str, str] = {}
        self.no_facts: set[str] = set()
        self.stamps: dict[str, tuple[int, int]] = {}

    def jobs(self, folder: str) -> list[Job]:
        """Jobs for the files that are new or changed; the others get their row at once."""
        jobs = []
        for f in self.task.files:
            try:
                size, stamp = stamp_of(f.path, self.task.settings)
            except FileNotFoundError:
                self._fail(f.path, self._not_found(f.path))
                continue
            except OSError as e:
                self._fail(f.path, f"{Path(f.path).name} cannot be read on {self.host} ({e.strerror or e}); "
                                   "check its permissions there.")
                continue
            self.stamps[f.path] = (size, stamp)
            old = f.known
            if old and not self.task.force and old[:2] == (size, stamp) and old[3] == self.version:
                self.out[f.path] = ("unchanged", {"document_id": old[4], "sha256": old[2]})
                continue
            try:
                local = fetch(f.path, self.task.settings, folder) if is_remote(f.path) else None
            except FileNotFoundError:
                self._fail(f.path, self._not_found(f.path))
                continue
            known_sha = old[2] if old and old[3] == self.version else None
            jobs.append(Job(f.path, size, stamp, known_sha, self.version, self.task.force, self.task.ocr,
                            self.task.settings, local_path=local))
        return jobs

    def _not_found(self, path: str) -> str:
        if is_remote(path):
            return f"{Path(path).name} is no longer at {path}; check the address, then run the import again."
        return (f"{Path(path).name} was not found on {self.host}; check that {path} exists there "
                "(every worker must see the files at the same path).")

    def _fail(self, path: str, error: str, **kw) -> None:
        self.out[path] = ("failed", {"error": error, **kw})

    def take(self, o: Outcome) -> None:
        """The row (and the document to store) for one extracted file."""
        known = self.known[o.path]
        if o.status == "failed":
            if o.debug:
                self.debug[o.path] = o.debug
            if o.error and "cannot be read" in o.error and not is_remote(o.path) and not os.path.exists(o.path):
                o.error = self._not_found(o.path)  # it vanished between the look and the read
            self._fail(o.path, o.error or "unknown error", sha256=o.sha256, seconds=o.seconds)
        elif o.status == "same_bytes":
            self.touches.append((o.path, *self.stamps[o.path]))
            self.out[o.path] = ("unchanged", {"document_id": known[4] if known else None, "sha256": o.sha256,
                                              "seconds": o.seconds})
        else:
            record = o.record
            record.document["rules_version"] = self.version
            self.records.append(record)
            if o.no_facts:
                self.no_facts.add(o.path)
            if known:
                self.replaced.update((known[4], record.document["document_id"]))
            note = "; ".join(o.warnings) if o.warnings else None
            self.out[o.path] = ("replaced" if known else "imported", {
                "document_id": record.document["document_id"], "sha256": o.sha256, "pages": o.pages,
                "seconds": o.seconds, "ocr_seconds": o.ocr_seconds, "note": note})

    def twins(self, lake) -> dict[str, str]:
        """New files whose bytes the lake already holds under another path: path -> that path."""
        new = {r.document["sha256"]: r.document["source_path"] for r in self.records
               if not self.known[r.document["source_path"]]}
        if not new:
            return {}
        rows = lake.con.execute("SELECT sha256, any_value(source_path) FROM core.documents WHERE sha256 IN "
                                "(SELECT unnest(?)) GROUP BY sha256", [list(new)]).fetchall()
        return {new[sha]: other for sha, other in rows
                if other != new[sha] and (is_remote(other) or os.path.exists(other))}

    def rows(self, twins: dict[str, str]):
        """(path, status, import_row keywords) of every file, in the batch's order."""
        for f in self.task.files:
            status, kw = self.out[f.path]
            if f.path in twins:
                status, kw = "unchanged", {"sha256": kw.get("sha256"), "seconds": kw.get("seconds"),
                                           "note": f"identical to {twins[f.path]}, which is already imported; "
                                                   "not stored twice"}
            yield f.path, status, kw

