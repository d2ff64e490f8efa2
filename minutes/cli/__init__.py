"""The `minutes` command: a thin click layer over the importer, the warehouse and the web site.

Every setting a user can give is an option, and each option also reads its environment
variable (`envvar=`); a command builds one `Settings` from them and passes it down.

    base       the group, shared options, Settings
    importing  minutes import
    querying   minutes sql, search, assigned, decisions, people, export, explain
    followups  minutes case, followup
    serving    minutes serve
    correcting minutes correct, corrections
    watching   minutes watch
    output     tables, CSV and JSON
"""
# each module adds its commands to `main`
from . import correcting, followups, importing, querying, serving, watching  # noqa: F401
from .base import main

__all__ = ["main"]
