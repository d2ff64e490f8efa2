"""Born-digital PDF backend: pdfium text runs and ruling lines, laid out by `layout`.

pdfium (pypdfium2, which pdfplumber itself is built on) reads a page's text runs with
their boxes and fonts at hundreds of pages a second; `layout` turns them into
paragraphs, headings, list items and tables. Tables with ruling lines become grids of
cells; pdfplumber's table finder takes over for a grid whose lines do not form a
regular lattice (merged cells), where its cell detection is the better tool. It runs on
the lines and text pdfium measured, so pdfplumber never reads the page itself.
Pages without a usable text layer are handed to the OCR backend.
"""
from __future__ import annotations

import ctypes
import logging
import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from minutes.core.document import Block, Document, has_text

from .errors import ExtractionError, MissingToolError
from .layout import classify_headings, page_blocks
from .lines import Rule, Segment
from .pdfium_lock import PDFIUM_LOCK
from .textutil import clean

log = logging.getLogger(__name__)

#: A page with fewer characters than this (and an image on it) is treated as scanned.
MIN_TEXT_CHARS = 25
_PAGE_NUMBER = re.compile(r"^(sida|page|s\.)?\s*\d+\s*((av|of|/|\()\s*\d+\)?)?$", re.I)


def extract_pdf(path: Path, ocr=None) -> Document:
    """Read a PDF into a Document; scanned pages go to `ocr` (an OcrEngine) when given."""
    with PDFIUM_LOCK:  # pdfium is not thread-safe
        blocks, heights, scanned, warnings, n_pages = _read_pages(path)
    doc_ocr = False
    ocr_seconds = 0.0
    if scanned:
        if ocr is None:
            raise MissingToolError(
                f"{path.name} has {len(scanned)} scanned page(s) without a text layer and OCR is switched off; "
                "import it again with OCR enabled.")
        ocr_blocks, ocr_seconds = ocr.read_pages(path, scanned)
        blocks = _merge_pages(blocks, ocr_blocks)
        doc_ocr = True
    classify_headings(blocks, relative=0.15 if doc_ocr else 0.0)
    _mark_furniture(blocks, heights)
    if not has_text(blocks):
        raise ExtractionError(f"{path.name} contains no text at all; check that it is the right file.")
    doc = Document(blocks, format="pdf", page_count=n_pages, ocr=doc_ocr, ocr_seconds=ocr_seconds)
    if warnings:
        doc.metadata["warnings"] = warnings
    return doc


#: After this many unreadable pages in a row the rest are not tried (a page tree claiming a million pages).
MAX_BAD_RUN = 50


