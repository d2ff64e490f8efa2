"""`analyse`: every rule applied to one document, in the order their results depend on each other."""
from __future__ import annotations

from minutes.core.document import Document
from minutes.core.records import Assignment, Attendee, Decision, Extraction, Meeting
from minutes.text import fold

from .assignments import _Context, find_assignments
from .attendees import find_attendees
from .decisions import find_decisions
from .meeting import infer_region, meeting_facts
from .ocrfix import looks_ocr, repair
from .owners import OwnerResolver
from .protocol import case_numbers, find_protocol
from .sections import find_sections


def analyse(doc: Document, file_name: str | None = None) -> Extraction:
    """Extract meeting facts, sections, attendees, decisions and assignments from a document.

    A document that looks OCR'd has its common OCR confusions mended first (in place, so the
    stored text is the mended one too); see rules/ocrfix.py.
    """
    fold.cache_clear()  # the cache serves one document's rules; the next document shares no text with it
    if looks_ocr(doc):
        repair(doc)
    meeting = meeting_facts(doc, file_name)
    sections, block_section = find_sections(doc)
    attendees = find_attendees(doc, meeting.doc_type)
    if meeting.region is None:
        meeting.region = infer_region(doc, meeting.body, [a.organisation for a in attendees])
    decisions, consumed = find_decisions(doc, block_section)
    ctx = _Context(meeting.meeting_date, meeting.next_meeting, OwnerResolver(attendees, meeting.body))
    assignments = find_assignments(doc, decisions, consumed, block_section, ctx,
                                   plan=meeting.doc_type == "handlingsplan")
    if not _about_a_meeting(meeting, attendees):
        decisions, assignments = _labelled_only(decisions, assignments)
    case_numbers(doc, sections, block_section)
    protocol = find_protocol(doc, sections, block_section, decisions, attendees)
    return Extraction(meeting, sections, attendees, decisions, assignments,
                      list(doc.metadata.get("warnings", [])), block_section, protocol)


def _about_a_meeting(meeting: Meeting, attendees: list[Attendee]) -> bool:
    """Whether anything marks the document as minutes or a plan: a type, a body, a date or attendees."""
    return meeting.doc_type != "other" or bool(meeting.body or meeting.meeting_date or attendees)


#: Rules that stand on their own outside minutes: a "Beslut:" label, an action table, "Ansvarig:".
_STANDALONE = ("sv.decision.label.", "sv.assignment.action_table", "sv.assignment.ansvarig_label")


def _labelled_only(decisions: list[Decision], assignments: list[Assignment]
                   ) -> tuple[list[Decision], list[Assignment]]:
    """In a document that is not about a meeting (an article, a recipe, English minutes), prose such
    as "beslutade att" or "får i uppdrag att" reports something; it is not a decision taken here."""
    kept = [d for d in decisions if d.rule.startswith(_STANDALONE)]
    ordinals = {d.ordinal for d in kept}
    return kept, [a for a in assignments if a.decision in ordinals or a.rule.startswith(_STANDALONE)]
