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


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("minutes")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"


__version__ = _version()
