"""A small read-only web site over the warehouse for staff: search, assignments, decisions, documents.

    minutes serve --db minutes.duckdb      # http://127.0.0.1:8000
"""
from .app import create_app

__all__ = ["create_app"]
