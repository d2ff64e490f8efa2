"""The warehouse as partitioned Parquet (region/year), for archives too large for one DuckDB file.

`write_parquet` writes every contract view to `DIR/<view>/region=<r>/year=<y>/*.parquet`;
`parquet_connection` opens such a folder read-only for `minutes sql --parquet DIR`, with the
same sandbox as the warehouse: only those Parquet files can be read, nothing can be written.
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import duckdb

from .queries import sql_path
from .store import WarehouseError, connect

#: Views written per document, partitioned by the document's region and meeting year.
PARTITIONED = ("documents", "sections", "attendees", "decisions", "assignments", "motions", "votes",
               "person_votes", "reservations", "recusals", "paragraph_attendance")
#: Views that belong to no single document, written whole.
WHOLE = ("persons", "imports", "corrections")


def write_parquet(db: str | Path, out: str | Path) -> dict[str, int]:
    """Write the warehouse at `db` to `out` as Parquet; returns rows per view.

    The folder is written beside the old one and swapped in at the end, so a reader never sees
    half an export and a crash leaves the previous export in place.
    """
    out = Path(out).resolve()
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.mkdir(parents=True)
    counts: dict[str, int] = {}
    con = connect(db, read_only=True)
    try:
        for view in PARTITIONED:
            src = (f"SELECT v.*, d.region AS region, year(d.meeting_date) AS year FROM {view} v "
                   f"JOIN core.documents d ON d.document_id = v.document_id")
            if view == "documents":
                src = "SELECT *, year(meeting_date) AS year FROM documents"
            counts[view] = con.execute(f"SELECT count(*) FROM ({src})").fetchone()[0]
            if counts[view]:
                con.execute(f"COPY ({src}) TO '{sql_path(tmp / view)}' (FORMAT parquet, PARTITION_BY (region, year))")
            else:  # an empty file keeps the view and its columns queryable
                (tmp / view).mkdir()
                con.execute(f"COPY ({src}) TO '{sql_path(tmp / view / 'empty.parquet')}' (FORMAT parquet)")
        for view in WHOLE:
            counts[view] = con.execute(f"SELECT count(*) FROM {view}").fetchone()[0]
            (tmp / view).mkdir()
            con.execute(f"COPY {view} TO '{sql_path(tmp / view / 'data_0.parquet')}' (FORMAT parquet)")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        con.close()
    old = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.old")
    if out.exists():
        os.rename(out, old)
    os.rename(tmp, out)
    shutil.rmtree(old, ignore_errors=True)
    return counts


def parquet_connection(folder: str | Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per exported view, allowed to read only those Parquet files.

    The caller locks it down (`limits.limited`): no other file access, configuration locked.
    """
    folder = Path(folder).resolve()
    if not folder.is_dir():
        raise WarehouseError(f"No Parquet export at {folder}; write one with `minutes import PATH --out-parquet "
                             f"{folder}`.")
    con = duckdb.connect()
    allowed: list[str] = []
    for view in PARTITIONED + WHOLE:
        files = sorted(str(p) for p in (folder / view).glob("**/*.parquet"))
        if not files:
            continue
        allowed += files
        hive = "true" if view in PARTITIONED else "false"
        con.execute(f"CREATE VIEW {view} AS SELECT * FROM read_parquet({_sql_list(files)}, "
                    f"hive_partitioning = {hive}, union_by_name = true)")
    if not allowed:
        con.close()
        raise WarehouseError(f"{folder} holds no Parquet files of a minutes export; check the path.")
    con.execute("SET allowed_paths = ?", [allowed])
    return con


def _sql_list(files: list[str]) -> str:
    return "[" + ", ".join("'" + sql_path(Path(f)) + "'" for f in files) + "]"
