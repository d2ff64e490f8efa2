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

from minutes.core.document import Block

from .grids import center_in, fill_grid, find_grids, merged_grid
from .lines import Line, Rule, Segment, cluster, group_lines
from .textutil import join_lines, split_marker


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
        inside = [s for s in segments if center_in(s, grid.bbox)]
        if not inside:
            continue
        rows = None
        if not grid.regular and merged_cells:
            rows = merged_grid(grid.rules, inside)
        if not rows:
            rows = fill_grid((grid.xs, grid.ys), inside)
        if rows:
            segments = [s for s in segments if not center_in(s, grid.bbox)]
            placed.append((grid.bbox[1], Block("table", "", page=page, rows=rows, bbox=grid.bbox)))
    lines = group_lines(segments, page_width)
    placed.extend(_assemble(lines, page, page_width, size_tolerance))
    placed.sort(key=lambda p: p[0])
    return [b for _, b in placed]


# --- blocks -----------------------------------------------------------------------

def _assemble(lines: list[Line], page: int, width: float, size_tolerance: float = 0.0) -> list[tuple[float, Block]]:
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


def _column_run(lines: list[Line], i: int, margin: float) -> list[Line]:
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


def _table_from_run(run: list[Line], page: int) -> Block:
    starts = cluster([c.x0 for ln in run for c in ln.cells], 8.0)
    rows = []
    for ln in run:
        row = [""] * len(starts)
        for c in ln.cells:
            col = max(j for j, x in enumerate(starts) if x <= c.x0 + 8)
            row[col] = f"{row[col]} {c.text}".strip()
        rows.append(row)
    bbox = (min(ln.x0 for ln in run), run[0].top, max(ln.x1 for ln in run), run[-1].bottom)
    return Block("table", "", page=page, rows=rows, bbox=bbox, font_size=run[0].size)


def _paragraph(lines: list[Line], i: int, page: int, margin: float, right: float, line_gap: float,
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


def _para_gap(line: Line, line_gap: float) -> float:
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
