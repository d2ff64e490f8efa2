"""Word .docx backend: the package's document, styles and numbering parts, read with lxml.

Paragraphs and tables come out in document order. Headings come from style names
("Heading 2", Swedish "Rubrik 2", "Title"/"Rubrik") or an outline level; list items
from numbering or list styles. Table cells keep their line breaks; a cell merged
vertically is empty in the rows below its first.

Why not python-docx's `Document()` (it writes our test fixtures): it parses every part of the
package, and a styles part copied from a template is often hundreds of kilobytes, four times
the document itself. Here only three parts are parsed, and the style and numbering tables are
cached by content, so the minutes of one body, written from one template, share them.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from minutes.core.document import Block, Document, has_text

from .errors import ExtractionError
from .textutil import clean, split_marker
from .zipparts import check_sizes, unpack

#: A Word table has at most 63 columns; a cell spanning more is damaged or hostile (20 million took 1.5 GB).
MAX_GRID_SPAN = 64
#: Tables nested deeper than this are refused (real minutes nest two or three).
MAX_TABLE_DEPTH = 16
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_STRICT_RT = "http://purl.oclc.org/ooxml/officeDocument/relationships/"
_HEADING_STYLE = re.compile(r"^(heading|rubrik|überschrift|otsikko)\s*(\d)$", re.I)
_TITLE_STYLE = re.compile(r"^(title|rubrik|titel|subtitle|underrubrik)$", re.I)
_LIST_STYLE = re.compile(r"^(list|liststycke|punktlista|numrerad lista)", re.I)
# No entities, no network, no huge trees: a .docx is untrusted input.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False, huge_tree=False)


def extract_docx(path: Path, name: str | None = None) -> Document:
    """Read a .docx file into a Document; a zip that is not a Word document is refused with what it is.

    `name` is the file's name in messages, when `path` is a copy (a converted .doc).
    """
    name = name or path.name
    try:
        with zipfile.ZipFile(path) as z:
            check_sizes(z, name)  # first: telling Word from other zips may unpack a part
            _check_word(z, name)
            package = _Package(z)
            body = package.body()
            reader = _Reader(package.styles(), package.numbering())
    except (zipfile.BadZipFile, OSError) as e:
        raise ExtractionError(f"{name} is a damaged zip/.docx file ({e}); open it in Word and save it again.") from e
    except (KeyError, ValueError, etree.XMLSyntaxError) as e:
        raise ExtractionError(
            f"{name} could not be opened as a Word document ({type(e).__name__}); "
            "open it in Word and save it again as .docx.") from e
    try:
        reader.read_body(body)
    except _TooLarge as e:
        raise ExtractionError(f"{name} {e}; it looks damaged and was not read.") from e
    blocks = reader.blocks
    if not has_text(blocks):
        raise ExtractionError(f"{name} contains no text; check that it is the right file.")
    return Document(blocks, format="docx", page_count=reader.page if reader.saw_page_break else None)


#: Content types of a Word document's main part (the part may have any name; Word finds it by type).
_WORD_MAIN_TYPES = (b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml",
                    b"ms-word.document.macroEnabled.main+xml", b"ms-word.template.macroEnabledTemplate.main+xml")


def _check_word(z: zipfile.ZipFile, name: str) -> None:
    """Refuse a zip package that is not a Word document, saying what it is."""
    names = set(z.namelist())
    if "word/document.xml" in names or (
            "[Content_Types].xml" in names and any(t in unpack(z, "[Content_Types].xml") for t in _WORD_MAIN_TYPES)):
        return
    if any(n.startswith(("xl/", "ppt/")) for n in names):
        raise ExtractionError(
            f"{name} is an Excel or PowerPoint file; export it as PDF and import the PDF instead.")
    raise ExtractionError(f"{name} is a zip archive, not a Word document; unpack it and import the files inside.")


class _Package:
    """The parts of a .docx (an OPC zip package) found through its relationships, as Word finds them."""

    def __init__(self, z: zipfile.ZipFile) -> None:
        self.z = z
        main = _targets(z, "_rels/.rels", "").get("officeDocument")
        if main is None:
            raise KeyError("no main document part")
        self.main = main
        folder, name = posixpath.split(main)
        self.related = _targets(z, posixpath.join(folder, "_rels", name + ".rels"), folder)

    def body(self):
        root = etree.fromstring(unpack(self.z, self.main), _PARSER)
        body = root.find(_W + "body")
        if body is None:
            raise ValueError("the document part has no body")
        return body

    def styles(self) -> dict[str, _Style]:
        info = self._info("styles")
        return _parsed(self.z, info, _styles) if info else {}

    def numbering(self) -> dict[tuple[str, int], str]:
        info = self._info("numbering")
        return _parsed(self.z, info, _numbering_formats) if info else {}

    def _info(self, kind: str) -> zipfile.ZipInfo | None:
        name = self.related.get(kind)
        try:
            return self.z.getinfo(name) if name else None
        except KeyError:
            return None


def _targets(z: zipfile.ZipFile, rels_name: str, folder: str) -> dict[str, str]:
    """Relationship type (its last word: officeDocument, styles, numbering) -> part name in the zip."""
    try:
        root = etree.fromstring(unpack(z, rels_name), _PARSER)
    except KeyError:
        return {}
    out: dict[str, str] = {}
    for rel in root.iter(_REL):
        kind, target = rel.get("Type", ""), rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not kind.startswith((_RT, _STRICT_RT)):
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out.setdefault(kind.rsplit("/", 1)[-1], path)
    return out


@dataclass(frozen=True)
class _Style:
    name: str
    based_on: str | None
    num_pr: tuple[str | None, int | None] | None  # (numId, ilvl) of the style's own numbering


#: Parsed style and numbering parts of the templates seen so far (a handful), by `_parsed`'s key.
_PARSED: dict[tuple, dict] = {}


def _parsed(z: zipfile.ZipFile, info: zipfile.ZipInfo, parse) -> dict:
    """parse(the part's bytes), cached by the part's CRC-32 and size from the zip's directory.

    Documents made from one template share these parts: a part seen before is neither
    unpacked nor parsed again (a quarter of reading a .docx otherwise).
    """
    key = (parse.__name__, info.CRC, info.file_size)
    if key not in _PARSED:
        if len(_PARSED) >= 32:
            _PARSED.clear()
        _PARSED[key] = parse(unpack(z, info))
    return _PARSED[key]


def _styles(xml: bytes) -> dict[str, _Style]:
    """style id -> _Style."""
    root = etree.fromstring(xml, _PARSER)
    out: dict[str, _Style] = {}
    for st in root.iterchildren(_W + "style"):
        sid = st.get(_W + "styleId")
        if not sid:
            continue
        name_el, base_el = st.find(_W + "name"), st.find(_W + "basedOn")
        num = st.find(f"{_W}pPr/{_W}numPr")
        num_pr = None
        if num is not None:
            nid, lvl = num.find(_W + "numId"), num.find(_W + "ilvl")
            num_pr = (nid.get(_W + "val") if nid is not None else None,
                      int(lvl.get(_W + "val", "0")) if lvl is not None else None)
        out[sid] = _Style(_ui_name(name_el.get(_W + "val", "") if name_el is not None else ""),
                          base_el.get(_W + "val") if base_el is not None else None, num_pr)
    return out


def _ui_name(name: str) -> str:
    """Word stores built-in style names in lower case ("heading 1"); show them as Word does."""
    return name[:1].upper() + name[1:] if name.islower() else name


class _Reader:
    def __init__(self, styles: dict[str, _Style], numbering: dict[tuple[str, int], str]) -> None:
        self.styles = styles
        self.numbering = numbering
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
            sid = style.based_on if style is not None else None
            seen += 1
        lvl = p.find(f"{_W}pPr/{_W}outlineLvl")
        if lvl is not None:
            val = int(lvl.get(_W + "val", "9"))
            if val < 9:
                return val + 1
        return None

    def _numbering(self, p, style_id: str | None) -> tuple[int, str] | None:
        num_pr = p.find(f"{_W}pPr/{_W}numPr")
        if num_pr is not None:
            num_id_el, ilvl_el = num_pr.find(_W + "numId"), num_pr.find(_W + "ilvl")
            num_id = num_id_el.get(_W + "val") if num_id_el is not None else None
            ilvl = int(ilvl_el.get(_W + "val", "0")) if ilvl_el is not None else 0
        elif style_id in self.styles and self.styles[style_id].num_pr is not None:
            num_id, style_ilvl = self.styles[style_id].num_pr
            ilvl = style_ilvl or 0
        else:
            return None
        if num_id in (None, "0"):
            return None
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
                span = _grid_span(tc)
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


class _TooLarge(Exception):
    """A table beyond what Word makes (a hostile or damaged file); the message says how."""


def _grid_span(tc) -> int:
    """How many grid columns a cell spans (MAX_GRID_SPAN at most)."""
    el = tc.find(f"{_W}tcPr/{_W}gridSpan")
    if el is None:
        return 1
    value = el.get(_W + "val", "1")
    span = int(value) if value.isdigit() else 1
    if span > MAX_GRID_SPAN:
        raise _TooLarge(f"has a table cell spanning {span:,} columns, more than the {MAX_GRID_SPAN} a Word table "
                        "can have")
    return max(span, 1)


def _cell_text(tc, depth: int = 1) -> str:
    """A cell's text; a table nested in it gives its cells line by line (each cell once, however deep)."""
    parts = []
    for el in tc.iterchildren():
        if el.tag == _W + "p":
            parts.append(_paragraph_text(el)[0])
        elif el.tag == _W + "tbl":
            if depth >= MAX_TABLE_DEPTH:
                raise _TooLarge(f"has tables nested more than {MAX_TABLE_DEPTH} deep, more than minutes ever hold")
            parts.extend(_cell_text(c, depth + 1) for c in el.iter(_W + "tc")
                         if next(c.iterancestors(_W + "tbl")) is el)  # its own cells; nested ones recurse
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


def _numbering_formats(xml: bytes) -> dict[tuple[str, int], str]:
    """(numId, level) -> numFmt ('bullet', 'decimal', 'lowerLetter', ...)."""
    numbering = etree.fromstring(xml, _PARSER)
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
