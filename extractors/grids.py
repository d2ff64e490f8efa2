"""Tables drawn with ruling lines: which lines form a grid, and the text of each cell."""
from __future__ import annotations

from dataclasses import dataclass, field

from .lines import Rule, Segment, cluster, group_lines


@dataclass
class Grid:
    """A table drawn with ruling lines: its box, column and row edges, and whether it is a plain lattice."""

    bbox: tuple[float, float, float, float]
    xs: list[float]
    ys: list[float]
    regular: bool  # every line spans the whole table; False when cells are merged
    rules: list[Rule] = field(default_factory=list)


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
        xs = cluster([(r.x0 + r.x1) / 2 for r in vs], tol, mean=True)
        ys = cluster([(r.top + r.bottom) / 2 for r in hs], tol, mean=True)
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


def center_in(s: Segment, bbox) -> bool:
    cx, cy = (s.x0 + s.x1) / 2, s.cy
    return bbox[0] - 1 <= cx <= bbox[2] + 1 and bbox[1] - 1 <= cy <= bbox[3] + 1


def fill_grid(grid, segs: list[Segment]) -> list[list[str]]:
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
            lines = group_lines(cells.get((r, c), []), xs[c + 1] - xs[c])
            row.append("\n".join(" ".join(x.text for x in ln.cells) for ln in lines))
        if any(t.strip() for t in row):
            rows.append(row)
    return rows


def merged_grid(rules: list[Rule], segs: list[Segment]) -> list[list[str]] | None:
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
            inside = [s for s in segs if center_in(s, cell)] if cell else []
            lines = group_lines(inside, cell[2] - cell[0]) if inside else []
            texts.append("\n".join(" ".join(x.text for x in ln.cells) for ln in lines))
        if any(t.strip() for t in texts):
            rows.append([t.strip() for t in texts])
    return rows


def _band(edges: list[float], v: float) -> int:
    for i in range(len(edges) - 1):
        if v < edges[i + 1]:
            return i
    return len(edges) - 2
