"""How the commands print rows: an aligned table (rich), CSV or JSON."""
from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import re
import sys

FORMATS = ("table", "csv", "json")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # what a terminal would act on, from a document's text


def plain(value):
    """A value as JSON and CSV write it: dates as ISO text, decimals as floats."""
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def render(columns: list[str], rows: list[tuple], fmt: str, max_width: int = 60, terminal: bool | None = None) -> str:
    """Rows as an aligned text table (cells cut at `max_width`, 0: never), CSV or JSON.

    CSV for a terminal (`terminal`; by default, whether standard output is one) has control
    characters as spaces, as the table has, so that a document's text cannot drive the
    terminal; CSV for a file or a pipe keeps the text as stored. JSON escapes them anyway.
    """
    if fmt == "json":
        return json.dumps([{c: plain(v) for c, v in zip(columns, r)} for r in rows], ensure_ascii=False,
                          indent=2, default=str) + "\n"
    if fmt == "csv":
        terminal = sys.stdout.isatty() if terminal is None else terminal
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        w.writerows([[clean(v) if terminal and isinstance(v, str) else plain(v) for v in r] for r in rows])
        return buf.getvalue()
    return _table(columns, rows, max_width)


def _table(columns: list[str], rows: list[tuple], max_width: int) -> str:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for c in columns:
        table.add_column(c, no_wrap=True, overflow="ellipsis", max_width=max_width or None)
    for r in rows:
        table.add_row(*(Text(_CONTROL.sub(" ", "" if v is None else str(plain(v)))) for v in r))
    buf = io.StringIO()
    Console(file=buf, width=100_000, highlight=False, color_system=None).print(table)
    lines = [line.rstrip() for line in buf.getvalue().splitlines()]
    return "\n".join(lines) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})\n"


def clean(text: str) -> str:
    """Text from a document made safe for a terminal: control characters become spaces."""
    return _CONTROL.sub(" ", text)
