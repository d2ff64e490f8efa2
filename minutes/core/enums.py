"""The closed vocabularies of minutes: every status and kind a row can have, in one place.

The rule data (rules/sv/*.yaml) is checked against them, the CLI offers them as choices and
the web site labels them; values are stored in the warehouse as the plain strings below.
Each member is named after its value in capitals: `AttendeeStatus.PRESENT == "present"`.
"""
from __future__ import annotations

from enum import StrEnum


def vocabulary(name: str, doc: str, *members: str) -> type[StrEnum]:
    """A string enum of `members`, each named after its value in capitals ("due_today" -> DUE_TODAY)."""
    enum = StrEnum(name, {value.upper(): value for value in members}, module=__name__)
    enum.__doc__ = doc
    return enum


AttendeeStatus = vocabulary(
    "AttendeeStatus", "How a person took part: adjunct is adjungerad, övriga närvarande or tjänstemän; "
    "substitute is a tjänstgörande ersättare.", "present", "absent", "adjunct", "substitute")
DecisionKind = vocabulary("DecisionKind", "What a decision row is.", "beslut", "ställningstagande", "förslag",
                          "summering")
OwnerKind = vocabulary("OwnerKind", "Who an assignment's owner is.", "person", "role", "group", "organisation")
DocType = vocabulary("DocType", "What kind of document a file is.", "protokoll", "minnesanteckningar",
                     "handlingsplan", "rapport", "kallelse", "other")
Precision = vocabulary("Precision", "How precise a deadline is, most precise first.", "day", "week", "month",
                       "quarter", "season", "year")
ImportStatus = vocabulary("ImportStatus", "What an import did with a file.", "imported", "replaced", "unchanged",
                          "failed")
DeadlineStatus = vocabulary("DeadlineStatus", "Where a deadline stands on a given day (due: in some days).",
                            "overdue", "due_today", "due", "no_deadline")
VoteMethod = vocabulary("VoteMethod", "How a question was decided.", "acclamation", "votering")
Vote = vocabulary("Vote", "How one member voted, as protocols write it.", "ja", "nej", "avstår", "frånvarande")
FollowupStatus = vocabulary(
    "FollowupStatus", "What a later meeting reports about an assignment: done (reported complete, a 'Klar' row, "
    "a decision that completes it), in_progress ('Pågår', 'Kvarstår', a new expected date), not_started.",
    "done", "in_progress", "not_started")
AssignmentStatus = vocabulary(
    "AssignmentStatus", "Where an assignment stands after the latest follow-up of the same body; open when no "
    "later meeting reported on it.", "done", "in_progress", "not_started", "open")
SearchKind = vocabulary("SearchKind", "What a search hit is: a decision, an assignment or a block of text.",
                        "decision", "assignment", "text")


def values(enum: type[StrEnum]) -> tuple[str, ...]:
    """The plain values of an enum, in order: for choices, checks and SQL."""
    return tuple(member.value for member in enum)
