"""Normalise: turn an extracted Document and its rule Extraction into warehouse rows.

Row ids come from minutes.core.ids (the same file imported again keeps its ids); the search
terms of the rows come from the warehouse's own index (minutes.warehouse.search).
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from minutes.core.document import Document
from minutes.core.ids import document_id_for, row_id
from minutes.core.records import Extraction
from minutes.text import squash
from minutes.warehouse.search import postings
from minutes.warehouse.rows import DocumentRecord


def to_record(source_path: str, sha256: str, size: int, mtime_ns: int, doc: Document, ex: Extraction,
              rules_version: str) -> DocumentRecord:
    """All rows one document contributes, ready for `Warehouse.write_batch` (made in the worker that read it)."""
    did = document_id_for(source_path)
    m = ex.meeting
    section_id = {s.ordinal: row_id(did, "sections", s.ordinal) for s in ex.sections}
    section_title = {s.ordinal: s.title for s in ex.sections}
    number = document_order(doc, ex)  # the rules' ordinal -> its number in the document
    decision_id = {d.ordinal: row_id(did, "decisions", number[d.ordinal]) for d in ex.decisions}
    document = {
        "document_id": did, "source_path": source_path, "file_name": Path(source_path).name, "sha256": sha256,
        "size_bytes": size, "mtime_ns": mtime_ns, "format": doc.format, "page_count": doc.page_count,
        "ocr": doc.ocr, "ocr_seconds": doc.ocr_seconds or None, "doc_type": m.doc_type, "title": m.title,
        "body": m.body, "region": m.region, "meeting_date": m.meeting_date,
        "start_time": _time(m.start_time), "end_time": _time(m.end_time), "place": m.place,
        "next_meeting": m.next_meeting, "rules_version": rules_version,
        "provenance": json.dumps(m.provenance, ensure_ascii=False),
        "warnings": json.dumps(ex.warnings, ensure_ascii=False) if ex.warnings else None,
        "imported_at": dt.datetime.now(),
    }
    block_section = ex.block_sections or [None] * len(doc.blocks)
    rows = {
        "blocks": [{"document_id": did, "ordinal": i, "kind": b.kind, "level": b.level, "page": b.page,
                    "section_id": section_id.get(block_section[i]), "text": b.text}
                   for i, b in enumerate(doc.blocks) if not b.furniture],
        "sections": [{"document_id": did, "section_id": section_id[s.ordinal],
                      "parent_id": section_id.get(s.parent), "number": s.number, "title": s.title,
                      "level": s.level, "page": s.page, "ordinal": s.ordinal, "case_number": s.case_number}
                     for s in ex.sections],
        "attendees": [{"attendee_id": row_id(did, "attendees", n), "document_id": did, "name": a.name,
                       "initials": a.initials, "role": a.role, "organisation": a.organisation, "party": a.party,
                       "status": a.status, "attended": a.attended, "roles": ", ".join(a.roles) or None,
                       "page": a.page, "rule": a.rule,
                       "source_text": a.source} for n, a in enumerate(ex.attendees, start=1)],
        "decisions": [{"decision_id": decision_id[d.ordinal], "document_id": did,
                       "section_id": section_id.get(d.section), "section_title": section_title.get(d.section),
                       "ordinal": number[d.ordinal], "text": d.text, "kind": d.kind, "page": d.page, "rule": d.rule,
                       "source_text": d.source} for d in sorted(ex.decisions, key=lambda d: number[d.ordinal])],
        "assignments": [{"assignment_id": row_id(did, "assignments", n), "document_id": did,
                         "decision_id": decision_id.get(a.decision), "section_id": section_id.get(a.section),
                         "ordinal": n, "owner": a.owner,
                         "owner_kind": a.owner_kind, "task": a.task,
                         "deadline": a.deadline, "deadline_text": a.deadline_text,
                         "deadline_precision": a.deadline_precision, "page": a.page, "rule": a.rule,
                         "source_text": a.source} for n, a in enumerate(ex.assignments, start=1)],
    }
    rows["followups"] = _followup_rows(did, ex, section_id)
    if ex.protocol is not None:
        rows.update(_protocol_rows(did, ex.protocol, section_id, decision_id))
    rows["postings"] = postings(rows)
    return DocumentRecord.of(document, rows)  # as columns with their keys: the writer only inserts


def document_order(doc: Document, ex: Extraction) -> dict[int, int]:
    """Each decision's number in document order, by the rules' ordinal.

    The rules find decisions under labels ("Beslut:") before those in running text ("Beslutades
    att"), and number them as found; ids and the `ordinal` column follow the text instead, so
    decision D001 is the first one a reader meets. A decision stands where its text starts (in its
    own section's blocks first), or at its section's start when its text was reworded.
    """
    texts = [squash(b.text) for b in doc.blocks]
    sections = ex.block_sections or [None] * len(texts)
    ahead = len(texts)

    def position(d) -> int:
        needle = squash(d.source or d.text)[:40]
        own = [i for i, s in enumerate(sections) if s == d.section]
        for i in own + list(range(len(texts))):
            if needle and needle in texts[i]:
                return i
        return own[0] if own else ahead

    ranked = sorted(ex.decisions, key=lambda d: (position(d), d.ordinal))
    return {d.ordinal: n for n, d in enumerate(ranked, start=1)}


def _followup_rows(did: str, ex: Extraction, section_id: dict) -> list[dict]:
    """Statements that may report on earlier assignments; the linking fills in which (warehouse/followups.py)."""
    return [{"followup_id": row_id(did, "followups", f.ordinal), "document_id": did,
             "section_id": section_id.get(f.section), "ordinal": f.ordinal, "kind": f.kind, "item": f.item,
             "stated_status": f.status, "text": f.text, "case_number": f.case_number,
             "paragraph_refs": f.paragraph_refs, "item_ref": f.item_ref, "row_number": f.row_number, "task": f.task,
             "owners": f.owners, "deadline": f.deadline, "deadline_text": f.deadline_text,
             "restates_id": row_id(did, "assignments", f.restates) if f.restates else None, "page": f.page,
             "rule": f.rule, "source_text": f.source} for f in ex.followups]


def _protocol_rows(did: str, p, section_id: dict, decision_id: dict) -> dict[str, list[dict]]:
    """Rows for yrkanden, votes (and each member's vote), reservations, jäv and attendance per paragraph."""
    votes, person_votes = [], []
    for n, v in enumerate(p.votes, start=1):
        vid = row_id(did, "votes", n)
        votes.append({"vote_id": vid, "document_id": did, "section_id": section_id.get(v.section),
                      "decision_id": decision_id.get(v.decision), "method": v.method, "yes_count": v.yes,
                      "no_count": v.no, "abstain_count": v.abstain, "absent_count": v.absent,
                      "yes_means": v.yes_means, "no_means": v.no_means, "finding": v.finding, "outcome": v.outcome,
                      "counts_ok": v.counts_ok, "flag": v.flag, "page": v.page, "rule": v.rule,
                      "source_text": v.source})
        person_votes += [{"vote_id": vid, "document_id": did, "ordinal": i, "name": pv.name, "party": pv.party,
                          "vote": pv.vote} for i, pv in enumerate(v.persons, start=1)]
    return {
        "motions": [{"motion_id": row_id(did, "motions", n), "document_id": did,
                     "section_id": section_id.get(m.section), "ordinal": n, "mover": m.mover, "party": m.party,
                     "text": m.text, "outcome": m.outcome, "page": m.page, "rule": m.rule, "source_text": m.source}
                    for n, m in enumerate(p.motions, start=1)],
        "votes": votes,
        "person_votes": person_votes,
        "reservations": [{"reservation_id": row_id(did, "reservations", n), "document_id": did,
                          "section_id": section_id.get(r.section), "decision_id": decision_id.get(r.decision),
                          "name": r.name, "party": r.party, "reason": r.reason, "page": r.page, "rule": r.rule,
                          "source_text": r.source} for n, r in enumerate(p.reservations, start=1)],
        "recusals": [{"recusal_id": row_id(did, "recusals", n), "document_id": did,
                      "section_id": section_id.get(r.section), "paragraph": r.paragraph, "name": r.name,
                      "party": r.party, "page": r.page, "rule": r.rule, "source_text": r.source}
                     for n, r in enumerate(p.recusals, start=1)],
        "paragraph_attendance": [{"document_id": did, "name": a.name, "party": a.party, "status": a.status,
                                  "from_paragraph": a.from_paragraph, "to_paragraph": a.to_paragraph,
                                  "except_paragraphs": a.except_paragraphs, "replaces": a.replaces, "page": a.page,
                                  "rule": a.rule, "source_text": a.source} for a in p.participation],
    }


def _time(hhmm: str | None) -> dt.time | None:
    if not hhmm:
        return None
    h, m = hhmm.split(":")
    return dt.time(int(h), int(m))
