"""Word .docx backend (python-docx).

Paragraphs and tables come out in document order. Headings come from style names
("Heading 2", Swedish "Rubrik 2", "Title"/"Rubrik") or an outline level; list items
from numbering or list styles. Table cells keep their line breaks; a cell merged
vertically is empty in the rows below its first.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .errors import ExtractionError
from .model import Block, Document, has_text
from .textutil import clean, split_marker

#: Refuse documents whose XML would unpack to more than this (zip bombs).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLE = re.compile(r"^(heading|rubrik|überschrift|otsikko)\s*(\d)$", re.I)
_TITLE_STYLE = re.compile(r"^(title|rubrik|titel|subtitle|underrubrik)$", re.I)
_LIST_STYLE = re.compile(r"^(list|liststycke|punktlista|numrerad lista)", re.I)


def extract_docx(path: Path) -> Document:
    """Read a .docx file into a Document."""
    _check_size(path)
    import docx  # python-docx; imported here so the other formats never pay for it
    try:
        d = docx.Document(str(path))
    except Exception as e:  # python-docx raises KeyError, ValueError, lxml errors...
        raise ExtractionError(
            f"{path.name} could not be opened as a Word document ({type(e).__name__}); "
            "open it in Word and save it again as .docx.") from e
    reader = _Reader(d)
    reader.read_body(d.element.body)
    blocks = reader.blocks
    if not has_text(blocks):
        raise ExtractionError(f"{path.name} contains no text; check that it is the right file.")
    return Document(blocks, format="docx", page_count=reader.page if reader.saw_page_break else None)


def _check_size(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            total = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile as e:
        raise ExtractionError(f"{path.name} is a damaged .docx file; open it in Word and save it again.") from e
    if total > MAX_UNPACKED_BYTES:
        raise ExtractionError(
            f"{path.name} would unpack to {total // 2**20} MB, more than the {MAX_UNPACKED_BYTES // 2**20} MB "
            "allowed for a Word file; check that it is a real document.")


class _Reader:
    def __init__(self, document) -> None:
        self.styles = {s.style_id: s for s in document.styles}
        self.numbering = _numbering_formats(document)
        self.counters: dict[tuple[str, int], int] = {}
        self.blocks: list[Block] = []
        self.page = 1
        self.saw_page_break = False

    def read_body(self, body) -> None:
        for el in body.iterchildren():
            tag = el.tag
            if tag == _W + "p":
                self.paragraph(el)
            elif tag == _W + "tbl":
                self.table(el)
            elif tag == _W + "sdt":
                content = el.find(_W + "sdtContent")
                if content is not None:
                    self.read_body(content)

    # paragraphs -------------------------------------------------------------------
    def paragraph(self, p) -> None:
        text, bold, breaks_before, breaks_after = _paragraph_text(p)
        if breaks_before or breaks_after:
            self.saw_page_break = True
        self.page += breaks_before
        page = self.page
        self.page += breaks_after
        text = clean(text).strip()
        if not text:
            return
        style_id = _style_id(p)
        kind, level, marker = "paragraph", 0, ""
        heading = self._heading_level(p, style_id)
        num = self._numbering(p, style_id)
        if heading is not None:
            kind, level = "heading", heading
        elif num is not None:
            kind, level, marker = "list_item", num[0], num[1]
        elif style_id and _LIST_STYLE.match(self._style_name(style_id)):
            kind, marker = "list_item", "•"
        else:
            typed_marker, rest = split_marker(text)
            if typed_marker:
                kind, marker, text = "list_item", typed_marker, rest
        if kind == "list_item" and style_id:
            m = re.search(r"(\d)$", self._style_name(style_id))  # "List Bullet 2" is the second level
            if m:
                level = max(level, int(m.group(1)) - 1)
        self.blocks.append(Block(kind, text, page=page, level=level, emphasis=bold, marker=marker))

    def _style_name(self, style_id: str) -> str:
        s = self.styles.get(style_id)
        return s.name if s is not None and s.name else style_id

    def _heading_level(self, p, style_id: str | None) -> int | None:
        seen = 0
        sid = style_id
        while sid and seen < 10:
            name = self._style_name(sid)
            m = _HEADING_STYLE.match(name) or _HEADING_STYLE.match(sid)
            if m:
                return int(m.group(2))
            if _TITLE_STYLE.match(name):
                return 1 if name.lower() in ("title", "rubrik", "titel") else 2
            style = self.styles.get(sid)
            base = style.base_style if style is not None else None
            sid = base.style_id if base is not None else None
            seen += 1
        lvl = p.find(f"{_W}pPr/{_W}outlineLvl")
        if lvl is not None:
            val = int(lvl.get(_W + "val", "9"))
            if val < 9:
                return val + 1
        return None

    def _numbering(self, p, style_id: str | None) -> tuple[int, str] | None:
        num_pr = p.find(f"{_W}pPr/{_W}numPr")
        if num_pr is None and style_id in self.styles:
            style_el = self.styles[style_id].element
            num_pr = style_el.find(f"{_W}pPr/{_W}numPr")
        if num_pr is None:
            return None
        num_id_el, ilvl_el = num_pr.find(_W + "numId"), num_pr.find(_W + "ilvl")
        num_id = num_id_el.get(_W + "val") if num_id_el is not None else None
        if num_id in (None, "0"):
            return None
        ilvl = int(ilvl_el.get(_W + "val", "0")) if ilvl_el is not None else 0
        fmt = self.numbering.get((num_id, ilvl), "bullet")
        if fmt == "bullet":
            return ilvl, "•"
        for key in list(self.counters):
            if key[0] == num_id and key[1] > ilvl:
                del self.counters[key]  # a deeper level restarts under a new parent item
        n = self.counters.get((num_id, ilvl), 0) + 1
        self.counters[(num_id, ilvl)] = n
        if fmt in ("lowerLetter", "upperLetter"):
            letter = chr(ord("a") + (n - 1) % 26)
            return ilvl, (letter.upper() if fmt == "upperLetter" else letter) + "."
        return ilvl, f"{n}."

    # tables -----------------------------------------------------------------------
    def table(self, tbl) -> None:
        rows: list[list[str]] = []
        for tr in tbl.iterchildren(_W + "tr"):
            row: list[str] = []
            for tc in tr.iterchildren(_W + "tc"):
                span_el = tc.find(f"{_W}tcPr/{_W}gridSpan")
                span = int(span_el.get(_W + "val", "1")) if span_el is not None else 1
                vmerge = tc.find(f"{_W}tcPr/{_W}vMerge")
                continued = vmerge is not None and vmerge.get(_W + "val", "continue") == "continue"
                text = "" if continued else _cell_text(tc)
                row.append(text)
                row.extend([""] * (span - 1))
            rows.append(row)
        width = max((len(r) for r in rows), default=0)
        rows = [r + [""] * (width - len(r)) for r in rows if any(c.strip() for c in r)]
        if rows:
            self.blocks.append(Block("table", "", page=self.page, rows=rows))


def _cell_text(tc) -> str:
    parts = []
    for el in tc.iterchildren():
        if el.tag == _W + "p":
            parts.append(_paragraph_text(el)[0])
        elif el.tag == _W + "tbl":  # a nested table: its cells line by line
            parts.extend(_cell_text(c) for c in el.iter(_W + "tc"))
    return clean("\n".join(p.strip() for p in parts if p.strip()))


def _paragraph_text(p) -> tuple[str, bool, int, int]:
    """Text of a paragraph, whether all of it is bold, and its page breaks before and after its text."""
    out: list[str] = []
    all_bold = True
    any_text = False
    before = after = 0
    for r in p.iter(_W + "r"):
        run_text = []
        for child in r.iterchildren():
            tag = child.tag
            if tag == _W + "t":
                run_text.append(child.text or "")
            elif tag == _W + "tab":
                run_text.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                if child.get(_W + "type") == "page":
                    after += 1 if any_text else 0
                    before += 0 if any_text else 1
                else:
                    run_text.append("\n")
            elif tag == _W + "lastRenderedPageBreak":
                after += 1 if any_text else 0
                before += 0 if any_text else 1
        t = "".join(run_text)
        if t.strip():
            any_text = True
            b = r.find(f"{_W}rPr/{_W}b")
            if b is None or b.get(_W + "val", "true") in ("0", "false"):
                all_bold = False
        out.append(t)
    return "".join(out), all_bold and any_text, before, after


def _style_id(p) -> str | None:
    ps = p.find(f"{_W}pPr/{_W}pStyle")
    return ps.get(_W + "val") if ps is not None else None


def _numbering_formats(document) -> dict[tuple[str, int], str]:
    """(numId, level) -> numFmt ('bullet', 'decimal', 'lowerLetter', ...)."""
    try:
        numbering = document.part.numbering_part.element
    except (NotImplementedError, KeyError, AttributeError):
        return {}
    abstract = {}
    for an in numbering.iterchildren(_W + "abstractNum"):
        aid = an.get(_W + "abstractNumId")
        for lvl in an.iterchildren(_W + "lvl"):
            fmt = lvl.find(_W + "numFmt")
            abstract[(aid, int(lvl.get(_W + "ilvl", "0")))] = fmt.get(_W + "val") if fmt is not None else "decimal"
    out = {}
    for num in numbering.iterchildren(_W + "num"):
        nid = num.get(_W + "numId")
        aid_el = num.find(_W + "abstractNumId")
        if aid_el is None:
            continue
        aid = aid_el.get(_W + "val")
        for (a, lvl), fmt in abstract.items():
            if a == aid:
                out[(nid, lvl)] = fmt
    return out
