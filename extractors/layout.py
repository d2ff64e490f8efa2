"""Turn positioned text on a page into blocks: paragraphs, list items, headings, tables.

The PDF backend (pdfium text segments) and the OCR backend (Tesseract word boxes) both
hand this module `Segment`s and ruling lines for one page. Reading order is top to
bottom; text that sits side by side in columns (an attendee table with names on the
left and organisations on the right) comes out as table rows, never as two flattened
columns.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from minutes.core.document import Block

from .textutil import BULLETS, join_lines, split_marker


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
class _Line:
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


@dataclass
class Grid:
    """A table drawn with ruling lines: its box, column and row edges, and whether it is a plain lattice."""

    bbox: tuple[float, float, float, float]
    xs: list[float]
    ys: list[float]
    regular: bool  # every line spans the whole table; False when cells are merged
    rules: list[Rule] = field(default_factory=list)


def page_blocks(segments: list[Segment], rules: list[Rule], page: int, page_width: float,
                merged_cells: bool = False, size_tolerance: float = 0.0) -> list[Block]:
    """Blocks of one page, in reading order.

    A regular grid is filled from the text segments. An irregular one (merged cells) is read
    with pdfplumber's cell finder when `merged_cells` is set (lines measured exactly, as a
    born-digital PDF's are), else filled like a regular one.
    """
    segments = [s for s in segments if s.text.strip()]
    placed: list[tuple[float, Block]] = []
    for grid in find_grids(rules):
        inside = [s for s in segments if _center_in(s, grid.bbox)]
        if not inside:
            continue
        rows = None
        if not grid.regular and merged_cells:
            rows = _merged_grid(grid.rules, inside)
        if not rows:
            rows = _fill_grid((grid.xs, grid.ys), inside)
        if rows:
            segments = [s for s in segments if not _center_in(s, grid.bbox)]
            placed.append((grid.bbox[1], Block("table", "", page=page, rows=rows, bbox=grid.bbox)))
    lines = _lines(segments, page_width)
    placed.extend(_assemble(lines, page, page_width, size_tolerance))
    placed.sort(key=lambda p: p[0])
    return [b for _, b in placed]


# --- ruled tables -----------------------------------------------------------------

def find_grids(rules: list[Rule], tol: float = 3.0) -> list[Grid]:
    """Groups of crossing ruling lines that form a table."""
    if len(rules) > 600:  # a drawing or chart, not a table
        return []
    groups: list[list[Rule]] = []
    for r in rules:
        hits = [g for g in groups if any(_touch(r, o, tol) for o in g)]
        merged = [r]
        for g in hits:
            merged.extend(g)
            groups.remove(g)
        groups.append(merged)
    out = []
    for g in groups:
        hs = [r for r in g if r.horizontal]
        vs = [r for r in g if not r.horizontal]
        xs = _cluster([(r.x0 + r.x1) / 2 for r in vs], tol, mean=True)
        ys = _cluster([(r.top + r.bottom) / 2 for r in hs], tol, mean=True)
        if len(xs) < 2 or len(ys) < 2:
            continue
        bbox = (min(r.x0 for r in g), min(r.top for r in g), max(r.x1 for r in g), max(r.bottom for r in g))
        regular = all(_coverage([(r.top, r.bottom) for r in vs if abs((r.x0 + r.x1) / 2 - x) <= tol],
                                ys[0], ys[-1]) > 0.95 for x in xs) and \
            all(_coverage([(r.x0, r.x1) for r in hs if abs((r.top + r.bottom) / 2 - y) <= tol],
                          xs[0], xs[-1]) > 0.95 for y in ys)
        out.append(Grid(bbox, xs, ys, regular, g))
    return out


def _coverage(spans: list[tuple[float, float]], lo: float, hi: float) -> float:
    """Share of [lo, hi] covered by the union of spans."""
    if hi <= lo:
        return 1.0
    covered, end = 0.0, lo
    for a, b in sorted(spans):
        a, b = max(a, end), min(b, hi)
        if b > a:
            covered += b - a
            end = b
    return covered / (hi - lo)


def _touch(a: Rule, b: Rule, tol: float) -> bool:
    return not (a.x1 + tol < b.x0 or b.x1 + tol < a.x0 or a.bottom + tol < b.top or b.bottom + tol < a.top)


def _cluster(values: list[float], tol: float, mean: bool = False) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) if mean else c[0] for c in out]


def _center_in(s: Segment, bbox) -> bool:
    cx, cy = (s.x0 + s.x1) / 2, s.cy
    return bbox[0] - 1 <= cx <= bbox[2] + 1 and bbox[1] - 1 <= cy <= bbox[3] + 1


def _fill_grid(grid, segs: list[Segment]) -> list[list[str]]:
    xs, ys = grid
    cells: dict[tuple[int, int], list[Segment]] = {}
    for s in segs:
        col = _band(xs, s.x0 + min(2.0, (s.x1 - s.x0) / 2))
        row = _band(ys, s.cy)
        cells.setdefault((row, col), []).append(s)
    rows = []
    for r in range(len(ys) - 1):
        row = []
        for c in range(len(xs) - 1):
            lines = _lines(cells.get((r, c), []), xs[c + 1] - xs[c])
            row.append("\n".join(" ".join(x.text for x in ln.cells) for ln in lines))
        if any(t.strip() for t in row):
            rows.append(row)
    return rows


def _merged_grid(rules: list[Rule], segs: list[Segment]) -> list[list[str]] | None:
    """Rows of a ruled table with merged cells, by pdfplumber's table finder run on these lines.

    pdfplumber joins the lines into edges, finds where they cross and which crossings enclose a
    cell; a merged cell fills its first row and column and leaves the slots it covers empty.
    Its own page reading (pdfminer, about 150 ms a page) is not needed: pdfium has already
    measured the lines and the text.
    """
    from pdfplumber.table import Table, cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

    edges = []
    for r in rules:
        if r.horizontal:
            y = (r.top + r.bottom) / 2
            edges.append({"x0": r.x0, "x1": r.x1, "top": y, "bottom": y, "doctop": y, "width": r.x1 - r.x0,
                          "height": 0.0, "orientation": "h"})
        else:
            x = (r.x0 + r.x1) / 2
            edges.append({"x0": x, "x1": x, "top": r.top, "bottom": r.bottom, "doctop": r.top, "width": 0.0,
                          "height": r.bottom - r.top, "orientation": "v"})
    tol = 3  # pdfplumber's default snap, join, length and intersection tolerances
    edges = [e for e in merge_edges(edges, tol, tol, tol, tol) if max(e["width"], e["height"]) >= tol]
    tables = cells_to_tables(intersections_to_cells(edges_to_intersections(edges, tol, tol)))
    if not tables:
        return None
    rows = []
    for row in Table(None, max(tables, key=len)).rows:
        texts = []
        for cell in row.cells:
            inside = [s for s in segs if _center_in(s, cell)] if cell else []
            lines = _lines(inside, cell[2] - cell[0]) if inside else []
            texts.append("\n".join(" ".join(x.text for x in ln.cells) for ln in lines))
        if any(t.strip() for t in texts):
            rows.append([t.strip() for t in texts])
    return rows


def _band(edges: list[float], v: float) -> int:
    for i in range(len(edges) - 1):
        if v < edges[i + 1]:
            return i
    return len(edges) - 2


# --- lines ------------------------------------------------------------------------

def _lines(segments: list[Segment], width: float) -> list[_Line]:
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
        out.append(_Line(cells, min(c.top for c in cells), max(c.bottom for c in cells), size,
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


# --- blocks -----------------------------------------------------------------------

def _assemble(lines: list[_Line], page: int, width: float, size_tolerance: float = 0.0) -> list[tuple[float, Block]]:
    out: list[tuple[float, Block]] = []
    i = 0
    margin = min((ln.x0 for ln in lines), default=0.0)
    right = max((ln.x1 for ln in lines), default=width)
    gaps = sorted(b.top - a.bottom for a, b in zip(lines, lines[1:]) if 0 < b.top - a.bottom < 3 * a.height)
    line_gap = gaps[len(gaps) // 4] if gaps else 0.0  # a low quantile: pages of short paragraphs have few
    # Pages that separate paragraphs by space need no guessing from short lines.
    spaced = any(b.top - a.bottom > _para_gap(a, line_gap) for a, b in zip(lines, lines[1:]))
    while i < len(lines):
        run = _column_run(lines, i, margin)
        if len(run) >= 2:
            out.append((lines[i].top, _table_from_run(run, page)))
            i += len(run)
            continue
        i = _paragraph(lines, i, page, margin, right, line_gap, spaced, size_tolerance, out)
    return out


def _column_run(lines: list[_Line], i: int, margin: float) -> list[_Line]:
    """Consecutive lines laid out in columns (tab stops or an unruled table)."""
    first = lines[i]
    if len(first.cells) < 2:
        return []
    cols = [c.x0 for c in first.cells]
    run = [first]
    for ln in lines[i + 1:]:
        prev = run[-1]
        if ln.top - prev.bottom > 1.6 * prev.height:
            break
        if len(ln.cells) >= 2:
            cols.extend(c.x0 for c in ln.cells)
            run.append(ln)
        elif ln.x0 > margin + 20 and any(abs(ln.x0 - x) < 8 for x in cols[1:]):
            run.append(ln)  # continuation: text only in a later column
        else:
            break
    return run


def _table_from_run(run: list[_Line], page: int) -> Block:
    starts = _cluster([c.x0 for ln in run for c in ln.cells], 8.0)
    rows = []
    for ln in run:
        row = [""] * len(starts)
        for c in ln.cells:
            col = max(j for j, x in enumerate(starts) if x <= c.x0 + 8)
            row[col] = f"{row[col]} {c.text}".strip()
        rows.append(row)
    bbox = (min(ln.x0 for ln in run), run[0].top, max(ln.x1 for ln in run), run[-1].bottom)
    return Block("table", "", page=page, rows=rows, bbox=bbox, font_size=run[0].size)


def _paragraph(lines: list[_Line], i: int, page: int, margin: float, right: float, line_gap: float,
               spaced: bool, size_tolerance: float, out: list[tuple[float, Block]]) -> int:
    """Collect the lines of one paragraph or list item starting at line i; return the next index.

    `line_gap` is the page's usual space between lines; `_para_gap` says how much more
    separates paragraphs, so double-spaced text holds together.
    On a page that never separates paragraphs by space (`spaced` false), a short line ends one.
    `size_tolerance` is the share of the font size two lines of one paragraph may differ by
    (sizes measured from OCR word boxes vary).
    """
    first = lines[i]
    marker, first_text = split_marker(first.text.replace("\t", " "))
    body_x = first.x0
    texts = [first_text]
    j = i + 1
    while j < len(lines):
        prev, ln = lines[j - 1], lines[j]
        if len(ln.cells) >= 2 and len(_column_run(lines, j, margin)) >= 2:
            break  # a table starts
        if ln.top - prev.bottom > _para_gap(prev, line_gap):
            break  # paragraph spacing
        if abs(ln.size - prev.size) > max(0.6, size_tolerance * prev.size) or ln.bold != prev.bold:
            break  # a change of font: a heading or a label such as "Beslut"
        if split_marker(ln.text)[0]:
            break  # the next list item
        if ln.x0 < body_x - 4 and not (j == i + 1 and not marker and first.x0 - ln.x0 <= 40):
            break  # text further left than this paragraph: a new one
        loose = line_gap > 0.9 * prev.height  # double-spaced, or one-line paragraphs spaced a line apart
        if loose and prev.text.rstrip().endswith((".", "!", "?", ":")) and ln.text[:1].isupper():
            break  # on such pages a sentence ending a line before a capital ends the paragraph
        hanging = bool(marker) and ln.x0 > first.x0 + 4  # a list item's text indent continues the item
        short = not spaced and prev.x1 < right - 0.2 * (right - margin) and not _runs_on(prev.text) \
            and not hanging
        if short and (prev.text.rstrip().endswith((".", ":", "!", "?")) or line_gap > 0.9 * prev.height):
            break  # a short line that ends a sentence (or any short line in double-spaced text) ends it
        if j == i + 1:
            body_x = min(body_x, ln.x0)
        texts.append(ln.text.replace("\t", " "))
        j += 1
    block_lines = lines[i:j]
    level = max(0, round((first.x0 - margin) / 18)) if marker else 0
    bbox = (min(ln.x0 for ln in block_lines), first.top, max(ln.x1 for ln in block_lines), block_lines[-1].bottom)
    block = Block("list_item" if marker else "paragraph", join_lines(texts), page=page, level=level, bbox=bbox,
                  emphasis=all(ln.bold for ln in block_lines), marker=marker, font_size=first.size)
    out.append((first.top, block))
    return j


def _para_gap(line: _Line, line_gap: float) -> float:
    """The space between lines that separates paragraphs on this page.

    Normally more than 0.6 of a line; on a double-spaced page (the usual gap is itself near a
    line's height) clearly more than the usual gap.
    """
    if line_gap > 0.9 * line.height:
        return 1.5 * line_gap
    return 0.6 * line.height


_RUN_ON_WORDS = {"att", "och", "för", "for", "till", "av", "i", "med", "om", "på", "pa", "som", "samt", "eller",
                 "de", "den", "det", "en", "ett", "från", "fran", "inom", "vid", "under", "efter", "mellan"}


def _runs_on(text: str) -> bool:
    """A line that ends mid-phrase (a comma, a hyphen, 'att', 'och', ...) continues on the next line."""
    text = text.rstrip()
    if text.endswith((",", "-", "–", "(")):
        return True
    last = text.rsplit(" ", 1)[-1].lower()
    return last in _RUN_ON_WORDS


def classify_headings(blocks: list[Block], relative: float = 0.0) -> None:
    """Mark paragraphs set larger than the body text (or bold numbered titles) as headings.

    Runs over a whole document, since the body size and the heading sizes are only
    known once every page has been read. `relative` raises the threshold to a share of the
    body size, for sizes measured from OCR word boxes.
    """
    sizes: Counter = Counter()
    for b in blocks:
        if b.kind in ("paragraph", "list_item") and b.font_size:
            sizes[round(b.font_size, 1)] += len(b.text)
    if not sizes:
        return
    body = sizes.most_common(1)[0][0]
    candidates = [b for b in blocks if b.kind in ("paragraph", "list_item") and b.font_size and len(b.text) <= 200]
    delta = max(0.9, relative * body)  # OCR'd sizes are noisy: there a heading must be clearly larger
    heading_sizes = sorted({round(b.font_size, 1) for b in candidates if b.font_size >= body + delta}, reverse=True)
    level_of = {s: n + 1 for n, s in enumerate(heading_sizes)}
    for b in candidates:
        size = round(b.font_size, 1)
        full = f"{b.marker} {b.text}" if b.kind == "list_item" and b.marker != "•" else b.text
        if size in level_of and (b.kind == "paragraph" or b.marker != "•"):
            b.kind, b.level, b.text, b.marker = "heading", level_of[size], full, ""
        elif b.emphasis and _numbered_title(full):
            b.kind, b.level, b.text, b.marker = "heading", len(heading_sizes) + 1, full, ""


def _numbered_title(text: str) -> bool:
    return bool(re.match(r"^(§\s*\d+|\d{1,2}[a-z]?\.?)\s+\S", text)) and len(text) < 120 and not text.endswith(".")
