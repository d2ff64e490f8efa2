"""`analyse`: every rule applied to one document, in the order their results depend on each other."""
from __future__ import annotations

from minutes.core.document import Document
from minutes.core.enums import DocType
from minutes.core.records import Assignment, Attendee, Decision, Extraction, Meeting
from minutes.text import fold

from .assignments import _Context, find_assignments
from .assignments import rules as assignment_rules
from .attendees import find_attendees
from .decisions import find_decisions
from .decisions import rules as decision_rules
from .followups import find_followups
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
                                   plan=meeting.doc_type == DocType.HANDLINGSPLAN)
    if not _about_a_meeting(meeting, attendees):
        decisions, assignments = _labelled_only(decisions, assignments)
    case_numbers(doc, sections, block_section)
    protocol = find_protocol(doc, sections, block_section, decisions, attendees)
    ex = Extraction(meeting, sections, attendees, decisions, assignments, list(doc.metadata.get("warnings", [])),
                    block_section, protocol)
    ex.followups = find_followups(doc, ex)
    return ex


def _about_a_meeting(meeting: Meeting, attendees: list[Attendee]) -> bool:
    """Whether anything marks the document as minutes or a plan: a type, a body, a date or attendees."""
    return meeting.doc_type != DocType.OTHER or bool(meeting.body or meeting.meeting_date or attendees)


def _labelled_only(decisions: list[Decision], assignments: list[Assignment]
                   ) -> tuple[list[Decision], list[Assignment]]:
    """In a document that is not about a meeting (an article, a recipe, English minutes), prose such
    as "beslutade att" or "får i uppdrag att" reports something; it is not a decision taken here.

    Only the rules flagged `standalone` in the YAML stand on their own: a "Beslut:" label, an
    action table, "Ansvarig:" (and what a label's rule finds after it: `<id>.inline`, `<id>.continued`).
    """
    standalone = decision_rules().standalone + assignment_rules().standalone
    kept = [d for d in decisions if _from_rule(d.rule, standalone)]
    ordinals = {d.ordinal for d in kept}
    return kept, [a for a in assignments if a.decision in ordinals or _from_rule(a.rule, standalone)]


def _from_rule(rule: str, ids: tuple[str, ...]) -> bool:
    """Whether `rule` is one of `ids` or a rule derived from one ("sv.decision.label.beslut.inline")."""
    return rule in ids or rule.startswith(tuple(i + "." for i in ids))
