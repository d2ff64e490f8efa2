"""A document's rows as the writers take them: columns, with every key computed where the rows are made.

`DocumentRecord.of(document, rows)` runs in the worker that read the file. It turns each
table's row dicts into columns and computes their `*_key` and `row_key` columns (core/tables.py)
there, so a writer (the one writer of a DuckDB file, or each worker writing to a lake) only
joins the columns of a batch (`joined`) and inserts them.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from minutes.core.ids import content_key
from minutes.core.tables import BY_NAME
from minutes.text import key


@dataclass
class DocumentRecord:
    """Everything one document contributes to the warehouse: its `documents` row and, per table, columns."""

    document: dict[str, Any]
    rows: dict[str, dict[str, list]] = field(default_factory=dict)  # table -> column -> values, keys included

    @classmethod
    def of(cls, document: dict[str, Any], rows: dict[str, list[dict[str, Any]] | dict[str, list]]) -> DocumentRecord:
        """A record from the document's row and its rows per table (row dicts, or columns as postings are)."""
        keys = {k: key_of(document.get(source)) for k, source in BY_NAME["documents"].keys if k not in document}
        columns = {t: v if isinstance(v, dict) else columns_of(t, v) for t, v in rows.items() if v}
        return cls({**document, **keys}, columns)

    def count(self, table: str) -> int:
        """How many rows of `table` the document has."""
        columns = self.rows.get(table)
        return len(next(iter(columns.values()))) if columns else 0


def columns_of(table: str, rows: list[dict[str, Any]]) -> dict[str, list]:
    """Rows of core.<table> (dicts with the same keys) as columns, with the table's keys computed.

    A key column the rows already have is kept as it is.
    """
    if not rows:
        return {}
    columns = {c: [r.get(c) for r in rows] for c in rows[0]}
    spec = BY_NAME[table]
    for key_column, source in spec.keys:
        if key_column not in columns:
            columns[key_column] = [key_of(v) for v in columns[source]]
    if spec.identity and "row_key" not in columns:
        columns["row_key"] = row_keys(rows, spec.identity)
    return columns


def joined(parts: list[dict[str, list] | None]) -> dict[str, list]:
    """The columns of several documents as one set of columns (empty when none has rows)."""
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return parts[0] if parts else {}
    out: dict[str, list] = {c: [] for c in parts[0]}
    for part in parts:
        for c, values in out.items():
            values.extend(part[c])
    return out


def row_keys(rows: list[dict[str, Any]], identity: tuple[str, ...]) -> list[str]:
    """Each row's content key (ids.content_key) from its identity columns, counted per document."""
    seen: Counter = Counter()
    out = []
    for r in rows:
        texts = [key(r.get(c)) or "" for c in identity]
        seen[(r["document_id"], *texts)] += 1
        out.append(content_key(texts, seen[(r["document_id"], *texts)]))
    return out


def key_of(value: str | list | None) -> str | None:
    """A key column's value: the key of a text, or of a list of texts joined by " | "."""
    if isinstance(value, (list, tuple)):
        return " | ".join(filter(None, map(key, value)))
    return key(value)
