"""Plain text and Markdown backend.

Understands what minutes saved as text usually contain: Markdown headings (`#`), list
markers, pipe tables (`| Närvarande | Anna Svensson<br>Per Ek | ... |`), bold labels
(`**Beslut:**`), form feeds (or `<!-- pagebreak -->`) as page breaks, and hard-wrapped
paragraphs. Other HTML comments are ignored.
"""
from __future__ import annotations

import re
from pathlib import Path

from minutes.core.document import Block, Document

from .errors import ExtractionError
from .textutil import clean, join_lines, split_marker

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_TABLE_SEP = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_BOLD = re.compile(r"(\*\*|__)(.+?)\1")


def decode(data: bytes) -> str:
    """Decode text bytes: UTF-16 with a byte-order mark, UTF-8 (with or without one), else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def extract_text(path: Path, data: bytes | None = None) -> Document:
    """Read a .txt/.md file into a Document."""
    raw = decode(path.read_bytes() if data is None else data)
    doc = parse_text(raw)
    if not doc.blocks:
        raise ExtractionError(f"{path.name} contains no text; check that it is the right file.")
    return doc


def parse_text(raw: str) -> Document:
    """Parse text in memory (also used by tests and by OCR output)."""
    blocks: list[Block] = []
    raw = re.sub(r"^\s*<!--\s*pagebreak\s*-->\s*$", "\f", clean(raw), flags=re.M | re.I)
    raw = re.sub(r"<!--.*?-->", "", raw, flags=re.S)  # other HTML comments are not text
    pages = raw.split("\f")
    for page_no, page in enumerate(pages, start=1):
        lines = page.split("\n")
        wrapped = _is_hard_wrapped(lines)
        i = 0
        para: list[str] = []

        def flush() -> None:
            if para:
                blocks.extend(_paragraphs(para, page_no, wrapped))
                para.clear()

        while i < len(lines):
            line = lines[i].rstrip()
            if not line.strip():
                flush()
                i += 1
                continue
            m = _HEADING.match(line)
            if m:
                flush()
                text, emph = _inline(m.group(2))
                if text:
                    blocks.append(Block("heading", text, page=page_no, level=len(m.group(1))))
                i += 1
                continue
            if line.lstrip().startswith("|"):
                flush()
                rows = []
                while i < len(lines) and lines[i].lstrip().startswith("|"):
                    if not _TABLE_SEP.match(lines[i].strip()):
                        rows.append(_cells(lines[i]))
                    i += 1
                width = max(len(r) for r in rows)
                blocks.append(Block("table", "", page=page_no, rows=[r + [""] * (width - len(r)) for r in rows]))
                continue
            marker, _ = split_marker(line)
            if marker:
                flush()
                indent = len(line) - len(line.lstrip())
                item = [line]
                i += 1
                while i < len(lines) and lines[i].strip() and not split_marker(lines[i])[0] \
                        and not lines[i].lstrip().startswith(("|", "#")) \
                        and (len(lines[i]) - len(lines[i].lstrip()) > indent or wrapped):
                    item.append(lines[i])
                    i += 1
                m_, first = split_marker(item[0])
                text, emph = _inline(join_lines([first] + item[1:]))
                blocks.append(Block("list_item", text, page=page_no, level=indent // 2, marker=m_, emphasis=emph))
                continue
            para.append(line)
            i += 1
        flush()
    return Document(blocks, format="txt", page_count=len(pages) if len(pages) > 1 else None)


def _is_hard_wrapped(lines: list[str]) -> bool:
    """Whether a page is hard-wrapped prose (a paragraph runs over several lines broken at a width) rather
    than one item per line (typed in Notepad or an e-mail, without blank lines between the items).

    In wrapped text most lines reach near the width of their paragraph and the next line goes on
    with the sentence, in lower case; lines holding one item each do neither.
    """
    lengths = [len(ln) for ln in lines if ln.strip()]
    if len(lengths) < 5 or max(lengths) > 100:
        return False
    pairs = continued = 0
    for run in _runs(lines):
        width = max(len(ln.rstrip()) for ln in run)
        for line, following in zip(run, run[1:]):
            pairs += 1
            continued += len(line.rstrip()) >= 0.6 * width and following.lstrip()[:1].islower()
    return continued >= 0.5 * pairs > 0


def _runs(lines: list[str]) -> list[list[str]]:
    """The runs of lines between blank lines."""
    runs: list[list[str]] = [[]]
    for ln in lines:
        if ln.strip():
            runs[-1].append(ln)
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


def _paragraphs(lines: list[str], page: int, wrapped: bool) -> list[Block]:
    """Lines between blank lines: one paragraph when hard-wrapped, else one per line."""
    groups: list[list[str]] = []
    if wrapped:
        width = max(len(ln) for ln in lines)
        current: list[str] = []
        for ln in lines:
            current.append(ln)
            if len(ln.rstrip()) < 0.6 * width and ln.rstrip().endswith((".", ":", "!", "?")):
                groups.append(current)
                current = []
        if current:
            groups.append(current)
    else:
        groups = [[ln] for ln in lines]
    out = []
    for g in groups:
        text, emph = _inline(join_lines(g))
        if text:
            out.append(Block("paragraph", text, page=page, emphasis=emph))
    return out


def _inline(text: str) -> tuple[str, bool]:
    """Strip Markdown emphasis and links; report whether the whole text was bold."""
    text = _LINK.sub(r"\1", text).strip()
    emph = bool(re.fullmatch(r"(\*\*|__).+\1:?", text))
    text = _BOLD.sub(r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])", r"\1", text)
    return text.strip(), emph


def _cells(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [_inline(re.sub(r"<br\s*/?>", "\n", c, flags=re.I))[0] for c in s.split("|")]
