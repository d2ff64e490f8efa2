"""What an import did, file by file and in all: returned by `import_paths`, and sent by the import service."""
from __future__ import annotations

from dataclasses import dataclass, field

STATUSES = ("imported", "replaced", "unchanged", "failed", "skipped")


@dataclass
class Summary:
    run_id: str
    counts: dict[str, int] = field(default_factory=lambda: {s: 0 for s in STATUSES})
    status_pages: dict[str, int] = field(default_factory=lambda: {s: 0 for s in STATUSES})
    status_seconds: dict[str, float] = field(default_factory=lambda: {s: 0.0 for s in STATUSES})
    failures: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why it was not read)
    no_facts: list[str] = field(default_factory=list)  # imported, but nothing about a meeting was found in them
    orphaned: int = 0  # corrections whose row was not found when their file was written again
    debug: dict[str, str] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    followup_seconds: float = 0.0  # linking the follow-ups of the bodies the run touched
    pages: int = 0

    @property
    def failed(self) -> int:
        return self.counts["failed"]
