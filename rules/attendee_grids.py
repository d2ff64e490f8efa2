"""Attendance grids: a table with a header row (Namn | Organisation | Närvarande | Frånvarande;
Ledamöter | Parti | Närv | Frånv | Tjänstgörande ersättare; Ersättare | Tjg | Ej tjg), one person a row,
the status from the marks."""
from __future__ import annotations

from typing import TYPE_CHECKING

from minutes.core.document import Block
from minutes.core.enums import AttendeeStatus
from minutes.text import fold

from .attendee_entry import _Label, classify_label, parse_person
from .vocab import label_key, vocab

if TYPE_CHECKING:
    from .attendees import _Collector


def column_header(row: list[str]) -> dict[str, int] | None:
    """Columns of a header row (Namn | Organisation | Närvarande): name, organisation, role, present, absent."""
    headers = vocab().column_headers
    cols: dict[str, int] = {}
    for i, k in enumerate(label_key(c) for c in row):
        for column, words, starts in headers:
            # a narrow column breaks its header inside words: "Tjänstg / örande / ersättar / e"
            if k in words or k.startswith(starts) or " " in k and k.replace(" ", "") in _unspaced(words):
                cols.setdefault(column, i)
                break
    if "name" in cols and len(cols) >= 2:
        return cols
    return None


def _unspaced(words: frozenset[str]) -> set[str]:
    return {w.replace(" ", "") for w in words}


def _unbreak(cell: str) -> str:
    """A narrow cell's lines with words broken by the layout mended: "Maj-Brit / t Sund" -> "Maj-Britt Sund"."""
    out, *rest = cell.split("\n")
    for line in rest:
        piece = line.split(" ")[0]
        broken = out[-1:].isalpha() and piece.isalpha() and piece.islower() and len(piece) <= 3
        out += line if broken else "\n" + line
    return out


def header_table(rows: list[list[str]], cols: dict[str, int], b: Block, out: _Collector, political: bool) -> None:
    """People in a table with a header row; `rows[0]` is the header. A grid whose name column is headed
    by a non-serving label ("Ersättare") lists ersättare: a mark under Tjg makes one a substitute."""
    v = vocab()
    head = classify_label(rows[0][cols["name"]]) if rows else None
    ersattare = head is not None and head.status == AttendeeStatus.ADJUNCT and head.role is not None
    for row in rows[1:]:
        def cell(key: str) -> str:
            i = cols.get(key)
            return row[i].strip() if i is not None and i < len(row) else ""
        found = parse_person(cell("name"), organisation=cell("organisation") or None, political=political)
        if not found:
            continue
        if cell("party").upper() in v.parties and not found[0].party:
            found[0].party = cell("party").upper()
        role = v.role(cell("role")) if cell("role") else None
        label = _Label("status", _grid_status(cols, cell, ersattare).value, role or (cell("role") or None))
        out.add(found, label, b, " | ".join(row), "sv.attendee.header_table")
        serving = parse_person(_unbreak(cell("substitute")), political=political) if cell("substitute") else []
        if serving:  # "| Inga Persson | S | | x | Maj-Britt Sund (S) |": Maj-Britt serves for Inga
            out.add(serving[:1], _Label("status", AttendeeStatus.SUBSTITUTE.value), b, " | ".join(row),
                    "sv.attendee.header_table")


def _grid_status(cols: dict[str, int], cell, ersattare: bool) -> AttendeeStatus:
    """The status the marks of a grid row give: Närv/Frånv, Tjg/Ej tjg (an ersättare serving or not;
    a member marked Tjg is present)."""
    v = vocab()
    marked = {k: fold(cell(k)) in v.attended_marks for k in ("present", "absent", "serving", "not_serving")
              if k in cols}
    if marked.get("serving"):
        non_voting = set(v.people.nonvoting_labels.values())  # the row's role says ersättare
        return AttendeeStatus.SUBSTITUTE if ersattare or v.role(cell("role")) in non_voting else AttendeeStatus.PRESENT
    if marked.get("not_serving"):
        return AttendeeStatus.ADJUNCT
    if marked.get("absent") or marked.get("present") is False and "absent" not in cols or \
            "present" in cols and fold(cell("present")) in v.not_attended_marks:
        return AttendeeStatus.ABSENT
    return AttendeeStatus.PRESENT