def _read_pages(path: Path) -> tuple[list[Block], dict[int, float], list[int], list[str], int]:
    """Every page's blocks and height, the pages that need OCR, warnings, and the pages there are.

    Unreadable pages are reported as ranges, and after MAX_BAD_RUN of them in a row the rest
    are not tried: the page count is then the last page read.
    """
    pdf = _open(path)
    try:
        blocks: list[Block] = []
        heights: dict[int, float] = {}
        scanned: list[int] = []
        bad: list[int] = []
        n_pages = len(pdf)
        stopped = None
        for i in range(n_pages):
            if len(bad) >= MAX_BAD_RUN and bad[-MAX_BAD_RUN] == i - MAX_BAD_RUN:  # the last ones all failed
                stopped = i
                break
            try:
                page_out, height, needs_ocr = _read_page(pdf, i)
            except pdfium.PdfiumError:
                bad.append(i)
                continue
            heights[i + 1] = height
            if needs_ocr:
                scanned.append(i)
            blocks.extend(page_out)
    finally:
        pdf.close()
    warnings = [f"{_pages(a, b)} could not be read and {'were' if b > a else 'was'} skipped" for a, b in _runs(bad)]
    if stopped is not None:
        warnings.append(f"the {n_pages - stopped:,} pages after page {stopped:,} were not tried")
        n_pages = max(heights, default=0)
    return blocks, heights, scanned, warnings, n_pages


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Consecutive page indices as (first, last) pairs, 1-based."""
    out: list[tuple[int, int]] = []
    for i in indices:
        if out and out[-1][1] == i:
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i + 1, i + 1))
    return out


def _pages(first: int, last: int) -> str:
    return f"page {first:,}" if first == last else f"pages {first:,}–{last:,}"


def _open(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise ExtractionError(
                f"{path.name} is password-protected; save an unprotected copy and import that.") from e
        raise ExtractionError(
            f"{path.name} is not a readable PDF (damaged or truncated); export or download it again.") from e


def _read_page(pdf: pdfium.PdfDocument, index: int) -> tuple[list[Block], float, bool]:
    page = pdf[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            segments = _segments(textpage, height)
        finally:
            textpage.close()
        n_chars = sum(len(s.text.strip()) for s in segments)
        if n_chars < MIN_TEXT_CHARS and _has_image(page):
            return [], height, True
        rules = _rules(page, height)
        return page_blocks(segments, rules, index + 1, width, merged_cells=True), height, False
    finally:
        page.close()


def _segments(textpage: pdfium.PdfTextPage, height: float) -> list[Segment]:
    """pdfium's text runs (rects) with their text, box and font.

    pdfium builds the rects from consecutive characters, so a rect's text runs from its first
    character to the next rect's first: a slice of the page's text, read once. Asking for the
    text inside each rect's box is four times slower and stays the fallback when a start is
    not found.
    """
    tp = textpage.raw
    n = textpage.count_rects()
    left, top, right, bottom = (ctypes.c_double() for _ in range(4))
    boxes, starts = [], []
    for k in range(n):
        pdfium_c.FPDFText_GetRect(tp, k, ctypes.byref(left), ctypes.byref(top), ctypes.byref(right),
                                  ctypes.byref(bottom))
        box = (left.value, bottom.value, right.value, top.value)
        boxes.append(box)
        starts.append(pdfium_c.FPDFText_GetCharIndexAtPos(tp, box[0] + min(0.8, (box[2] - box[0]) / 2),
                                                           (box[1] + box[3]) / 2, 0.5, 0.5))
    total = pdfium_c.FPDFText_CountChars(tp)
    page_text = textpage.get_text_range(0, total) if total > 0 else ""
    if len(page_text) != total:  # characters outside the BMP: indices and string positions differ
        page_text = None
    name = ctypes.create_string_buffer(96)
    flags = ctypes.c_int()
    fonts: dict[bytes, bool] = {}
    out = []
    for k, (l_, b_, r_, t_) in enumerate(boxes):
        s = starts[k]
        e = starts[k + 1] if k + 1 < n else total
        if s < 0 or e <= s:
            raw = textpage.get_text_bounded(l_, b_, r_, t_)
        elif page_text is not None:
            raw = page_text[s:e]
        else:
            raw = textpage.get_text_range(s, e - s)
        text = clean(raw).replace("\r", " ").replace("\n", " ")
        if not text.strip():
            continue
        size, bold = 0.0, False
        if s >= 0:
            size = pdfium_c.FPDFText_GetFontSize(tp, s)
            pdfium_c.FPDFText_GetFontInfo(tp, s, name, len(name), ctypes.byref(flags))
            if name.value not in fonts:
                font = name.value.decode("latin-1", "replace").lower()
                fonts[name.value] = any(w in font for w in ("bold", "black", "heavy", "semibold", "demi")) \
                    or pdfium_c.FPDFText_GetFontWeight(tp, s) >= 600
            bold = fonts[name.value]
        out.append(Segment(text, l_, height - t_, r_, height - b_, size if size > 1 else 0.0, bold))
    return out


def _rules(page: pdfium.PdfPage, height: float) -> list[Rule]:
    """Thin horizontal and vertical paths (table borders), from the page and the forms on it.

    pdfium's raw object calls: pypdfium2's `get_objects` wraps every object of the page, text
    included, in a Python object, which cost more than the rest of this function.
    """
    out = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for obj in _objects(page.raw, pdfium_c.FPDF_PAGEOBJ_PATH):
        if not pdfium_c.FPDFPageObj_GetBounds(obj, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right),
                                              ctypes.byref(top)):
            continue
        w, h = right.value - left.value, top.value - bottom.value
        if (h <= 2.5 and w >= 8) or (w <= 2.5 and h >= 8):
            out.append(Rule(left.value, height - top.value, right.value, height - bottom.value))
    return out


def _objects(parent, kind: int, form: bool = False, depth: int = 2):
    """Raw objects of one kind on a page (or in a form object), descending `depth` levels into forms."""
    count = pdfium_c.FPDFFormObj_CountObjects if form else pdfium_c.FPDFPage_CountObjects
    get = pdfium_c.FPDFFormObj_GetObject if form else pdfium_c.FPDFPage_GetObject
    for i in range(max(count(parent), 0)):
        obj = get(parent, i)
        if not obj:
            continue
        obj_kind = pdfium_c.FPDFPageObj_GetType(obj)
        if obj_kind == kind:
            yield obj
        elif obj_kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth > 1:
            yield from _objects(obj, kind, True, depth - 1)


def _has_image(page: pdfium.PdfPage) -> bool:
    return any(True for _ in _objects(page.raw, pdfium_c.FPDF_PAGEOBJ_IMAGE))


def _merge_pages(text_blocks: list[Block], ocr_blocks: list[Block]) -> list[Block]:
    return sorted(text_blocks + ocr_blocks, key=lambda b: b.page)


def _mark_furniture(blocks: list[Block], heights: dict[int, float]) -> None:
    """Flag page headers and footers: page numbers, and lines repeated in the margins of pages."""
    def in_margin(b: Block) -> bool:
        h = heights.get(b.page)
        return bool(h and b.bbox) and (b.bbox[3] < 0.08 * h or b.bbox[1] > 0.92 * h)

    margin = [b for b in blocks if b.kind != "table" and in_margin(b)]
    seen: dict[str, set[int]] = {}
    for b in margin:
        seen.setdefault(re.sub(r"\d+", "#", b.text.strip().lower()), set()).add(b.page)
    for b in margin:
        key = re.sub(r"\d+", "#", b.text.strip().lower())
        if _PAGE_NUMBER.match(b.text.strip()) or len(seen[key]) >= 2:
            b.furniture = True
