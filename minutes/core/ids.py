"""Row ids, made and read in one place.

A document's id comes from the file's absolute path (the same file imported again keeps it);
a row's id is the document id, the table's letter and the row's number: `3f2a9c1e7b55-D004`
is the fourth decision of document `3f2a9c1e7b55`. Letters are in `tables.TABLES`.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .tables import BY_LETTER, BY_NAME, Table

DOCUMENT_ID = re.compile(r"[0-9a-f]{12}")
_ROW_ID = re.compile(r"([0-9a-f]{12})-([A-Z])(\d+)")


def document_id_for(source_path: str) -> str:
    """The stable id of the document stored for a file path."""
    return hashlib.sha1(source_path.encode("utf-8")).hexdigest()[:12]


def row_id(document_id: str, table: str, n: int) -> str:
    """The id of row number `n` of `table` in a document."""
    t = BY_NAME[table]
    return f"{document_id}-{t.letter}{n:0{t.digits}d}"


@dataclass(frozen=True)
class RowId:
    document_id: str
    table: Table
    number: int


def parse(text: str) -> RowId | None:
    """The document, table and number of a row id; None when `text` is not a row id."""
    m = _ROW_ID.fullmatch(text.strip())
    if not m or m.group(2) not in BY_LETTER:
        return None
    return RowId(m.group(1), BY_LETTER[m.group(2)], int(m.group(3)))


def content_key(texts: list[str], occurrence: int = 1) -> str:
    """A row's key by its content, not its place: the same texts (already folded) give the same key.

    Row ids are positional (a changed file can renumber its rows); a correction is keyed on
    the document's path and this key instead, so it finds its row again after a re-import.
    The n-th row with the same texts in a document gets `occurrence` n.
    """
    digest = hashlib.sha1("\x1f".join(texts).encode("utf-8")).hexdigest()[:16]
    return digest if occurrence == 1 else f"{digest}.{occurrence}"


def is_document_id(text: str) -> bool:
    return bool(DOCUMENT_ID.fullmatch(text.strip()))


def described() -> str:
    """The letters, as a user-facing list: "D decision, A assignment, ..."."""
    return ", ".join(f"{t.letter} {t.name.rstrip('s').replace('_', ' ')}" for t in BY_LETTER.values())
