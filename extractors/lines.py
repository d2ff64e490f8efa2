"""Positioned text grouped into visual lines: the shared first step of reading a page.

The PDF backend (pdfium text segments) and the OCR backend (Tesseract word boxes) hand the
layout `Segment`s and ruling lines (`Rule`s); `group_lines` groups segments into lines whose
cells are runs separated by a column gap.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .textutil import BULLETS


@dataclass
class Segment:
    """A run of text on one line with its box in points (top-down y) and font."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float = 0.0
    bold: bool = False

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Rule:
    """A ruling line (table border): horizontal when y0 == y1 (within a point or two)."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return (self.bottom - self.top) < (self.x1 - self.x0)


@dataclass
class Line:
    cells: list[Segment]
    top: float
    bottom: float
    size: float
    bold: bool
    in_table: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def x0(self) -> float:
        return self.cells[0].x0

    @property
    def x1(self) -> float:
        return self.cells[-1].x1

    @property
    def text(self) -> str:
        return "\t".join(c.text for c in self.cells)

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)



def group_lines(segments: list[Segment], width: float) -> list[Line]:
    """Group segments into visual lines; cells are runs separated by a column gap."""
    lines: list[list[Segment]] = []
    refs: list[tuple[float, float]] = []  # centre and height of each line's first segment
    for s in sorted(segments, key=lambda s: (s.top, s.x0)):
        cy, h = (s.top + s.bottom) / 2, max(s.bottom - s.top, 1.0)
        for k in range(len(lines) - 1, max(len(lines) - 5, -1), -1):  # the last four lines
            ref_cy, ref_h = refs[k]
            if abs(cy - ref_cy) < 0.5 * min(h, ref_h):
                lines[k].append(s)
                break
        else:
            lines.append([s])
            refs.append((cy, h))
    out = []
    for ln in lines:
        ln.sort(key=lambda s: s.x0)
        cells = [c for c in _cells(ln) if c.text]
        if not cells:
            continue
        cells = _glue_bullet(cells)
        sizes = [round(c.size or c.height, 1) for c in cells]
        size = sizes[0] if len(sizes) == 1 else Counter(sizes).most_common(1)[0][0]
        out.append(Line(cells, min(c.top for c in cells), max(c.bottom for c in cells), size,
                         all(c.bold for c in cells if c.text not in BULLETS)))
    return out


def _cells(line: list[Segment]) -> list[Segment]:
    """The segments of one line (left to right) joined into cells wherever the gap is narrower than a column gap."""
    out: list[Segment] = []
    group: list[Segment] = []
    for s in line:
        em = s.size or max(s.bottom - s.top, 1.0)
        if group and s.x0 - group[-1].x1 < max(1.8 * em, 12.0):
            group.append(s)
        else:
            if group:
                out.append(_joined(group))
            group = [s]
    if group:
        out.append(_joined(group))
    return out


def _joined(group: list[Segment]) -> Segment:
    """One cell from neighbouring segments: a space between them unless they touch."""
    first = group[0]
    if len(group) == 1:
        return Segment(first.text.strip(), first.x0, first.top, first.x1, first.bottom, first.size, first.bold)
    text = first.text
    prev = first
    for s in group[1:]:
        touching = s.x0 - prev.x1 < 0.08 * (s.size or max(s.bottom - s.top, 1.0))
        sep = "" if touching and not text.endswith(" ") and not s.text.startswith(" ") else " "
        text = text.rstrip() + sep + s.text.lstrip()
        prev = s
    return Segment(text.strip(), first.x0, min(s.top for s in group), group[-1].x1, max(s.bottom for s in group),
                   max(s.size for s in group), all(s.bold for s in group))


def _glue_bullet(cells: list[Segment]) -> list[Segment]:
    """A bullet glyph drawn apart from its text belongs to the text's cell."""
    if len(cells) >= 2 and len(cells[0].text) <= 2 and (cells[0].text in BULLETS or cells[0].text in "-–*»«+"):
        b, t = cells[0], cells[1]
        merged = Segment(f"• {t.text}", b.x0, min(b.top, t.top), t.x1, max(b.bottom, t.bottom), t.size, t.bold)
        return [merged] + cells[2:]
    return cells


def cluster(values: list[float], tol: float, mean: bool = False) -> list[float]:
    """Values within `tol` of their neighbour grouped: each group's first value, or its mean."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) if mean else c[0] for c in out]
