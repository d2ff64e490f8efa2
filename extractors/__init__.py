"""Extractors: one backend per input format, each returning the same `Document` model.

    from minutes.extractors import extract
    doc = extract(Path("protokoll.pdf"))
    for block in doc.blocks: ...
"""
from __future__ import annotations

from .errors import ExtractionError, MissingToolError
from .model import Block, Document
from .registry import extract, read_head

__all__ = ["Block", "Document", "ExtractionError", "MissingToolError", "extract", "read_head"]
