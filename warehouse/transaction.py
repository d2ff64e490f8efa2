"""One transaction around a piece of warehouse work, or the caller's when it already holds one."""
from __future__ import annotations

import contextlib
from typing import Iterator

import duckdb


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection, joined: bool = False) -> Iterator[None]:
    """Begin, then commit when the block ends or roll back when it raises; nothing when `joined` (the caller's
    transaction, which the caller ends: the lake writes derived tables in the one that publishes a run)."""
    if joined:
        yield
        return
    con.begin()
    try:
        yield
        con.commit()
    except BaseException:
        con.rollback()
        raise
