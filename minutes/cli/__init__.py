"""The `minutes` command: a thin click layer over the importer, the warehouse and the web site.

Every setting a user can give is an option, and each option also reads its environment
variable (`envvar=`); a command builds one `Settings` from them and passes it down.

    base       the group, shared options, Settings
    importing  minutes import
    querying   minutes sql, search, assigned, decisions, people, export, explain
    serving    minutes serve
    output     tables, CSV and JSON
"""
from . import importing, querying, serving  # noqa: F401  (each module adds its commands to `main`)
from .base import main

__all__ = ["main"]
