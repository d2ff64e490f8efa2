"""Watch a folder: import each file dropped into it (or its subfolders) once it is complete.

    from minutes.pipeline.watch import Watcher
    Watcher("inkommande/", "minutes.duckdb").run()          # until stopped
    Watcher("inkommande/", "minutes.duckdb").once()         # one pass, for cron

The folder is polled (no inotify needed, so network shares work too). A file is imported
once its size and modification time have stayed the same for `watch_settle` seconds, so a
file still being copied or saved is left until it is complete; a file removed before it is
read is forgotten. Each import goes through `import_paths` (hash first, a failure row for a
bad file, one writer), in this process, so the rules stay loaded between files. A restart
looks at every file again; those already imported are skipped as unchanged.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from minutes.core.settings import Settings

log = logging.getLogger("minutes.watch")

Stamp = tuple[int, int]  # (size, mtime_ns)


@dataclass
class Pass:
    """What one look at the folder did."""

    imported: list[str] = field(default_factory=list)  # imported or replaced
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # still being written


class Watcher:
    """Imports the complete new and changed files under `folder` into the warehouse at `db`."""

    def __init__(self, folder: str | Path, db: str | Path, settings: Settings = Settings(), *,
                 workers: int = 1, ocr: bool = True) -> None:
        self.folder = Path(folder)
        self.db = str(db)
        self.settings = settings
        self.workers, self.ocr = workers, ocr
        self.seen: dict[str, tuple[Stamp, float]] = {}  # path -> (stamp, since when it has been that)
        self.done: dict[str, Stamp] = {}  # path -> the stamp it had when imported (or found unchanged)
        self.stop = threading.Event()

    def scan(self) -> dict[str, Stamp]:
        """Every importable file under the folder with its size and modification time."""
        from minutes.pipeline.discover import discover

        found = {}
        for f in discover([self.folder], self.settings.follow_links):
            if f.error:
                continue
            try:
                st = f.st or os.stat(f.path)
            except OSError:  # removed while the folder was listed
                continue
            found[f.path] = (st.st_size, st.st_mtime_ns)
        return found

    def ready(self, now: float | None = None) -> tuple[list[str], list[str]]:
        """(files complete and not yet imported as they are, files still changing), after one scan."""
        now = time.monotonic() if now is None else now
        current = self.scan()
        for gone in set(self.seen) - set(current):
            if gone not in self.done:
                log.info("%s was removed before it was imported", self._name(gone))
            self.seen.pop(gone, None)
            self.done.pop(gone, None)
        complete, waiting = [], []
        for path, stamp in current.items():
            if self.done.get(path) == stamp:
                continue
            previous = self.seen.get(path)
            if previous is None or previous[0] != stamp:
                if previous is None:
                    log.info("found %s; importing it once it stops changing", self._name(path))
                self.seen[path] = (stamp, now)
                waiting.append(path)
            elif now - previous[1] >= self.settings.watch_settle and stamp[0] > 0:
                complete.append(path)
            else:
                waiting.append(path)
        return sorted(complete), sorted(waiting)

    def import_files(self, paths: list[str]) -> Pass:
        """Import these files through the importer and log what happened to each."""
        from minutes.pipeline import import_paths
        from minutes.warehouse import WarehouseError

        result = Pass()
        paths = [p for p in paths if os.path.exists(p)]
        if not paths:
            return result
        statuses: dict[str, str] = {}
        try:
            summary = import_paths(paths, self.db, settings=self.settings, workers=self.workers, ocr=self.ocr,
                                   progress=lambda done, total, path, status: statuses.__setitem__(path, status),
                                   command=f"minutes watch {self.folder}")
        except WarehouseError as e:  # another import holds the warehouse: the files wait for the next pass
            log.warning("%s; trying again at the next look", e)
            return result
        errors = dict(summary.failures)
        details = self._details([p for p, s in statuses.items() if s in ("imported", "replaced")])
        for path in paths:
            status = statuses.get(path, "failed")
            if status == "failed":
                result.failed.append(path)
                log.error("failed %s: %s", self._name(path), errors.get(path, "unknown error"))
            elif status == "unchanged":
                result.unchanged.append(path)
                log.debug("unchanged %s", self._name(path))
            else:
                result.imported.append(path)
                log.info("%s %s%s", status, self._name(path), details.get(path, ""))
            if os.path.exists(path):
                st = os.stat(path)
                self.done[path] = (st.st_size, st.st_mtime_ns)
        return result

    def _details(self, paths: list[str]) -> dict[str, str]:
        """': Socialnämnden 2025-02-12, 4 decisions, 3 assignments' for each imported file."""
        if not paths:
            return {}
        from minutes.warehouse import connect

        con = connect(self.db, read_only=True, wait=self.settings.lock_wait)
        try:
            rows = con.execute("""
                SELECT d.source_path, d.body, d.meeting_date,
                       (SELECT count(*) FROM core.decisions c WHERE c.document_id = d.document_id),
                       (SELECT count(*) FROM core.assignments s WHERE s.document_id = d.document_id)
                FROM core.documents d WHERE d.source_path IN (SELECT unnest(?))""", [paths]).fetchall()
        finally:
            con.close()
        out = {}
        for path, body, date, decisions, assignments in rows:
            meeting = " ".join(str(x) for x in (body, date) if x) or "no meeting found"
            out[path] = f": {meeting}, {decisions} decision{'s' * (decisions != 1)}, " \
                        f"{assignments} assignment{'s' * (assignments != 1)}"
        return out

    def step(self) -> Pass:
        """One look at the folder: import what is complete, note what is still being written."""
        complete, waiting = self.ready()
        result = self.import_files(complete)
        result.waiting = waiting
        return result

    def once(self) -> Pass:
        """One pass for cron: look, wait the settle time, import what did not change meanwhile."""
        self.ready()
        if self.stop.wait(self.settings.watch_settle):
            return Pass()
        result = self.step()
        for path in result.waiting:
            log.info("%s is still being written; it is imported at the next run", self._name(path))
        return result

    def run(self) -> None:
        """Look at the folder every `watch_interval` seconds until `stop` is set."""
        log.info("watching %s every %g s (files are imported %g s after they stop changing)",
                 self.folder, self.settings.watch_interval, self.settings.watch_settle)
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                result = self.step()
            except Exception:  # a bug must not end the service: say so, and look again later
                log.exception("the look at %s failed; trying again in %g s", self.folder,
                              self.settings.watch_interval)
                result = Pass()
            pause = self.settings.watch_interval - (time.monotonic() - started)
            if result.waiting:  # look again as soon as a new file may have settled
                pause = min(pause, self.settings.watch_settle)
            self.stop.wait(max(0.05, pause))
        log.info("stopped watching %s", self.folder)

    def _name(self, path: str) -> str:
        try:
            return os.path.relpath(path, self.folder)
        except ValueError:
            return path
