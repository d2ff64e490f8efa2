"""The DuckDB warehouse: schema migrations, loading documents, the import log.

One process writes at a time (DuckDB locks the file); every document is written in one
transaction, so a crash leaves each document either fully old or fully new.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import re
import sys
import time
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

import duckdb

from minutes.core.tables import DOCUMENT_ROWS

from .corrections import apply as apply_corrections
from .errors import WarehouseError
from .importlock import import_lock  # noqa: F401  (importers take it from here)
from .persons import surname
from .rows import DocumentRecord, columns_of, joined
from .search import insert_postings

log = logging.getLogger(__name__)


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration shipped with the package, in order."""
    root = resources.files("minutes.warehouse").joinpath("migrations")
    out = []
    for entry in root.iterdir():
        m = re.match(r"^(\d{4})_(.+)\.sql$", entry.name)
        if m:
            out.append((int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    return sorted(out)


SCHEMA_VERSION = max(v for v, _, _ in migrations())


#: Seconds to wait for a warehouse another process holds (an import writing a batch, a reader).
LOCK_WAIT = 30.0


def connect(path: str | Path, read_only: bool = False, wait: float = LOCK_WAIT) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file, waiting while another process holds it, with an error a user can act on.

    DuckDB lets one process hold a file at a time; the importer holds it only while it writes a
    batch, so readers and writers here retry for up to `wait` seconds (Settings.lock_wait).
    """
    path = str(path)
    if path.startswith("ducklake:"):  # a lake is read through warehouse/lake.py; this command needs the file
        raise WarehouseError(f"{path} is a lake; import into it and read it with the other commands, but this "
                             "one works on a DuckDB file warehouse only.")
    if read_only and path != ":memory:" and not Path(path).exists():
        raise WarehouseError(f"No warehouse at {path}; run `minutes import PATH --db {path}` first.")
    deadline = time.monotonic() + wait
    pause = 0.02
    while True:
        try:
            return duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as e:
            if "lock" not in str(e).lower():
                raise WarehouseError(f"Cannot open the warehouse {path}: {str(e).splitlines()[0]}") from e
            if time.monotonic() >= deadline:
                raise WarehouseError(
                    f"The warehouse {path} is held by another process (a long query or a stuck import); "
                    "wait for it to finish and try again.") from e
            time.sleep(pause)
            pause = min(pause * 1.5, 0.25)


@contextlib.contextmanager
def without_pandas() -> Iterator[None]:
    """Keep DuckDB from importing pandas while the block runs (when nothing has imported it yet).

    DuckDB's Python client imports pandas the first time a query binds a parameter, to recognise
    pandas' missing-value markers (NaT, NA), which minutes never passes; that import is about
    half a second of every command's start-up. Inside this block `import pandas` fails, so DuckDB
    goes without; afterwards pandas imports as usual.
    """
    if "pandas" in sys.modules:
        yield
        return
    sys.modules["pandas"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if sys.modules.get("pandas", False) is None:
            del sys.modules["pandas"]


def lock_down(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Forbid every file access the connection was not already given, and any change to that."""
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


class Warehouse:
    """A writable warehouse; opening it applies any pending schema migrations.

    The connection is opened when first used and closed by `release()`, so an importer can let
    readers in between its batches.
    """

    def __init__(self, path: str | Path, lock_wait: float = LOCK_WAIT) -> None:
        self.path = str(path)
        self.lock_wait = lock_wait
        self._con: duckdb.DuckDBPyConnection | None = None
        self.term_ids: dict[str, int] | None = None  # search term -> id, loaded when first needed (search.py)
        self.changed_surnames: set[str] = set()  # of the persons the writes since the last rebuild may change
        self.orphaned: set[str] = set()  # corrections whose row was not found when their document was written
        self.migrate()

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = connect(self.path, wait=self.lock_wait)
            # DuckDB 1.4 samples object columns as if they were pandas Series and fails on a NumPy
            # column whose first thousand values are null; the table's own types decide instead.
            self._con.execute("SET pandas_analyze_sample = 0")
            # Closing leaves the write-ahead log for the next open (readers replay it) instead of
            # checkpointing: an import lets readers in after every batch, and a checkpoint at each
            # close took longer than writing the batch. The log is checkpointed when it passes
            # 4 MB (so a reader replays at most about that much), and at the end of an import
            # (`checkpoint`), which leaves the warehouse one file.
            self._con.execute("PRAGMA disable_checkpoint_on_shutdown")
            self._con.execute("SET wal_autocheckpoint = '4MB'")
            # The writer's statements are small (a batch is a few thousand rows): one thread runs
            # them a third faster than two, which spend the difference handing work over.
            self._con.execute("SET threads = 1")
        return self._con

    def release(self) -> None:
        """Close the file so other processes can open it; the next use opens it again."""
        if self._con is not None:
            self._con.close()
            self._con = None

    def checkpoint(self) -> None:
        """Write the write-ahead log into the file, so that the warehouse is one file again."""
        self.con.execute("CHECKPOINT")

    def close(self) -> None:
        self.release()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # schema ---------------------------------------------------------------------
    def version(self) -> int:
        """The schema version of the warehouse: its newest migration (0 for a new file)."""
        return max(self.applied(), default=0)

    def applied(self) -> set[int]:
        """The migrations applied to the warehouse (none for a new file)."""
        try:
            return {v for (v,) in self.con.execute("SELECT version FROM core.schema_version").fetchall()}
        except duckdb.CatalogException:
            return set()

    def migrate(self) -> int:
        """Apply pending migrations (each in its own transaction), and recreate the public views when views.sql
        changed. Opening an up-to-date warehouse only reads: its migrations and the hash of its views (core.meta).
        """
        applied = self.applied()
        current = max(applied, default=0)
        if current > SCHEMA_VERSION:
            raise WarehouseError(
                f"The warehouse {self.path} has schema version {current}, newer than this minutes "
                f"({SCHEMA_VERSION}); upgrade minutes to use it.")
        views = resources.files("minutes.warehouse").joinpath("views.sql").read_text(encoding="utf-8")
        views_sha = hashlib.sha1(views.encode()).hexdigest()
        pending = [m for m in migrations() if m[0] not in applied]  # also one older than the newest applied
        if not pending and self._views_sha() == views_sha:
            return SCHEMA_VERSION
        self._transaction("CREATE SCHEMA IF NOT EXISTS core",
                          "CREATE TABLE IF NOT EXISTS core.schema_version (version INTEGER, name VARCHAR, "
                          "applied_at TIMESTAMP)")
        for version, name, sql in pending:
            log.info("applying migration %04d_%s", version, name)
            self._transaction(sql, f"INSERT INTO core.schema_version VALUES ({version:d}, '{name}', now())")
        self._transaction(views, "CREATE TABLE IF NOT EXISTS core.meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
                          f"INSERT OR REPLACE INTO core.meta VALUES ('views', '{views_sha}')")
        from .backfills import BACKFILLS

        for version, backfill in BACKFILLS:
            if applied and version in {m[0] for m in pending}:
                backfill(self)
        return SCHEMA_VERSION

    def _transaction(self, *statements: str) -> None:
        self.con.begin()
        try:
            for sql in statements:
                self.con.execute(sql)
            self.con.commit()
        except Exception:
            self.con.rollback()
            raise

    def _views_sha(self) -> str | None:
        try:
            row = self.con.execute("SELECT value FROM core.meta WHERE key = 'views'").fetchone()
        except duckdb.CatalogException:
            return None
        return row[0] if row else None

    # reading --------------------------------------------------------------------
    def known_files(self) -> dict[str, tuple]:
        """source_path -> (size, mtime_ns, sha256, rules_version, document_id) for every stored document."""
        rows = self.con.execute(
            "SELECT source_path, size_bytes, mtime_ns, sha256, rules_version, document_id FROM core.documents"
        ).fetchall()
        return {r[0]: tuple(r[1:]) for r in rows}

    # writing --------------------------------------------------------------------
    def write_batch(self, records: list[DocumentRecord], replaced: set[str] = frozenset(),
                    imports: list[dict[str, Any]] = (), touches: list[tuple[str, int, int]] = (),
                    stamps: list[dict[str, Any]] = ()) -> None:
        """Write whole documents, their import-log rows and new file stamps in one transaction.

        Each document is written entirely or not at all: a crash leaves every document either
        as it was or as it is now.
        """
        self.con.begin()
        try:
            gone = set(replaced)
            if replaced and records:  # a file that moved onto a path stored under another id: that one goes too
                gone |= self._documents_at([r.document["source_path"] for r in records])
            before = self.surnames_of(gone)
            self.write_rows(records, replaced, imports, touches, stamps)
            after = self.surnames_of({r.document["document_id"] for r in records})  # corrections applied
            self.con.commit()
            self.changed_surnames |= before | after
        except Exception:
            self.con.rollback()
            self.term_ids = None  # terms numbered in the rolled-back transaction are gone: reload
            raise

    def surnames_of(self, document_ids: set[str]) -> set[str]:
        """Surnames of the people named in these stored documents (attendees and named owners): the
        persons a change to those documents can change."""
        if not document_ids:
            return set()
        rows = self.con.execute(
            "SELECT name_key FROM core.attendees WHERE document_id IN (SELECT unnest($ids)) UNION "
            "SELECT owner_key FROM core.assignments WHERE owner_kind = 'person' "
            "AND document_id IN (SELECT unnest($ids))",
            {"ids": sorted(document_ids)}).fetchall()
        return {s for (k,) in rows if (s := surname(k))}

    def _documents_at(self, paths: list[str]) -> set[str]:
        rows = self.con.execute("SELECT document_id FROM core.documents WHERE source_path IN (SELECT unnest(?))",
                                [paths]).fetchall()
        return {r[0] for r in rows}

    def write_rows(self, records: list[DocumentRecord], replaced: set[str] = frozenset(),
                   imports: list[dict[str, Any]] = (), touches: list[tuple[str, int, int]] = (),
                   stamps: list[dict[str, Any]] = ()) -> None:
        """The statements of `write_batch`, inside the caller's transaction.

        `replaced` names the documents whose old rows go first; a document seen for the first
        time has none, so nothing is deleted for it. `touches` are new size and time stamps of
        stored documents, `stamps` rows of core.file_stamps for files not stored (see
        `remembered`), each replacing its path's last.
        """
        ids = sorted(replaced)
        if ids:
            for table in ("attendee_persons", "assignment_persons"):  # links of the rows about to go
                owner = table.split("_")[0] + "s"
                self.con.execute(f"DELETE FROM core.{table} WHERE {owner[:-1]}_id IN (SELECT {owner[:-1]}_id "
                                 f"FROM core.{owner} WHERE document_id IN (SELECT unnest(?)))", [ids])
            for table in DOCUMENT_ROWS:
                self.con.execute(f"DELETE FROM core.{table.name} WHERE document_id IN (SELECT unnest(?))", [ids])
            self.con.execute("DELETE FROM core.documents WHERE document_id IN (SELECT unnest(?))", [ids])
        if records:
            paths = [r.document["source_path"] for r in records]
            if ids:  # a file that moved onto a path stored under another id
                self.con.execute("DELETE FROM core.documents WHERE source_path IN (SELECT unnest(?))", [paths])
            self.insert_rows("documents", [r.document for r in records])
            for table in DOCUMENT_ROWS:
                if table.name != "postings":
                    self.insert_columns(table.name, joined([r.rows.get(table.name) for r in records]))
            self.insert_postings(joined([r.rows.get("postings") for r in records]))
            self.apply_corrections(paths)
        for path, size, mtime_ns in touches:
            self.con.execute("UPDATE core.documents SET size_bytes = ?, mtime_ns = ? WHERE source_path = ?",
                             [size, mtime_ns, path])
        self.insert_rows("imports", list(imports))
        if stamps:
            self.insert_columns("file_stamps", {c: [r.get(c) for r in stamps] for c in stamps[0]}, replace=True)

    def insert_postings(self, columns: dict[str, list] | None) -> None:
        """Write search postings, numbering new terms (search.insert_postings)."""
        insert_postings(self, columns)

    def apply_corrections(self, paths: list[str]) -> None:
        """Apply the corrections of the documents just written again (warehouse/corrections.py)."""
        for c in apply_corrections(self, paths):
            self.orphaned.add(c["correction_id"])
            log.warning("correction %s of %s (%s) no longer finds its row in %s; see `minutes corrections`",
                        c["correction_id"], c["row_id"], c["field"] or "marked wrong", c["source_path"])

    def insert_rows(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Insert plain rows (dicts with the same keys) into core.<table> with one statement.

        The table's `*_key` columns (tables.Table.keys) the rows lack are computed here (rows.columns_of).
        """
        self.insert_columns(table, columns_of(table, rows))

    def insert_columns(self, table: str, columns: dict[str, list], replace: bool = False) -> None:
        """Insert rows given column by column: as lists bound to one statement, or numpy arrays when many.

        DuckDB scans a dict of numpy object arrays in place, five times faster than binding long
        lists and without importing pandas (0.3 s) into every import.
        """
        names = ", ".join(f'"{c}"' for c in columns)
        length = len(next(iter(columns.values()), []))
        if not length:
            return
        insert = "INSERT OR REPLACE" if replace else "INSERT"
        if length <= 500:
            self.con.execute(f"{insert} INTO core.{table} ({names}) SELECT {', '.join('unnest(?)' for _ in columns)}",
                             list(columns.values()))
            return
        import numpy as np

        # fromiter keeps each value one element (np.array would turn equal-length lists into a matrix)
        self.con.register("_incoming", {c: np.fromiter(v, dtype=object, count=length) for c, v in columns.items()})
        try:
            self.con.execute(f"{insert} INTO core.{table} ({names}) SELECT {names} FROM _incoming")
        finally:
            self.con.unregister("_incoming")

    # import log -------------------------------------------------------------------
    def start_run(self, run_id: str, command: str) -> None:
        self.con.execute("INSERT INTO core.runs (run_id, started_at, command) VALUES (?, ?, ?)",
                         [run_id, dt.datetime.now(), command])

    def finish_run(self, run_id: str, counts: dict[str, int]) -> None:
        self.con.execute(
            "UPDATE core.runs SET finished_at = ?, files = ?, imported = ?, unchanged = ?, replaced = ?, failed = ?, "
            "skipped = ? WHERE run_id = ?",
            [dt.datetime.now(), sum(counts.values()), counts.get("imported", 0), counts.get("unchanged", 0),
             counts.get("replaced", 0), counts.get("failed", 0), counts.get("skipped", 0), run_id])

    def remembered(self) -> dict[str, tuple]:
        """source_path -> (status, size, mtime_ns, sha256, retry_key, error) of the files stamped when last logged.

        Files that are not stored as documents are stamped with their size and modification
        time (core.file_stamps): a lasting failure, and a copy of a stored file, so that an
        unchanged one need not be read again.
        """
        rows = self.con.execute("SELECT source_path, status, size_bytes, mtime_ns, sha256, retry_key, error "
                                "FROM core.file_stamps").fetchall()
        return {r[0]: tuple(r[1:]) for r in rows}

    def unfinished_documents(self, run_id: str) -> set[str]:
        """The documents written by the runs since the last that finished, which did not finish themselves
        (killed before their derived tables)."""
        rows = self.con.execute(
            "SELECT DISTINCT i.document_id FROM core.imports i JOIN core.runs r USING (run_id) "
            "WHERE r.finished_at IS NULL AND r.run_id <> ? AND i.status IN ('imported', 'replaced') "
            "AND i.document_id IS NOT NULL AND r.started_at > coalesce((SELECT max(started_at) FROM core.runs "
            "WHERE finished_at IS NOT NULL), TIMESTAMP '1970-01-01')", [run_id]).fetchall()
        return {r[0] for r in rows}

    def last_run_finished(self, run_id: str) -> bool:
        """Whether the run before `run_id` finished (a killed one may have left derived tables stale)."""
        row = self.con.execute("SELECT finished_at IS NOT NULL FROM core.runs WHERE run_id <> ? "
                               "ORDER BY started_at DESC LIMIT 1", [run_id]).fetchone()
        return row is None or bool(row[0])

    def counts(self) -> dict[str, int]:
        tables = ("documents", "decisions", "assignments", "attendees")
        row = self.con.execute("SELECT " + ", ".join(f"(SELECT count(*) FROM core.{t})" for t in tables)).fetchone()
        return dict(zip(tables, row))




def import_row(run_id: str, source_path: str, status: str, *, document_id: str | None = None,
               sha256: str | None = None, error: str | None = None, note: str | None = None,
               pages: int | None = None, seconds: float | None = None, ocr_seconds: float | None = None) -> dict:
    """One row of core.imports; the path and sentences as shown (minutes.core.paths), not as on disk."""
    return {"run_id": run_id, "source_path": source_path, "document_id": document_id, "sha256": sha256,
            "status": status, "error": error, "note": note, "pages": pages,
            "seconds": seconds, "ocr_seconds": ocr_seconds, "at": dt.datetime.now()}
