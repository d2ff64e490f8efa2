"""Batch imports: discover files, extract them (in parallel), load them through one writer.

    from minutes.pipeline import import_paths
    summary = import_paths(["minutes/2024"], "minutes.duckdb")

The names are imported when first used, so `minutes search` and the other query commands
start without loading the extractors and the rules.
"""
from __future__ import annotations

__all__ = ["Summary", "import_paths"]  # and the module `discover`: which files an import reads


def __getattr__(name: str):
    if name in __all__:
        from . import importer
        return getattr(importer, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
