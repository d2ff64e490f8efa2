"""minutes: Swedish public-sector meeting documents into a queryable DuckDB warehouse.

The package's parts, each in a folder of the repository:

    minutes.core        the ground layer: document model, extraction records, row ids, tables, vocabularies
    minutes.text        folding and search terms, shared by the rules and the warehouse
    minutes.extractors  one backend per file format, each returning a `Document`
    minutes.rules       the Swedish rules (engines in Python, language data in rules/sv/)
    minutes.warehouse   the DuckDB schema, loading, search and read-only queries
    minutes.pipeline    batch imports: discover, extract in parallel, load through one writer
    minutes.web         the staff web site
    minutes.cli         the `minutes` command
"""
from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    """`minutes.__version__`, read from the installation when first asked for (importlib.metadata is slow
    to import, and no command but --version needs it)."""
    if name != "__version__":
        raise AttributeError(f"module 'minutes' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("minutes")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"
