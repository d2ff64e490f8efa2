"""The DuckDB warehouse: schema migrations, loading documents, the import log.

One process writes at a time (DuckDB locks the file); every document is written in one
transaction, so a crash leaves each document either fully old or fully new.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
import os
import re
import time
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

import duckdb

from minutes.core.tables import BY_NAME, DOCUMENT_ROWS, TABLES

from .errors import WarehouseError
from .corrections import apply as apply_corrections
from .rows import DocumentRecord, columns_of, joined, key_of, row_keys
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


def lock_down(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Forbid every file access the connection was not already given, and any change to that."""
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


@contextlib.contextmanager
def import_lock(path: str | Path) -> Iterator[None]:
    """Hold the right to import into `path`; a second import fails at once with a clear message.

    Two importers would otherwise take turns at the file and parse the same files twice. The
    lock is an flock on `<path>.import-lock`, released by the kernel even when the holder is killed;
    the holder removes the file when it is done, so none is left beside the warehouse.
    """
    if str(path) == ":memory:":
        yield
        return
    folder = Path(path).parent
    if not folder.is_dir():
        raise WarehouseError(f"The folder {folder} for the warehouse does not exist; create it or choose another --db.")
    lock_path = f"{path}.import-lock"
    fh = _locked(lock_path, path)
    try:
        fh.seek(0)
        fh.truncate()
        fh.write(f"process {os.getpid()}")
        fh.flush()
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock_path)  # while still holding it: a process waiting on this file then finds it gone
        fh.close()


def _locked(lock_path: str, path: str | Path):
    """The lock file, opened and locked; retried when its holder removed it between our open and our lock."""
    while True:
        fh = open(lock_path, "a+")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            fh.close()
            raise WarehouseError(f"Another import ({holder}) is writing to {path}; wait for it to finish, "
                                 "then run this import again.") from None
        try:
            if os.stat(lock_path).st_ino == os.fstat(fh.fileno()).st_ino:
                return fh
        except FileNotFoundError:
            pass
        fh.close()


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
        self.migrate()

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = connect(self.path, wait=self.lock_wait)
            # DuckDB 1.4 samples object columns as if they were pandas Series and fails on a NumPy
            # column whose first thousand values are null; the table's own types decide instead.
            self._con.execute("SET pandas_analyze_sample = 0")
        return self._con

    def release(self) -> None:
        """Close the file so other processes can open it; the next use opens it again."""
        if self._con is not None:
            self._con.close()
            self._con = None

    def close(self) -> None:
        self.release()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # schema ---------------------------------------------------------------------
    def version(self) -> int:
        self.con.execute("CREATE SCHEMA IF NOT EXISTS core")
        self.con.execute("CREATE TABLE IF NOT EXISTS core.schema_version (version INTEGER, name VARCHAR, "
                         "applied_at TIMESTAMP)")
        row = self.con.execute("SELECT max(version) FROM core.schema_version").fetchone()
        return row[0] or 0

    def migrate(self) -> int:
        """Apply pending migrations (each in its own transaction) and recreate the public views.

        A migration is pending when the warehouse has not recorded it, also below its highest version:
        migrations written on separate branches may arrive after a higher one was applied."""
        current = self.version()
        if current > SCHEMA_VERSION:
            raise WarehouseError(
                f"The warehouse {self.path} has schema version {current}, newer than this minutes "
                f"({SCHEMA_VERSION}); upgrade minutes to use it.")
        applied = {v for (v,) in self.con.execute("SELECT version FROM core.schema_version").fetchall()}
        for version, name, sql in migrations():
            if version in applied:
                continue
            log.info("applying migration %04d_%s", version, name)
            self.con.begin()
            try:
                self.con.execute(sql)
                self.con.execute("INSERT INTO core.schema_version VALUES (?, ?, ?)",
                                 [version, name, dt.datetime.now()])
                self.con.commit()
            except Exception:
                self.con.rollback()
                raise
        views = resources.files("minutes.warehouse").joinpath("views.sql").read_text(encoding="utf-8")
        self.con.execute(views)
        for version, backfill in _BACKFILLS:
            if applied and version not in applied:
                backfill(self)
        return SCHEMA_VERSION

    # reading --------------------------------------------------------------------
    def known_files(self) -> dict[str, tuple]:
        """source_path -> (size, mtime_ns, sha256, rules_version, document_id) for every stored document."""
        rows = self.con.execute(
            "SELECT source_path, size_bytes, mtime_ns, sha256, rules_version, document_id FROM core.documents"
        ).fetchall()
        return {r[0]: tuple(r[1:]) for r in rows}

    # writing --------------------------------------------------------------------
    def write_batch(self, records: list[DocumentRecord], replaced: set[str] = frozenset(),
                    imports: list[dict[str, Any]] = (), touches: list[tuple[str, int, int]] = ()) -> None:
        """Write whole documents, their import-log rows and new file stamps in one transaction.

        Each document is written entirely or not at all: a crash leaves every document either
        as it was or as it is now.
        """
        self.con.begin()
        try:
            self.write_rows(records, replaced, imports, touches)
            self.con.commit()
        except Exception:
            self.con.rollback()
            self.term_ids = None  # terms numbered in the rolled-back transaction are gone: reload
            raise

    def write_rows(self, records: list[DocumentRecord], replaced: set[str] = frozenset(),
                   imports: list[dict[str, Any]] = (), touches: list[tuple[str, int, int]] = ()) -> None:
        """The statements of `write_batch`, inside the caller's transaction.

        `replaced` names the documents whose old rows go first; a document seen for the first
        time has none, so nothing is deleted for it.
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

    def insert_postings(self, columns: dict[str, list] | None) -> None:
        """Write search postings, numbering new terms (search.insert_postings)."""
        insert_postings(self, columns)

    def apply_corrections(self, paths: list[str]) -> None:
        """Apply the corrections of the documents just written again (warehouse/corrections.py)."""
        for c in apply_corrections(self, paths):
            log.warning("correction %s of %s (%s) no longer finds its row in %s; see `minutes corrections`",
                        c["correction_id"], c["row_id"], c["field"] or "marked wrong", c["source_path"])

    def insert_rows(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Insert plain rows (dicts with the same keys) into core.<table> with one statement.

        The table's `*_key` columns (tables.Table.keys) the rows lack are computed here (rows.columns_of).
        """
        self.insert_columns(table, columns_of(table, rows))

    def insert_columns(self, table: str, columns: dict[str, list]) -> None:
        """Insert rows given column by column: as lists bound to one statement, or numpy arrays when many.

        DuckDB scans a dict of numpy object arrays in place, five times faster than binding long
        lists and without importing pandas (0.3 s) into every import.
        """
        names = ", ".join(f'"{c}"' for c in columns)
        length = len(next(iter(columns.values()), []))
        if not length:
            return
        if length <= 500:
            self.con.execute(f"INSERT INTO core.{table} ({names}) SELECT {', '.join('unnest(?)' for _ in columns)}",
                             list(columns.values()))
            return
        import numpy as np

        # fromiter keeps each value one element (np.array would turn equal-length lists into a matrix)
        self.con.register("_incoming", {c: np.fromiter(v, dtype=object, count=length) for c, v in columns.items()})
        try:
            self.con.execute(f"INSERT INTO core.{table} ({names}) SELECT {names} FROM _incoming")
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

    def counts(self) -> dict[str, int]:
        out = {}
        for table in ("documents", "decisions", "assignments", "attendees"):
            out[table] = self.con.execute(f"SELECT count(*) FROM core.{table}").fetchone()[0]
        return out


