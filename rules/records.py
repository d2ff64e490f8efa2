"""What the rules extract from one document: plain records, each with its provenance.

Provenance on every row: the page it starts on, the id of the rule that produced it and
the source text it came from, so `minutes explain` can show why a row exists.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Meeting:
    title: str | None = None
    doc_type: str = "other"
    body: str | None = None
    region: str | None = None
    meeting_date: dt.date | None = None
    start_time: str | None = None  # HH:MM
    end_time: str | None = None
    place: str | None = None
    next_meeting: dt.date | None = None
    provenance: dict[str, str] = field(default_factory=dict)  # field -> "rule: source text"


@dataclass
class Section:
    ordinal: int
    number: str | None
    title: str
    level: int
    page: int
    parent: int | None = None  # ordinal of the parent section
    case_number: str | None = None  # the diarienummer: "KS 2025/112"


@dataclass
class Attendee:
    name: str
    status: str  # present | absent | adjunct | substitute
    initials: str | None = None
    role: str | None = None
    organisation: str | None = None
    party: str | None = None
    attended: str | None = None
    page: int = 1
    rule: str = ""
    source: str = ""


@dataclass
class Decision:
    ordinal: int
    text: str
    kind: str  # beslut | ställningstagande | förslag | summering
    section: int | None
    page: int
    rule: str
    source: str
    number: str | None = None  # its number in a numbered list ("4."), used to merge repeats


@dataclass
class Assignment:
    owner: str | None
    owner_kind: str | None  # person | role | group | organisation
    task: str
    deadline: dt.date | None = None
    deadline_text: str | None = None
    deadline_precision: str | None = None
    decision: int | None = None  # ordinal of the decision it comes from
    section: int | None = None
    page: int = 1
    rule: str = ""
    source: str = ""
    score: float = 1.0


@dataclass
class Extraction:
    meeting: Meeting
    sections: list[Section] = field(default_factory=list)
    attendees: list[Attendee] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    block_sections: list[int | None] = field(default_factory=list)  # section ordinal of each block
    protocol: Any = None  # rules.protocol.Protocol: yrkanden, votes, reservations, jäv, attendance per §

    def as_dict(self) -> dict:
        return asdict(self)
