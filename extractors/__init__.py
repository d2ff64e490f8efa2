"""Extractors: one backend per input format, each returning the same `Document` (minutes.core.document).

    from minutes.extractors import extract
    doc = extract(Path("protokoll.pdf"))
    for block in doc.blocks: ...

The backends (pdfium, lxml, Tesseract) are imported when a file is first extracted, not when
this package is imported.
"""
from __future__ import annotations

from .errors import ExtractionError, MissingToolError

__all__ = ["ExtractionError", "MissingToolError", "extract", "read_head"]


def __getattr__(name: str):
    if name in ("extract", "read_head"):
        from . import registry
        return getattr(registry, name)
    raise AttributeError(f"module 'minutes.extractors' has no attribute {name!r}")
