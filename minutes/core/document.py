"""The one document model every extractor returns and every rule reads.

A `Document` is an ordered list of blocks (headings, paragraphs, list items, tables).
`Document.text` is the blocks' text joined by blank lines; each block knows its
character span in that text, its page, and, where the format has geometry, its box.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Literal

BlockKind = Literal["heading", "paragraph", "list_item", "table"]

#: Separators used when a table is rendered into `Document.text`.
CELL_SEP = " | "
ROW_SEP = "\n"


@dataclass
class Block:
    """One unit of reading order: a heading, a paragraph, a list item or a table."""

    kind: BlockKind
    text: str
    page: int = 1
    level: int = 0  # heading level (1 = top) or list nesting depth (0 = top)
    rows: list[list[str]] | None = None  # tables only: cell texts, line breaks kept
    bbox: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom in points
    emphasis: bool = False  # the whole block is bold (a label such as "Beslut")
    marker: str = ""  # list marker as written: "•", "-", "1.", "a."
    font_size: float | None = None  # PDF/OCR: typical size of the block's text
    furniture: bool = False  # page header or footer repeated on pages (not body text)
    start: int = 0  # offsets into Document.text, set by Document
    end: int = 0



def has_text(blocks: list[Block]) -> bool:
    """Whether any block (a table through its cells) holds text."""
    return any(b.text.strip() or any(c.strip() for r in (b.rows or []) for c in r) for b in blocks)


def table_text(rows: list[list[str]]) -> str:
    """Plain-text rendering of a table: one line per row, cells separated by ' | '."""
    return ROW_SEP.join(CELL_SEP.join(c.replace("\n", " / ") for c in r) for r in rows)


@dataclass
class Document:
    """An extracted document: blocks in reading order plus what the file told us."""

    blocks: list[Block] = field(default_factory=list)
    format: str = "txt"
    page_count: int | None = None
    ocr: bool = False  # text came from OCR run by the pipeline
    ocr_seconds: float = 0.0
    looks_ocr: bool = False  # text layer looks like (noisy) OCR output
    metadata: dict = field(default_factory=dict)
    text: str = ""

    def __post_init__(self) -> None:
        if self.blocks and not self.text:
            self.reindex()

    def reindex(self) -> None:
        """Recompute `text` and every block's offsets after blocks changed."""
        parts: list[str] = []
        pos = 0
        for b in self.blocks:
            if b.kind == "table" and b.rows is not None:
                b.text = table_text(b.rows)
            b.start = pos
            b.end = pos + len(b.text)
            parts.append(b.text)
            pos = b.end + 2
        self.text = "\n\n".join(parts)

    def __iter__(self) -> Iterator[Block]:
        return iter(self.blocks)