def _backfill_search_and_persons(wh: Warehouse) -> None:
    """After the upgrade to schema 2: index the stored texts and link persons, as new imports do."""
    from .persons import rebuild
    from .search import index_documents

    log.info("indexing existing documents for search")
    index_documents(wh)
    rebuild(wh)


def _backfill_keys(wh: Warehouse) -> None:
    """After the upgrade to schema 4: compute every *_key column of the stored rows."""
    from .persons import rebuild

    log.info("computing comparison keys of stored rows")
    _compute_keys(wh, TABLES)
    rebuild(wh)


def _backfill_case_keys(wh: Warehouse) -> None:
    """After the upgrade to schema 5: the diarienummer keys of stored sections (follow-ups come at the next import)."""
    _compute_keys(wh, [BY_NAME["sections"]])


def _compute_keys(wh: Warehouse, tables) -> None:
    """Fill the *_key columns of the stored rows of `tables` (tables.Table.keys)."""
    for table in tables:
        for key_column, source in table.keys:
            found = [v for (v,) in wh.con.execute(
                f"SELECT DISTINCT {source} FROM core.{table.name} WHERE {source} IS NOT NULL").fetchall()]
            if found:
                wh.con.execute("CREATE OR REPLACE TEMP TABLE _keys AS SELECT unnest(?) AS v, unnest(?) AS k",
                               [found, [key_of(v) for v in found]])
                wh.con.execute(f"UPDATE core.{table.name} SET {key_column} = _keys.k FROM _keys "
                               f"WHERE core.{table.name}.{source} = _keys.v")


def _backfill_row_keys(wh: Warehouse) -> None:
    """After the upgrade to schema 6: the content key of every stored row that corrections are keyed on."""
    log.info("computing row keys of stored rows")
    for table in TABLES:
        if table.identity:
            cur = wh.con.execute(f"SELECT {table.id_column}, document_id, {', '.join(table.identity)} "
                                 f"FROM core.{table.name} ORDER BY document_id, {table.id_column}")
            names = [d[0] for d in cur.description]
            rows = [dict(zip(names, r)) for r in cur.fetchall()]
            if rows:
                wh.con.execute("CREATE OR REPLACE TEMP TABLE _row_keys AS SELECT unnest(?) AS id, unnest(?) AS k",
                               [[r[table.id_column] for r in rows], row_keys(rows, table.identity)])
                wh.con.execute(f"UPDATE core.{table.name} SET row_key = _row_keys.k FROM _row_keys "
                               f"WHERE core.{table.name}.{table.id_column} = _row_keys.id")


#: Python work that follows a migration: (schema version, function).
_BACKFILLS = ((2, _backfill_search_and_persons), (4, _backfill_keys), (5, _backfill_case_keys),
              (6, _backfill_row_keys))


def import_row(run_id: str, source_path: str, status: str, *, document_id: str | None = None,
               sha256: str | None = None, error: str | None = None, note: str | None = None,
               pages: int | None = None, seconds: float | None = None, ocr_seconds: float | None = None) -> dict:
    """One row of core.imports."""
    return {"run_id": run_id, "source_path": source_path, "document_id": document_id, "sha256": sha256,
            "status": status, "error": error, "note": note, "pages": pages, "seconds": seconds,
            "ocr_seconds": ocr_seconds, "at": dt.datetime.now()}
