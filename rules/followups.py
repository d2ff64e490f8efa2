"""Follow-up statements: what a document says about assignments given at earlier meetings.

A statement is a row of an action table (Åtgärd | Ansvarig | Status), a "Status: Klar" line, or
the paragraphs of an agenda item that report back ("Punkt 3 från föregående möte: Anna har
skickat ut enkäten", "§ 55 Återrapportering av uppdrag ... Arbetet pågår"). Each gets a status,
the references it makes (a § and its date, "punkt 4 från föregående möte", the item's
diarienummer), the people it names and any new date. The language data is in
rules/sv/followups.yaml. Which earlier assignment a statement reports on is decided across the
documents of the body by warehouse/followups.py; this module sees one document only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from minutes.core.document import Block, Document
from minutes.core.enums import FollowupStatus
from minutes.core.records import Extraction, Followup
from minutes.text import fold, fold_same_length, squash

from .assignments import rules as assignment_rules
from .deadlines import find_all, find_deadline
from .decisions import rules as decision_rules
from .followup_patterns import rules
from .lexicon import pattern
from .owners import OwnerResolver, split_owners
from .protocol import rules as protocol_rules
from .sections import split_number
from .stop_words import ignored_words
from .text import sentences, words
from .vocab import label_key, split_label

__all__ = ["find_followups", "ignored_words", "rules"]
_UPPER_WORD = pattern(r"\b[{UPPER}]{2,3}\b|\b[{UPPER}{NAME_UPPER}][{LOWER}{NAME_LOWER}]+\b")  # initials, a name


@dataclass
class _Item:
    """Blocks of one agenda item read as one statement."""

    section: int | None
    number: str | None
    title: str
    page: int
    parts: list[str] = field(default_factory=list)


class _Reader:
    """One document's follow-up statements, read block by block."""

    def __init__(self, doc: Document, ex: Extraction) -> None:
        self.doc, self.ex, self.r = doc, ex, rules()
        self.resolver = OwnerResolver(ex.attendees, ex.meeting.body)
        self.sections = {s.ordinal: s for s in ex.sections}
        self.assignment_sources = [fold(a.source) for a in ex.assignments if a.rule != assignment_rules().table_id]
        self.out: list[Followup] = []
        self.item: _Item | None = None

    def read(self) -> list[Followup]:
        """The statements, in document order; `heading` is the agenda item read: (section, number, title)."""
        heading: tuple[int | None, str | None, str] = (None, None, "")
        skipping = False
        block_sections = self.ex.block_sections or [None] * len(self.doc.blocks)
        for b, sec in zip(self.doc.blocks, block_sections):
            if b.furniture:
                continue
            if sec != heading[0]:  # a new agenda item
                self.flush()
                s = self.sections.get(sec)
                heading, skipping = (sec, s.number if s else None, s.title if s else ""), False
            if b.kind == "heading":
                continue
            numbered = self._item_heading(b) if sec is None else None
            if numbered:
                self.flush()
                heading, skipping = (None, *numbered), False
                continue
            title_key = fold(heading[2])
            if heading[2] and self.r.excluded_items.search(title_key):
                continue
            if b.kind == "table":
                self.out.extend(self._table(b, heading))
                continue
            label = self._label(b)
            if label is not None:
                skipping = label
                continue
            if skipping:
                continue
            if self.r.line["status_label"].search(fold(b.text)):
                self.flush()
                row = self._line(b, heading)
                if row:
                    self.out.append(row)
                continue
            if split_number(b.text) == (heading[1], heading[2]) or self._only_case_number(b.text):
                continue  # the paragraph "§ 52 Redovisning av ..." that starts the item, its "Dnr KS 2024/20"
            self._add(b, heading, bool(self.r.followup_items.search(title_key)))
        self.flush()
        for n, f in enumerate(self.out, start=1):
            f.ordinal = n
        return self.out

    # agenda items and labels -----------------------------------------------------------------
    @staticmethod
    def _item_heading(b: Block) -> tuple[str, str] | None:
        """(number, title) of a numbered line that heads an agenda item in a document without headings."""
        text = b.text.strip()
        if len(text) > 80 or text.endswith((".", ":", "?", "!")) or not text[:1].isupper():
            return None
        if b.kind == "list_item" and re.fullmatch(r"\d{1,2}[.)]?", b.marker or ""):
            return b.marker.rstrip(".)"), text
        number, title = split_number(text)
        if b.kind == "paragraph" and number and not number.startswith("§") and title[:1].isupper():
            return number, title
        return None

    def _label(self, b: Block) -> bool | None:
        """For a label block: whether the text under it is skipped (a yrkande, a reservation); None otherwise."""
        t = b.text.strip()
        if len(t) > 60 or t.endswith((".", "!", "?")) or len(t.split()) > 6:
            return None
        if self.r.skipped_labels.fullmatch(label_key(t)):
            return True
        lab = decision_rules().label_of(t)
        if lab is not None and not lab.rest:
            return False
        return False if b.emphasis or t.endswith(":") or t.isupper() else None

    def _starts_item(self, text: str, in_followups: bool) -> bool:
        if self.item is None or self.r.item_of(text) is not None or self.r.paragraphs_of(text):
            return True
        lead = split_label(text, 60)
        if lead and len(lead[0].split()) <= 8:
            lab = decision_rules().label_of(text)
            return lab is None or lab.kind is None
        return in_followups and bool(self._mentions(" ".join(text.split()[:3])))

    # text --------------------------------------------------------------------------------------
    def _add(self, b: Block, heading: tuple, in_followups: bool) -> None:
        kept = [s.text for s in sentences(b.text) if not self._gives_task(s.text)
                and not decision_rules().is_motion(s.text)]
        if not kept:
            return
        if self._starts_item(b.text, in_followups):
            self.flush()
            self.item = _Item(heading[0], heading[1], heading[2], b.page)
        self.item.parts.extend(kept)

    def _gives_task(self, sentence: str) -> bool:
        """Whether the sentence gives a new assignment (it was read as one) and says nothing of how far a task
        has come: "Tomas presenterar underlaget" reports, though a task verb starts it."""
        f = fold(squash(sentence))
        return any(f in src or (src in f and len(src) > 20) for src in self.assignment_sources) and \
            self.r.status(sentence) is None

    def flush(self) -> None:
        item, self.item = self.item, None
        if item is None or not item.parts:
            return
        text = squash(" ".join(item.parts))
        both = f"{item.title} {text}"
        found = self.r.status(text) or self.r.label_status(text) or self.r.status(item.title) or \
            self.r.title_status(item.title)
        item_ref, paragraphs = self.r.item_of(text), self.r.paragraphs_of(both)
        if found is None:
            if not paragraphs and not item_ref:
                return
            found = self.r.referenced[1], self.r.referenced[0]
        status, rule = found
        if rule == self.r.statuses[-1][0] and not paragraphs and not item_ref and (
                self.r.information.search(fold(item.title)) or self.r.information.search(fold(item.parts[0]))):
            return  # an item that informs, and only tells of something done: it closes nothing
        new = self._new_date(item.parts) if status != FollowupStatus.DONE else None
        sec = self.sections.get(item.section)
        self.out.append(Followup(
            0, "text", status, both.strip(), item.section, item.number, item.page, rule, text[:1000],
            case_number=(sec.case_number if sec else None) or self._case_number(both), paragraph_refs=paragraphs,
            item_ref=item_ref, owners=self._mentions(text), deadline=new.date if new else None,
            deadline_text=new.text if new else None))

    def _only_case_number(self, text: str) -> bool:
        t = text.strip()
        m = protocol_rules().rx["case_number"].search(t) if len(t) < 40 else None
        return m is not None and len(t) - (m.end() - m.start()) < 6

    def _case_number(self, text: str) -> str | None:
        m = protocol_rules().rx["case_number"].search(text)
        return re.sub(r"\s+", " ", m.group("value")) if m else None

    def _new_date(self, parts: list[str]):
        """The date a statement expects the work done by: the last one in a sentence about a report or a finish."""
        m = self.ex.meeting
        found = None
        for sentence in parts:
            if not self.r.date_cues.search(fold(sentence)):
                continue
            clean = self.r.old_date.sub(" ", fold_same_length(sentence))
            for d in find_all(clean, m.meeting_date, m.next_meeting):
                if d.date and (m.meeting_date is None or d.date > m.meeting_date):
                    found = d
        return found

    def _mentions(self, text: str) -> list[str]:
        """The attendees a text names: by name, first name, initials or role."""
        f = fold(text)
        found: list[str] = []
        tokens = set(_UPPER_WORD.findall(text))
        firsts: dict[str, list[str]] = {}
        for a in self.ex.attendees:
            firsts.setdefault(a.name.split()[0], []).append(a.name)
        for a in self.ex.attendees:
            role = fold(a.role or "")
            if (fold(a.name) in f or (a.initials and a.initials in tokens)
                    or (a.name.split()[0] in tokens and len(firsts[a.name.split()[0]]) == 1)
                    or (len(role) > 5 and re.search(rf"\b{re.escape(role)}", f))):
                found.append(a.name)
        for code in tokens:
            person = self.resolver.by_initials.get(code)
            if person is not None and person.name not in found:
                found.append(person.name)
        return found

    # action tables -----------------------------------------------------------------------------
    def _table(self, b: Block, heading: tuple) -> list[Followup]:
        """A follow-up per row of an action table with a task column and an owner or status column."""
        rows = b.rows or []
        if len(rows) < 2:
            return []
        head = [label_key(c) for c in rows[0]]
        headers = assignment_rules().table_headers
        col = {kind: next((i for i, h in enumerate(head) if h in names), None) for kind, names in (
            ("task", headers["task_headers"]), ("owner", headers["owner_headers"]),
            ("deadline", headers["deadline_headers"]), ("number", self.r.number_headers))}
        ranked = sorted((self.r.status_headers[h], i) for i, h in enumerate(head) if h in self.r.status_headers)
        col["status"] = ranked[0][1] if ranked else None
        if col["task"] is None or (col["owner"] is None and col["status"] is None):
            return []

        def cell(row: list[str], kind: str) -> str:
            i = col[kind]
            return row[i].replace("\n", " ").strip() if i is not None and i < len(row) else ""

        out = []
        for row in rows[1:]:
            task = cell(row, "task")
            if not words(task):
                continue
            row_text = " | ".join(row)[:1000]
            out.extend(self._row(task, cell(row, "owner"), cell(row, "deadline"), cell(row, "status"),
                                 cell(row, "number"), row_text, b, heading, "sv.followup.action_table"))
        return out

    def _line(self, b: Block, heading: tuple) -> Followup | None:
        """'Nr 2. Sammanställa enkätsvaren. Ansvarig: SH. Klart senast: 2024-08-31. Status: Klar.'"""
        f, lines = fold_same_length(b.text), self.r.line

        def value(name: str) -> tuple[str, int]:
            m = lines[name].search(f)
            return (b.text[m.start("value"):m.end("value")].strip(), m.start()) if m else ("", len(f))

        status, owner, deadline = value("status_label"), value("owner_label"), value("deadline_label")
        number = lines["number"].search(f)
        start = number.end() if number else 0
        task = b.text[start:min(status[1], owner[1], deadline[1])].strip(" .;")
        rows = self._row(task, owner[0], deadline[0], status[0], number.group("value") if number else "",
                         b.text, b, heading, "sv.followup.row_line")
        return rows[0] if rows else None

    def _row(self, task: str, owner: str, deadline: str, status_cell: str, number: str, source: str, b: Block,
             heading: tuple, rule: str) -> list[Followup]:
        found = self.r.cell(status_cell) if status_cell else None
        if found and found[0] == "new":
            return []
        status, rule = found if found else (None, rule)
        m = self.ex.meeting
        dl = find_deadline(self.r.old_date.sub(" ", deadline), m.meeting_date, m.next_meeting) if deadline else None
        owners = [self.resolver.resolve(o)[0] for o in split_owners(owner)] if owner else []
        return [Followup(0, "row", status, task, heading[0], heading[1], b.page, rule, squash(source)[:1000],
                         case_number=(self.sections[heading[0]].case_number if heading[0] in self.sections else None),
                         paragraph_refs=self.r.paragraphs_of(source),  # a list of decisions: "KS § 45 2024-11-13"
                         row_number=number.strip(" .") or None, task=squash(task), owners=owners,
                         deadline=dl.date if dl else None, deadline_text=dl.text if dl else None,
                         restates=self._restated(task, source))]

    def _restated(self, task: str, source: str) -> int | None:
        """The number (from 1) of this document's assignment read from the same row, if any."""
        src, t = fold(squash(source)), fold(squash(task))
        tests = (lambda a_src, a_task: a_src == src, lambda a_src, a_task: len(t) > 10 and t in a_task,
                 lambda a_src, a_task: len(a_src) > 30 and (a_src in src or src in a_src))
        found = [(fold(squash(a.source)), fold(squash(a.task))) for a in self.ex.assignments]
        for test in tests:
            for n, (a_src, a_task) in enumerate(found, start=1):
                if test(a_src, a_task):
                    return n
        return None


def find_followups(doc: Document, ex: Extraction) -> list[Followup]:
    """Every statement of a document that may report on an assignment given at an earlier meeting."""
    return _Reader(doc, ex).read()
