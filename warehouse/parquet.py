"""The warehouse as Parquet: one layout for `minutes export --format parquet`, `minutes import --out-parquet`
and `minutes sql --parquet`.

Every view of the contract gets a folder, `DIR/<view>/`. The views holding a document's rows
are split by the document's region and meeting year (`DIR/decisions/region=Region
Östergötland/year=2024/data_0.parquet`); a document without a region is filed under
`region=okänd`, one without a meeting date under `year=0`, so every reader (DuckDB, pyarrow,
pandas, Spark) sees plain values and no engine's own folder for missing ones. The other
views (persons, imports, the analyst views) are one file each, `DIR/<view>/data_0.parquet`.
`parquet_connection` opens such a folder read-only for `minutes sql --parquet DIR`, with the
same sandbox as the warehouse: only those Parquet files can be read, nothing can be written.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import time
import uuid
import weakref
from pathlib import Path

import duckdb

from minutes.core.tables import exported_views, partitioned_views

from .errors import WarehouseError

#: The partition values of a document without a region or without a meeting date.
MISSING_REGION, MISSING_YEAR = "okänd", 0
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


def local_folder(target: str | Path) -> Path:
    """`target` as a folder on this machine; an object-store URL (s3://, gs://, …) is refused with one sentence."""
    if _URL.match(str(target)):
        raise WarehouseError(f"{target} is a URL; minutes reads and writes Parquet in a folder on this machine or a "
                             "mounted share only: mount the bucket and give the mounted folder.")
    return Path(target).resolve()


def write_views(con: duckdb.DuckDBPyConnection, out: str | Path) -> dict[str, int]:
    """Write every view of the warehouse open on `con` to the folder `out`; returns rows per view.

    The folder is written beside the old one and swapped in at the end, so a reader never sees
    half an export and a crash leaves the previous export in place. The previous export is
    removed unless a reader still holds it (`parquet_connection`): then it stays beside the
    folder, hidden, for a later export to remove. What killed exports left is removed.
    """
    out = export_folder(out)
    for stale in out.parent.glob(f".{out.name}.*.tmp") if out.parent.is_dir() else ():
        shutil.rmtree(stale, ignore_errors=True)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.mkdir(parents=True)
    counts: dict[str, int] = {}
    try:
        for view in exported_views():
            counts[view] = _write_view(con, view, tmp / view)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.old")
    if out.exists():
        os.rename(out, old)
    os.rename(tmp, out)
    for older in out.parent.glob(f".{out.name}.*.old"):
        _remove_unless_read(older)
    return counts


def _remove_unless_read(folder: Path) -> None:
    """Remove an earlier export unless a reader holds it (a shared lock on the folder)."""
    try:
        held = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        shutil.rmtree(folder, ignore_errors=True)
    except BlockingIOError:
        pass  # a query is reading it; the next export removes it
    finally:
        os.close(held)


def _write_view(con: duckdb.DuckDBPyConnection, view: str, folder: Path) -> int:
    """One view into its folder: partitioned by region and year, or as one file; returns its rows."""
    partitioned = view in partitioned_views()
    year = f"coalesce(year(d.meeting_date), {MISSING_YEAR}) AS year"
    if view == "documents":
        src = (f"SELECT d.* REPLACE (coalesce(d.region, '{MISSING_REGION}') AS region), {year} "
               f"FROM documents d")
    elif partitioned:
        src = (f"SELECT v.*, coalesce(d.region, '{MISSING_REGION}') AS region, {year} "
               f"FROM {view} v JOIN core.documents d ON d.document_id = v.document_id")
    else:
        src = f"SELECT * FROM {view}"
    rows = con.execute(f"SELECT count(*) FROM ({src})").fetchone()[0]
    if partitioned and rows:
        con.execute(f"COPY ({src}) TO '{sql_path(folder)}' (FORMAT parquet, PARTITION_BY (region, year))")
    else:  # one file; an empty one keeps the view and its columns readable
        folder.mkdir()
        con.execute(f"COPY ({src}) TO '{sql_path(folder / 'data_0.parquet')}' (FORMAT parquet)")
    return rows


def export_folder(target: str | Path) -> Path:
    """The folder a Parquet export may replace whole: a new or empty one, or an earlier export; else one sentence."""
    out = local_folder(target)
    if not out.exists():
        return out
    if not out.is_dir():
        raise WarehouseError(f"{out} is a file; give a folder for the Parquet export.")
    other = sorted(p.name for p in out.iterdir() if p.name not in exported_views())
    if other:
        raise WarehouseError(f"{out} holds files that are not a minutes Parquet export ({', '.join(other[:3])}); "
                             "the export replaces its folder whole, so give an empty or new folder.")
    return out


def parquet_connection(folder: str | Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per exported view, allowed to read only those Parquet files.

    Every view reads the export that was in the folder when the connection was made, also
    when a new export is swapped in meanwhile: the folder is held open and its files named
    through it (/proc/self/fd, on Linux). The caller locks the connection down
    (`limits.limited`): no other file access, configuration locked.
    """
    folder = local_folder(folder)
    held = _hold(folder)
    con = duckdb.connect()
    _HELD[con] = weakref.finalize(con, os.close, held)  # let go when `release`d, or when it is gone
    pinned = Path(f"/proc/self/fd/{held}")
    base = pinned if pinned.is_dir() else folder
    allowed: list[str] = []
    for view in exported_views():
        files = sorted(str(p) for p in (base / view).glob("**/*.parquet"))
        if not files:
            continue
        allowed += files
        hive = "true" if view in partitioned_views() else "false"
        con.execute(f"CREATE VIEW {view} AS SELECT * FROM read_parquet({_sql_list(files)}, "
                    f"hive_partitioning = {hive}, union_by_name = true)")
    if not allowed:
        con.close()
        raise WarehouseError(f"{folder} holds no Parquet files of a minutes export; check the path.")
    con.execute("SET allowed_paths = ?", [allowed])
    return con


_HELD: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def release(con: duckdb.DuckDBPyConnection) -> None:
    """Close a connection from `parquet_connection` and let go of the export it held."""
    con.close()
    held = _HELD.pop(con, None)
    if held is not None:
        held()


def _hold(folder: Path) -> int:
    """The export folder, opened and share-locked so no export removes it while it is read.

    An export being swapped in is waited for (the folder is gone for a moment), and one
    swapped in between the opening and the lock is opened instead.
    """
    for _ in range(50):
        try:
            held = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            time.sleep(0.02)
            continue
        except NotADirectoryError:
            break
        fcntl.flock(held, fcntl.LOCK_SH)
        with contextlib.suppress(FileNotFoundError):
            now = os.stat(folder)
            if (now.st_dev, now.st_ino) == (os.fstat(held).st_dev, os.fstat(held).st_ino):
                return held
        os.close(held)
    raise WarehouseError(f"No Parquet export at {folder}; write one with `minutes export --format parquet --out "
                         f"{folder}`.")


def sql_path(p: Path) -> str:
    """A path as the inside of a SQL string literal (DuckDB's COPY takes no parameter for it)."""
    return str(p.resolve()).replace("'", "''")


def _sql_list(files: list[str]) -> str:
    """Absolute file names as a SQL list, as they are (resolving would leave the held folder for its name)."""
    return "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
