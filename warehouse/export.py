"""`minutes export`: every view of the contract as an Excel workbook, CSV files or Parquet.

The workbook is for people: a sheet per view with Swedish names and headings (export_sv.yaml),
real dates and times in Swedish formats, lists as text, a bold frozen header with filters and
columns fitted to their contents. CSV comes in two kinds: plain (comma, UTF-8, the contract's
column names) for tools, and `excel=True` (semicolon, UTF-8 with BOM, Swedish headings, decimal
comma) for Swedish Excel. In both files and the workbook a text that starts with = + - or @ is
kept as text, never run as a formula. Parquet is the one layout of warehouse/parquet.py.
"""
from __future__ import annotations

import csv
import datetime as dt
import decimal
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable

import duckdb

from minutes.core.tables import exported_views

from .errors import WarehouseError
from .parquet import local_folder, write_views

FORMATS = ("csv", "parquet", "xlsx")
#: Rows a worksheet holds below its header.
MAX_SHEET_ROWS = 1_048_575
_FORMULA = re.compile(r"^[=+\-@\t\r]")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters an .xlsx file cannot hold
_DATE, _TIME, _STAMP = "yyyy-mm-dd", "hh:mm", "yyyy-mm-dd hh:mm:ss"
_WIDEST, _FETCH = 60, 10_000


def export(con: duckdb.DuckDBPyConnection, out: str | Path, fmt: str, excel: bool = False) -> tuple[list[Path], list[str]]:
    """Write every view to the folder `out`; returns the files written and notes for the user (rows left out).

    `fmt` is csv (a file per view; `excel` for Swedish Excel), xlsx (one workbook, a sheet per
    view) or parquet (a folder per view, replacing `out` whole).
    """
    out = local_folder(out)
    if fmt not in FORMATS:
        raise WarehouseError(f"Unknown export format {fmt!r}; use csv, parquet or xlsx.")
    if not con.execute("SELECT count(*) FROM documents").fetchone()[0]:
        raise WarehouseError("The warehouse holds no documents yet; import some with `minutes import PATH` first.")
    if fmt == "parquet":
        write_views(con, out)
        return [out / view for view in exported_views()], []
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        return write_workbook(con, out / "minutes.xlsx")
    written = []
    for view in exported_views():
        cur = con.execute(f"SELECT * FROM {view}")
        columns = [d[0] for d in cur.description]
        target = out / f"{view}.csv"
        with open(target, "w", encoding="utf-8-sig" if excel else "utf-8", newline="") as f:
            write_csv(f, headings(view, columns) if excel else columns, _batches(cur), excel)
        written.append(target)
    return written, []


def write_csv(f, header: list[str], batches: Iterable[list[tuple]], excel: bool = False) -> None:
    """Rows as CSV into the open text file `f`: for Swedish Excel (`excel`), or plain for tools."""
    w = csv.writer(f, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n")
    w.writerow(header)
    for rows in batches:
        w.writerows([_csv_value(v, excel) for v in r] for r in rows)


def _csv_value(v, excel: bool):
    if v is None:
        return ""
    if isinstance(v, str):
        return "'" + v if _FORMULA.match(v) else v
    if isinstance(v, bool):
        return ("SANT" if v else "FALSKT") if excel else ("true" if v else "false")
    if isinstance(v, (list, tuple)):
        return _csv_value(", ".join(map(str, v)), excel)
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ", timespec="seconds")
    if isinstance(v, dt.time):
        return v.isoformat(timespec="minutes")
    if isinstance(v, (float, decimal.Decimal)) and excel:
        return str(v).replace(".", ",")
    return v.isoformat() if isinstance(v, dt.date) else v


def write_workbook(con: duckdb.DuckDBPyConnection, target: Path) -> tuple[list[Path], list[str]]:
    """Every view as a sheet of one workbook at `target`; returns it and a note for each sheet cut short."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    notes = []
    for view in exported_views():
        total = con.execute(f"SELECT count(*) FROM {view}").fetchone()[0]
        _sheet(wb, con, view)
        if total > MAX_SHEET_ROWS:
            notes.append(f"The sheet {sheet_name(view)} holds the first {MAX_SHEET_ROWS:,} of {total:,} rows "
                         f"(Excel's limit); export csv or parquet for all of {view}.")
    wb.save(target)
    return [target], notes


def _sheet(wb, con: duckdb.DuckDBPyConnection, view: str) -> None:
    """One view as a sheet: Swedish bold header, frozen, with filters, columns fitted, values typed."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(sheet_name(view))
    columns = [r[0] for r in con.execute(f"DESCRIBE {view}").fetchall()]
    titles = headings(view, columns)
    for i, width in enumerate(_widths(con, view, columns, titles), start=1):  # before the rows: a query ends a cursor
        ws.column_dimensions[get_column_letter(i)].width = width
    cur = con.execute(f"SELECT * FROM {view} LIMIT {MAX_SHEET_ROWS}")
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in titles:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    n = 0
    for rows in _batches(cur):
        for r in rows:
            ws.append([_xlsx_cell(ws, v, WriteOnlyCell) for v in r])
        n += len(rows)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n + 1}"


def _xlsx_cell(ws, v, make):
    """A value as a typed cell: dates and times with Swedish formats, lists as text, formulas kept as text."""
    if isinstance(v, (list, tuple)):
        v = ", ".join(map(str, v))
    cell = make(ws, value=_ILLEGAL.sub(" ", v)[:32_767] if isinstance(v, str) else v)
    if isinstance(v, str) and _FORMULA.match(v):
        cell.data_type, cell.quotePrefix = "s", True
    elif isinstance(v, dt.datetime):
        cell.number_format = _STAMP
    elif isinstance(v, dt.date):
        cell.number_format = _DATE
    elif isinstance(v, dt.time):
        cell.number_format = _TIME
    return cell


def _widths(con: duckdb.DuckDBPyConnection, view: str, columns: list[str], titles: list[str]) -> list[float]:
    """Each column's width: its longest value or heading (room for the filter button), at most 60."""
    longest = ", ".join(f'max(length(CAST("{c}" AS VARCHAR)))' for c in columns)
    found = con.execute(f"SELECT {longest} FROM (SELECT * FROM {view} LIMIT {MAX_SHEET_ROWS})").fetchone()
    return [min(_WIDEST, max(len(t) + 4, (n or 0) + 2)) for t, n in zip(titles, found)]


def _batches(cur: duckdb.DuckDBPyConnection) -> Iterable[list[tuple]]:
    while rows := cur.fetchmany(_FETCH):
        yield rows


@lru_cache(maxsize=1)
def _names() -> dict:
    import yaml

    text = resources.files("minutes.warehouse").joinpath("export_sv.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def sheet_name(view: str) -> str:
    """The Swedish name of a view's sheet."""
    return _names()["views"][view]["sheet"]


def headings(view: str, columns: list[str]) -> list[str]:
    """The Swedish headings of a view's columns (the column's own name where none is given)."""
    own = _names()["views"].get(view, {}).get("columns", {})
    shared = _names()["columns"]
    return [own.get(c) or shared.get(c) or c for c in columns]
