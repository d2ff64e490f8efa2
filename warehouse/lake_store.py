"""Writing to a lake: the warehouse's own writer, with commits retried whole when DuckLake reports a conflict.

Many workers commit at once. Inserts never conflict, but two transactions deleting from the
same data file do (re-imports), as do a commit against a schema change or a compaction, and a
SQLite catalog that is busy: then the whole batch is rolled back and run again. Search-term
ids are 64-bit hashes of the terms (`term_id`), so no writer needs a counter held by another.
"""
from __future__ import annotations

import hashlib
import logging
import random
import time
from typing import Any, Callable, TypeVar

import duckdb

from minutes.core.settings import Settings

from . import lake
from .persons import surname
from .store import DocumentRecord, Warehouse

log = logging.getLogger(__name__)

T = TypeVar("T")
#: How often a batch is tried before its error is final.
ATTEMPTS = 6
_RETRYABLE = ("conflict", "failed to commit", "database is locked", "maximum retry count", "could not serialize")
#: SQL giving the same 64-bit id as `term_id` (the first 16 hex digits of the term's md5).
TERM_ID_SQL = "('0x' || md5(term)[1:16])::UBIGINT"


def term_id(term: str) -> int:
    """A search term's id: the same on every machine and in every version, without a central counter."""
    return int(hashlib.md5(term.encode("utf-8")).hexdigest()[:16], 16)


def retryable(error: Exception) -> bool:
    """Whether running the whole transaction again can succeed (a commit race, not a bad value)."""
    return isinstance(error, duckdb.Error) and any(s in str(error).lower() for s in _RETRYABLE)


