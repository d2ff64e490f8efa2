"""Limits on read queries: time, memory and a private temp folder, for `minutes sql` and the web site.

DuckDB spills to a temp folder and may use most of the machine's memory; a query from an
analyst or a page must not stall or starve everything else. `limited` gives a connection a
memory limit and a temp folder of its own (mode 0700, removed afterwards), then locks its
configuration; `time_limit` interrupts a query that runs longer than its limit.
"""
from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
from dataclasses import dataclass
from typing import Iterator

import duckdb

from minutes.core.settings import Settings

from .errors import WarehouseError
from .store import lock_down


@dataclass(frozen=True)
class QueryLimits:
    """How long one query may run (0: no limit) and how much memory and temp disk it may use."""

    seconds: float = Settings.query_timeout
    memory: str = Settings.query_memory
    temp: str = Settings.query_temp

    @classmethod
    def of(cls, settings: Settings) -> QueryLimits:
        return cls(settings.query_timeout, settings.query_memory, settings.query_temp)


class QueryTimeout(WarehouseError):
    """A query ran longer than its time limit and was stopped."""


@contextlib.contextmanager
def limited(con: duckdb.DuckDBPyConnection, limits: QueryLimits) -> Iterator[duckdb.DuckDBPyConnection]:
    """The connection with a memory limit, a temp folder only this process can read, and no file access.

    The temp folder is created for this connection and removed when the block ends, so what a
    query spills (or writes with COPY TO, the one place DuckDB still allows) is never read back
    by anyone else.
    """
    temp = tempfile.mkdtemp(prefix="minutes-query-")  # 0700: only this user
    try:
        con.execute("SET memory_limit = ?", [limits.memory])
        con.execute("SET max_temp_directory_size = ?", [limits.temp])
        con.execute("SET temp_directory = ?", [temp])
        yield lock_down(con)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


@contextlib.contextmanager
def time_limit(con: duckdb.DuckDBPyConnection, seconds: float) -> Iterator[None]:
    """Interrupt the connection's query when it runs longer than `seconds` (0: never).

    DuckDB checks for an interrupt between vectors, so the query stops within milliseconds;
    the interrupted query raises QueryTimeout with what to do.
    """
    if not seconds or seconds <= 0:
        yield
        return
    fired = threading.Event()

    def stop() -> None:
        fired.set()
        con.interrupt()

    timer = threading.Timer(seconds, stop)
    timer.daemon = True
    timer.start()
    try:
        yield
    except (duckdb.InterruptException, RuntimeError) as e:
        if fired.is_set():
            raise QueryTimeout(f"The query ran longer than {seconds:g} s and was stopped; narrow it down "
                               "or give it more time with --query-timeout.") from e
        raise
    finally:
        timer.cancel()
