"""Normalise: turn an extracted Document and its rule Extraction into warehouse rows.

Ids are stable and readable: the document id comes from the file's absolute path, and
each row's id is the document id plus a letter and its position (`3f2a…-D004` is the
fourth decision). The same file imported again keeps its ids.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from extractors.model import Document
from rules.records import Extraction
from rules.terms import terms
from rules.text import fold
from warehouse.store import DocumentRecord

ID_LETTERS = {"sections": "S", "attendees": "P", "decisions": "D", "assignments": "A", "blocks": "B"}


def document_id_for(source_path: str) -> str:
    """Stable id of the document stored for a file path."""
    return hashlib.sha1(source_path.encode("utf-8")).hexdigest()[:12]


def row_id(document_id: str, table: str, n: int) -> str:
    return f"{document_id}-{ID_LETTERS[table]}{n:03d}"


def to_record(source_path: str, sha256: str, size: int, mtime_ns: int, doc: Document, ex: Extraction,
              rules_version: str) -> DocumentRecord:
    """All rows one document contributes, ready for `Warehouse.replace_document`."""
    did = document_id_for(source_path)
    m = ex.meeting
    section_id = {s.ordinal: row_id(did, "sections", s.ordinal) for s in ex.sections}
    section_title = {s.ordinal: s.title for s in ex.sections}
    decision_id = {d.ordinal: row_id(did, "decisions", d.ordinal) for d in ex.decisions}
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
                      "level": s.level, "page": s.page, "ordinal": s.ordinal} for s in ex.sections],
        "attendees": [{"attendee_id": row_id(did, "attendees", n), "document_id": did, "name": a.name,
                       "initials": a.initials, "role": a.role, "organisation": a.organisation, "party": a.party,
                       "status": a.status, "attended": a.attended, "page": a.page, "rule": a.rule,
                       "source_text": a.source} for n, a in enumerate(ex.attendees, start=1)],
        "decisions": [{"decision_id": decision_id[d.ordinal], "document_id": did,
                       "section_id": section_id.get(d.section), "section_title": section_title.get(d.section),
                       "ordinal": d.ordinal, "text": d.text, "kind": d.kind, "page": d.page, "rule": d.rule,
                       "source_text": d.source} for d in ex.decisions],
        "assignments": [{"assignment_id": row_id(did, "assignments", n), "document_id": did,
                         "decision_id": decision_id.get(a.decision), "section_id": section_id.get(a.section),
                         "ordinal": n, "owner": a.owner, "owner_key": fold(a.owner) if a.owner else None,
                         "owner_kind": a.owner_kind, "task": a.task,
                         "deadline": a.deadline, "deadline_text": a.deadline_text,
                         "deadline_precision": a.deadline_precision, "page": a.page, "rule": a.rule,
                         "source_text": a.source} for n, a in enumerate(ex.assignments, start=1)],
    }
    rows["postings"] = _postings(rows)
    return DocumentRecord(document, rows)


def _postings(rows: dict) -> list[tuple]:
    """Search terms of each decision, assignment and block of text: (term, kind, row_id, document_id, tf)."""
    out: list[tuple] = []

    def add(kind: str, row_id: str, document_id: str, text: str) -> None:
        out.extend((term, kind, row_id, document_id, min(n, 32000)) for term, n in terms(text).items())

    for d in rows["decisions"]:
        add("D", d["decision_id"], d["document_id"], d["text"])
    for a in rows["assignments"]:
        add("A", a["assignment_id"], a["document_id"], f"{a['owner'] or ''} {a['task']}")
    for b in rows["blocks"]:
        add("B", block_id(b["document_id"], b["ordinal"]), b["document_id"], b["text"])
    return out


def block_id(document_id: str, ordinal: int) -> str:
    return f"{document_id}-B{ordinal:04d}"


def _time(hhmm: str | None) -> dt.time | None:
    if not hhmm:
        return None
    h, m = hhmm.split(":")
    return dt.time(int(h), int(m))