class LakeWarehouse(Warehouse):
    """A writable lake. The connection stays open: the lake never locks out other writers or readers."""

    def __init__(self, db: str, settings: Settings = Settings(), *, migrate: bool = True,
                 threads: int | None = None) -> None:
        self.path = db
        self.settings = settings
        self.lock_wait = settings.lock_wait
        self.threads = threads
        self.term_ids = None
        self._con: duckdb.DuckDBPyConnection | None = None
        if migrate:
            self.migrate()

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = lake.open_lake(self.path, self.settings, threads=self.threads)
            self._con.execute("SET pandas_analyze_sample = 0")
        return self._con

    def release(self) -> None:
        """Nothing to release: a lake admits other writers and readers while this one is open."""

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def migrate(self) -> int:
        return lake.migrate(self.con, self.path)

    def apply_corrections(self, paths: list[str]) -> None:
        """Nothing to apply: corrections are made in a DuckDB file (`minutes correct`), a lake holds none."""

    def insert_columns(self, table: str, columns: dict[str, list]) -> None:
        """Insert rows given column by column, scanned in place as one Arrow table."""
        if not columns or not len(next(iter(columns.values()))):
            return
        names = ", ".join(f'"{c}"' for c in columns)
        self.con.register("_incoming", _frame(columns))
        try:
            self.con.execute(f"INSERT INTO core.{table} ({names}) SELECT {names} FROM _incoming")
        finally:
            self.con.unregister("_incoming")

    def insert_postings(self, columns: dict[str, list] | None) -> None:
        """Write postings and the terms the lake does not have yet, with hashed ids computed in SQL."""
        if not columns or not columns["term"]:
            return
        self.con.register("_postings", _frame(columns))
        try:
            self.con.execute(f"INSERT INTO core.postings (term_id, kind, row_id, document_id, tf) "
                             f"SELECT {TERM_ID_SQL}, kind, row_id, document_id, tf FROM _postings")
            # two workers adding the same new term at once leave a duplicate row: readers use DISTINCT
            self.con.execute(f"INSERT INTO core.terms SELECT id, term FROM (SELECT {TERM_ID_SQL} AS id, term FROM "
                             f"(SELECT DISTINCT term FROM _postings)) WHERE id NOT IN (SELECT term_id FROM core.terms)")
        finally:
            self.con.unregister("_postings")

    def retry(self, work: Callable[[], T], what: str = "batch") -> tuple[T, int]:
        """Run `work` in one transaction, again from the start while the lake reports a commit race."""
        for attempt in range(1, ATTEMPTS + 1):
            self.con.begin()
            try:
                result = work()
                self.con.commit()
                return result, attempt
            except Exception as e:
                try:
                    self.con.rollback()
                except duckdb.Error:
                    pass  # a failed commit has already ended the transaction
                if attempt == ATTEMPTS or not retryable(e):
                    raise
                log.debug("%s: commit race (%s), attempt %d", what, str(e).splitlines()[0][:120], attempt)
                time.sleep(0.05 * attempt * (1 + random.random()))  # writers must not retry in step
        raise AssertionError("unreachable")

    def commit_batch(self, run_id: str, records: list[DocumentRecord], replaced: set[str] = frozenset(),
                     imports: list[dict[str, Any]] = (), touches: list[tuple[str, int, int]] = ()) -> int:
        """Write a batch as `write_batch` does, plus what derived tables owe for it; returns the attempts taken."""
        def work() -> None:
            again = self._already_stored(run_id, records, imports)
            todo = self.surnames_of(replaced | again) | _surnames_of_records(records)
            todo_rows = [("surname", s) for s in sorted(todo)]
            todo_rows += [("document", r.document["document_id"]) for r in records]
            self.write_rows(records, replaced | again, imports, touches)
            if todo_rows:
                self.insert_columns("derived_todo", {"run_id": [run_id] * len(todo_rows),
                                                     "kind": [k for k, _ in todo_rows],
                                                     "key": [v for _, v in todo_rows]})
        return self.retry(work)[1]

    def _already_stored(self, run_id: str, records: list[DocumentRecord], imports: list[dict[str, Any]]) -> set[str]:
        """Documents this run stored already for the batch's files, whose import rows are removed.

        A batch runs again when its worker died after committing it; replacing what that first
        run stored keeps every file stored once. The import log of this run says what it was.
        """
        paths = [i["source_path"] for i in imports]
        if not paths:
            return set()
        earlier = self.con.execute(  # the range lets the lake skip the files of this run's other batches
            "SELECT source_path, document_id FROM core.imports WHERE run_id = ? AND source_path BETWEEN ? AND ? "
            "AND source_path IN (SELECT unnest(?))", [run_id, min(paths), max(paths), paths]).fetchall()
        if not earlier:
            return set()
        self.con.execute("DELETE FROM core.imports WHERE run_id = ? AND source_path IN (SELECT unnest(?))",
                         [run_id, sorted({p for p, _ in earlier})])
        return {d for _, d in earlier} & {r.document["document_id"] for r in records}

    def known(self, paths: list[str]) -> dict[str, tuple]:
        """source_path -> (size, mtime_ns, sha256, rules_version, document_id) for the given paths only."""
        if not paths:
            return {}
        rows = self.con.execute("SELECT source_path, size_bytes, mtime_ns, sha256, rules_version, document_id "
                                "FROM core.documents WHERE source_path IN (SELECT unnest(?))", [paths]).fetchall()
        return {r[0]: tuple(r[1:]) for r in rows}

    def start(self, run_id: str, command: str) -> None:
        self.retry(lambda: self.start_run(run_id, command), "start of run")

    def finish(self, run_id: str, counts: dict[str, int], status: str) -> list[str]:
        """Bring the derived tables up to date and record how the run ended, in one snapshot readers see.

        The derived work is what `derived_todo` holds: this run's and that of any run that
        crashed before it got this far. Returns the documents written since the last refresh.
        """
        from .persons import rebuild

        def work() -> list[str]:
            todo = self.con.execute("SELECT DISTINCT kind, key FROM core.derived_todo").fetchall()
            surnames = sorted(k for kind, k in todo if kind == "surname")
            documents = sorted(k for kind, k in todo if kind == "document")
            if surnames:
                rebuild(self, surnames, in_transaction=True)
            for hook in DOCUMENT_HOOKS:
                hook(self, documents)
            for kind, keys in (("surname", surnames), ("document", documents)):
                if keys:
                    self.con.execute("DELETE FROM core.derived_todo WHERE kind = ? AND key IN (SELECT unnest(?))",
                                     [kind, keys])
            self.finish_run(run_id, counts)
            self.con.execute("UPDATE core.runs SET status = ? WHERE run_id = ?", [status, run_id])
            self.con.execute(f"CALL {lake.ALIAS}.set_commit_message('minutes', ?)", [lake.PUBLISHED + run_id])
            return documents
        return self.retry(work, "derived tables")[0]


#: Work on derived tables that follows changed documents, run inside `finish`'s transaction with
#: the ids of the documents written since the last refresh: hook(lake_warehouse, document_ids).
DOCUMENT_HOOKS: list[Callable[[LakeWarehouse, list[str]], None]] = []


def _surnames_of_records(records: list[DocumentRecord]) -> set[str]:
    """Surnames of the people named in the documents about to be written."""
    found = set()
    for r in records:
        found.update(r.rows.get("attendees", {}).get("name_key", ()))
        owners = r.rows.get("assignments", {})
        found.update(k for k, kind in zip(owners.get("owner_key", ()), owners.get("owner_kind", ())) if kind == "person")
    return {s for k in found if (s := surname(k))}


def _frame(columns: dict[str, list]):
    """Columns as an Arrow table DuckDB scans in place (numpy object arrays when pyarrow is missing)."""
    try:
        import pyarrow as pa
    except ImportError:
        import numpy as np
        return {c: np.array(v, dtype=object) for c, v in columns.items()}
    return pa.table(columns)
