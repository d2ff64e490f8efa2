"""What the rules extract from one document: plain records, each with its provenance.

Provenance on every row: the page it starts on, the id of the rule that produced it and
the source text it came from, so `minutes explain` can show why a row exists.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


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
    roles: list[str] = field(default_factory=list)  # every role the document gives, `role` first


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
class Followup:
    """A statement that may report on an assignment given at an earlier meeting of the same body.

    Found in one document by rules/followups.py; which earlier assignment it reports on is decided
    across documents by warehouse/followups.py, from the references it makes.
    """

    ordinal: int
    kind: str  # row: a row of an action table or a "Status:" line; text: paragraphs of an agenda item
    status: str | None  # done | in_progress | not_started; None for an action-table row without a status
    text: str  # what it says, with its agenda item's title: the words the linking compares
    section: int | None
    item: str | None  # the agenda item it stands under: "§ 34", "3"
    page: int
    rule: str
    source: str
    case_number: str | None = None  # the diarienummer of its agenda item or text
    paragraph_refs: list[str] = field(default_factory=list)  # earlier paragraphs it names: "2024-04-17 § 35"
    item_ref: str | None = None  # "4" in "punkt 4 från föregående möte"; "" for "från föregående möte"
    row_number: str | None = None  # an action-table row's Nr
    task: str | None = None  # an action-table row's task
    owners: list[str] = field(default_factory=list)  # who it names, resolved against the attendee list
    deadline: dt.date | None = None  # a new date it gives ("redovisas i oktober", "Klart senast")
    deadline_text: str | None = None
    restates: int | None = None  # number (from 1) of this document's assignment that the row repeats


# Formal protocols -----------------------------------------------------------------

@dataclass
class Motion:
    section: int | None
    mover: str
    party: str | None
    text: str
    page: int
    source: str
    outcome: str | None = None  # bifallet | avslaget, when the protocol says which won
    rule: str = "sv.protocol.yrkande"


@dataclass
class PersonVote:
    name: str
    party: str | None
    vote: str  # ja | nej | avstår | frånvarande


@dataclass
class Vote:
    section: int | None
    method: str  # acclamation | votering
    page: int
    rule: str
    source: str
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    absent: int | None = None
    yes_means: str | None = None
    no_means: str | None = None
    finding: str | None = None  # the chair's finding: "fullmäktige avslår motionen"
    outcome: str | None = None  # ja | nej | lika for a votering
    decision: int | None = None
    counts_ok: bool = True
    flag: str | None = None  # why the counts do not add up
    persons: list[PersonVote] = field(default_factory=list)
    problems: list[str] = field(default_factory=list, repr=False)  # found while reading a table
    table_counts: dict[str, int] | None = field(default=None, repr=False)
    sum_row: dict[str, int] = field(default_factory=dict, repr=False)  # a "Summa" row's counts


@dataclass
class Reservation:
    section: int | None
    name: str | None
    party: str | None
    reason: str | None
    page: int
    source: str
    decision: int | None = None
    rule: str = "sv.protocol.reservation"


@dataclass
class Recusal:
    section: int | None
    name: str
    party: str | None
    paragraph: str | None
    page: int
    source: str
    rule: str = "sv.protocol.jav"


@dataclass
class Participation:
    """Who could take part on which paragraphs: part-time attendees and substitutes."""

    name: str
    party: str | None
    status: str
    from_paragraph: int | None
    to_paragraph: int | None
    except_paragraphs: str | None
    replaces: str | None
    page: int
    source: str
    rule: str = "sv.protocol.paragraphs"


@dataclass
class Protocol:
    motions: list[Motion] = field(default_factory=list)
    votes: list[Vote] = field(default_factory=list)
    reservations: list[Reservation] = field(default_factory=list)
    recusals: list[Recusal] = field(default_factory=list)
    participation: list[Participation] = field(default_factory=list)


@dataclass
class Extraction:
    meeting: Meeting
    sections: list[Section] = field(default_factory=list)
    attendees: list[Attendee] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    block_sections: list[int | None] = field(default_factory=list)  # section ordinal of each block
    protocol: Protocol | None = None  # yrkanden, votes, reservations, jäv, attendance per §
    followups: list[Followup] = field(default_factory=list)  # statements reporting on earlier assignments
