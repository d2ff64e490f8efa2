"""Swedish rules: meeting facts, attendees, decisions, assignments and deadlines.

    from minutes.rules import analyse
    extraction = analyse(document, file_name="protokoll.pdf")

Rules only see the `Document` model; they never know which format it came from. The
language data lives in rules/sv/*.yaml; the modules here are the small engines that apply it.
The names below are imported when first used, so a query command that only needs
`rules.text` or `rules.terms` does not load every rule.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import resources

__all__ = ["Assignment", "Attendee", "Decision", "Extraction", "Meeting", "Section", "analyse", "rules_version"]
_RECORDS = ("Assignment", "Attendee", "Decision", "Extraction", "Meeting", "Section")


def __getattr__(name: str):
    if name == "analyse":
        from .analysis import analyse
        return analyse
    if name in _RECORDS:
        from . import records
        return getattr(records, name)
    raise AttributeError(f"module 'rules' has no attribute {name!r}")


@lru_cache(maxsize=1)
def rules_version() -> str:
    """A short fingerprint of the rule code and data; a changed fingerprint re-extracts files."""
    h = hashlib.sha256()
    try:
        from importlib.metadata import version
        h.update(version("minutes").encode())
    except Exception:  # running from a source tree without an installed distribution
        h.update(b"dev")
    root = resources.files("minutes.rules")
    for name in sorted(p.name for p in root.iterdir() if p.name.endswith(".py")):
        h.update(root.joinpath(name).read_bytes())
    for name in sorted(p.name for p in root.joinpath("sv").iterdir() if p.name.endswith(".yaml")):
        h.update(root.joinpath("sv", name).read_bytes())
    return h.hexdigest()[:12]
