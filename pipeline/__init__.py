"""Batch imports: discover files, extract them (in parallel), load them through one writer.

    from pipeline import import_paths
    summary = import_paths(["minutes/2024"], "minutes.duckdb")
"""
from .importer import Summary, discover, import_paths

__all__ = ["Summary", "discover", "import_paths"]
