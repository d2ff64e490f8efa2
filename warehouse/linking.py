"""One body's statements linked to the assignments they report on, meeting by meeting.

`Body` holds a body's documents in meeting order, their assignments and statements (as
warehouse/followups.py reads them), and the state of the tasks as of the meeting being linked:
which are open, which were reported done (closed), which rows repeat earlier ones. See
warehouse/followups.py for the evidence, in order of strength.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from minutes.core.enums import FollowupStatus
from minutes.text import fold
from minutes.text.terms import terms

ROW_SIMILARITY = 0.5  # task words (F1) a row must share with an earlier row to repeat it
ROW_LETTERS = 0.8  # or how alike their letters must be (difflib's ratio), for words a PDF broke in two
WEIGHING = 12  # words are weighed by how many blocks of text of the body's last meetings use them
TOPIC_COVERAGE = 0.4  # share of an assignment's task words, weighted by rarity, a statement must repeat
CASE_COVERAGE = 0.15
ITEM_WEIGHT = 0.25  # what naming an item adds for the tasks given there, beside the person's other tasks  # the same, for a statement under the assignment's diarienummer without its owner
#: Which statement stands for a document's statements about one assignment: lowest first.
_STRENGTH = {"row": 0, "sv.followup.done.declared": 1, "sv.followup.label_status": 1, "sv.followup.not_started": 2,
             "sv.followup.in_progress": 3, "sv.followup.done.reported": 4, "sv.followup.title.progress": 4,
             "sv.followup.title.final": 5, "sv.followup.done.referenced": 5}
_ROW_NUMBER = re.compile(r"^\s*(?:nr\.?\s*|punkt\s*)?(\d{1,3})\s*(?:\||[.):]\s)")


@dataclass
class _Assignment:
    """An assignment of the body, with where it was given."""

    id: str
    document_id: str
    date: dt.date
    item: str | None
    case_key: str | None
    owner_key: str | None
    task: str
    deadline: dt.date | None
    row_number: str | None
    words: frozenset[str] | None = None  # its task's words, when first needed (Body.task_words)


@dataclass
class _Statement:
    """A statement of core.followups, with what it was linked to before."""

    id: str
    document_id: str
    date: dt.date
    kind: str
    status: str | None
    rule: str
    item: str | None
    text: str
    case_key: str | None
    paragraph_refs: list[str]
    item_ref: str | None
    row_number: str | None
    task: str | None
    owner_keys: set[str]
    deadline: dt.date | None
    restates_id: str | None
    stored: tuple  # assignment_id, status, repeats_id, merged_into as linked before
    words: frozenset[str] = frozenset()  # its words, set when its document is linked
    named: set[str] = field(default_factory=set)  # its folded words, and each cut by one or two letters


@dataclass
class Link:
    """What a statement reports on: the row written to core.followups' link columns."""

    followup_id: str
    assignment_id: str | None = None
    status: str | None = None
    new_deadline: dt.date | None = None
    linked_by: str | None = None
    repeats_id: str | None = None
    merged_into: str | None = None


def _item_key(number: str | None) -> str | None:
    return re.sub(r"\s+", "", fold(number)) if number else None


def _stems(text: str, drop: frozenset[str] = frozenset()) -> frozenset[str]:
    return frozenset(t for t in terms(text) if len(t) > 1 and t not in drop)


class Body:
    """One body's documents, assignments and statements, in meeting order, and the state of its tasks."""

    def __init__(self, rows: dict[str, list[tuple]], since: dt.date | None, ignored: frozenset[str]) -> None:
        """`rows` are the body's rows as `_load` reads them; the statements of meetings before `since` are
        replayed as they were linked, the others linked again."""
        self.dates = {r[0]: r[1] for r in rows["documents"]}
        self.documents = [r[0] for r in rows["documents"]]
        self.name_words = _stems(" ".join(n for r in rows["documents"] for n in (r[2] or [])) + " " + " ".join(ignored))
        self.assignments = [self._assignment(r) for r in rows["assignments"]]
        self.statements: dict[str, list[_Statement]] = defaultdict(list)
        for r in rows["statements"]:
            s = _Statement(r[0], r[1], self.dates[r[1]], r[2], r[3], r[4], _item_key(r[5]), r[6] or "", r[7],
                           list(r[8] or []), r[9], r[10], r[11], set(filter(None, (r[12] or "").split(" | "))),
                           r[13], r[14], tuple(r[15:19]))
            self.statements[s.document_id].append(s)
        self.by_id = {a.id: a for a in self.assignments}
        self.given: dict[str, list[_Assignment]] = defaultdict(list)
        for a in self.assignments:
            self.given[a.document_id].append(a)
        # the state, as of the meeting being linked
        self.open: dict[str, _Assignment] = {}
        self.closed: set[str] = set()
        self.repeated: dict[str, str] = {}  # an assignment read from a repeated row -> the earlier one
        self.reported: dict[str, list[tuple[str | None, str]]] = defaultdict(list)  # document -> (item, assignment)
        self.doc_words: dict[str, list[frozenset[str]]] = defaultdict(list)  # words of each block of text
        for doc, text in rows["blocks"]:
            self.doc_words[doc].append(_stems(text or ""))
        self.blocks, self.block_words = 0, Counter()  # over the meetings words are weighed by

    def _assignment(self, r: tuple) -> _Assignment:
        """An assignment; its action-table row's Nr from its source ("2 | Sammanställa ...") or task ("Nr 2. ...")."""
        task = r[5] or ""
        m = _ROW_NUMBER.match(fold(task[:12]))
        return _Assignment(r[0], r[1], self.dates[r[1]], _item_key(r[2]), r[3], r[4], task, r[6],
                           r[7] or (m.group(1) if m else None))

    def task_words(self, a: _Assignment) -> frozenset[str]:
        """The words of an assignment's task, without its owner's and the body's name."""
        if a.words is None:
            a.words = _stems(a.task, self.name_words | _stems(a.owner_key or ""))
        return a.words

    def _weigh_by(self, documents: list[str]) -> None:
        """Weigh words by the blocks of text of these meetings (the last WEIGHING up to the one linked)."""
        self.blocks = sum(len(self.doc_words[d]) for d in documents)
        self.block_words = Counter(w for d in documents for words in self.doc_words[d] for w in words)

    def weight(self, word: str) -> float:
        """How rare a word is in the blocks of text of the body's recent meetings: rarer words say more."""
        return math.log((self.blocks + 1) / (self.block_words[word] + 1)) + 0.1

    # linking -----------------------------------------------------------------------------------
    def relink(self, since: dt.date | None) -> list[Link]:
        """Links of the statements of the meetings on or after `since` (all when None); earlier ones replayed."""
        out: list[Link] = []
        by_date: dict[dt.date, list[str]] = defaultdict(list)
        for d in self.documents:
            by_date[self.dates[d]].append(d)
        seen: list[str] = []
        for date in sorted(by_date):
            seen += by_date[date]
            links = []
            if since is None or date >= since:
                self._weigh_by(seen[-WEIGHING:])
            for doc in by_date[date]:
                if since is not None and date < since:
                    links += [Link(s.id, s.stored[0], s.stored[1], None, None, s.stored[2], s.stored[3])
                              for s in self.statements[doc] if s.stored[0] or s.stored[2]]
                else:
                    fresh = self._link_document(doc)
                    out += fresh
                    links += fresh
            self._apply(links, by_date[date])
        return out

    def _apply(self, links: list[Link], documents: list[str]) -> None:
        """Update the state with one meeting date's links, then open that date's new assignments."""
        statement = {s.id: s for d in documents for s in self.statements[d]}
        for ln in links:
            s = statement[ln.followup_id]
            if ln.repeats_id and s.restates_id:
                self.repeated[s.restates_id] = ln.repeats_id
            target = ln.assignment_id or ln.repeats_id
            if target:
                self.reported[s.document_id].append((s.item, target))
            if ln.assignment_id and not ln.merged_into and ln.status == FollowupStatus.DONE:
                self.closed.add(ln.assignment_id)
                self.open.pop(ln.assignment_id, None)
        for d in documents:
            for a in self.given[d]:
                if a.id not in self.repeated and a.id not in self.closed:
                    self.open[a.id] = a

    def _link_document(self, doc: str) -> list[Link]:
        links: list[Link] = []
        for s in self.statements[doc]:
            s.words = _stems(s.text, self.name_words)
            folded = [w.strip(".,:;()") for w in fold(s.text).split()]
            s.named = {w[:len(w) - k] for w in folded for k in range(3) if len(w) - k >= 4} | set(folded)
        chosen: dict[str, list[tuple[_Statement, Link]]] = defaultdict(list)
        for s in self.statements[doc]:
            ln = Link(s.id)
            links.append(ln)
            if s.kind == "row":
                target, how = self._row(s), "row"
                if target is None and s.paragraph_refs:  # a row of a list of decisions, naming the § it was given
                    found = [a for a in self._by_paragraph(s) if a.id in self.open]
                    target, how = max(found, key=lambda a: (self._owner(a, s), self._coverage(a, s), a.id),
                                      default=None), "paragraph"
                if target is not None and s.restates_id:
                    ln.repeats_id = target.id
                if target is None or s.status is None or target.id not in self.open:
                    continue
            else:
                target, how = self._text(s)
                if target is None:
                    continue
            ln.assignment_id, ln.linked_by, ln.status = target.id, how, s.status
            ln.new_deadline = s.deadline if s.deadline != target.deadline and s.status != FollowupStatus.DONE \
                else None
            chosen[target.id].append((s, ln))
        for group in chosen.values():
            group.sort(key=lambda x: (_STRENGTH.get("row" if x[0].kind == "row" else x[0].rule, 9), x[0].id))
            head = group[0][1]
            if head.new_deadline is None and head.status != FollowupStatus.DONE:
                head.new_deadline = next((ln.new_deadline for _, ln in group if ln.new_deadline), None)
            for _, ln in group[1:]:
                ln.merged_into = head.followup_id
        return links

    def _row(self, s: _Statement) -> _Assignment | None:
        """The earlier assignment an action-table row repeats: its owner, most of its task's words.

        The words are also compared as letters without spaces: a PDF may break a word in a table cell
        ("anhörigpers pektivet").
        """
        row_words, row_letters = _stems(s.task or "", self.name_words), _letters(s.task or "")
        best, best_score = None, ROW_SIMILARITY
        for a in self.assignments:
            if a.date >= s.date or a.id in self.repeated or (a.id not in self.open and a.id not in self.closed):
                continue
            if s.owner_keys and a.owner_key and a.owner_key not in s.owner_keys:
                continue
            alike = _alike(row_letters, _letters(a.task))
            score = max(_f1(row_words, self.task_words(a)), alike if alike >= ROW_LETTERS else 0.0)
            score += 0.2 if s.row_number and s.row_number == a.row_number else 0
            if score > best_score:
                best, best_score = a, score
        return best

    def _text(self, s: _Statement) -> tuple[_Assignment | None, str | None]:
        for how, found in (("paragraph", self._by_paragraph(s)), ("item", self._by_item(s)),
                           ("case_number", [a for a in self.open.values() if s.case_key and a.case_key == s.case_key])):
            cands = [a for a in found if a.id in self.open]
            if how == "case_number":
                cands = [a for a in cands if self._owner(a, s) or self._coverage(a, s) >= CASE_COVERAGE]
            if how == "item" and s.item_ref == "":  # the previous meeting, not one item of it
                cands = []
            named = {a.id for a in cands} if how == "item" else set()
            if how == "item":  # and the previous meeting's other tasks of the person named, on the same topic
                cands += [a for a in self._by_item(s, whole=True) if a.id in self.open and a.id not in named
                          and self._owner(a, s) and self._coverage(a, s) >= TOPIC_COVERAGE / 2]
            if cands:
                return max(cands, key=lambda a: (2 * self._owner(a, s) + self._coverage(a, s) +
                                                 ITEM_WEIGHT * (a.id in named), -a.date.toordinal(), a.id)), how
        cands = [a for a in self.open.values() if self._owner(a, s)]
        best = max(cands, key=lambda a: (self._coverage(a, s), a.date, a.id), default=None)
        if best is not None and self._coverage(best, s) >= TOPIC_COVERAGE:
            return best, "owner_topic"
        return None, None

    def _by_paragraph(self, s: _Statement) -> list[_Assignment]:
        """What was given under the § or item the statement names, at the meeting of that day (or year), or at
        the latest earlier meeting with that § when it names no date."""
        out = []
        for ref in s.paragraph_refs:
            day, _, item = ref.partition(" ") if ref[:1].isdigit() else ("", "", ref)
            earlier = [d for d in self.documents
                       if self.dates[d] < s.date and self.dates[d].isoformat().startswith(day)]
            found = [[a for a in self.given[d] if a.item == _item_key(item)] for d in earlier]
            found = [given for given in found if given]
            out += [a for given in (found if day else found[-1:]) for a in given]
        return out

    def _by_item(self, s: _Statement, whole: bool = False) -> list[_Assignment]:
        """What the previous meeting gave, or followed up, under the item the statement names (or anywhere)."""
        if s.item_ref is None:
            return []
        earlier = [d for d in self.documents if self.dates[d] < s.date]
        if not earlier:
            return []
        previous = [d for d in earlier if self.dates[d] == self.dates[earlier[-1]]]
        ref = None if whole else _item_key(s.item_ref)
        given = [a for d in previous for a in self.given[d] if not ref or a.item == ref]
        reported = [self.by_id[t] for d in previous for item, t in self.reported[d] if not ref or item == ref]
        return given + reported

    def _owner(self, a: _Assignment, s: _Statement) -> bool:
        """Whether the statement names the assignment's owner: as a person it names, or in its words, where a
        word may differ by an ending of up to two letters ("förvaltningen", "förvaltningens")."""
        if not a.owner_key:
            return False
        if a.owner_key in s.owner_keys:
            return True
        return all(w in s.named or (len(w) >= 6 and (w[:-1] in s.named or w[:-2] in s.named))
                   for w in a.owner_key.split())

    def _coverage(self, a: _Assignment, s: _Statement) -> float:
        """The share of the assignment's task words, weighted by rarity, that the statement repeats."""
        words = self.task_words(a)
        total = sum(self.weight(w) for w in words)
        if not total:
            return 0.0
        shared = sum(self.weight(w) for w in words if w in s.words or any(_same_stem(w, t) for t in s.words))
        return shared / total


def _same_stem(a: str, b: str) -> bool:
    """Stems of one word in two forms ("sammanställ", "sammanställning"): one begins the other, nearly as long."""
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 6 and long_.startswith(short) and len(short) >= 0.7 * len(long_)


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


def _alike(a: str, b: str) -> float:
    """How alike two texts' letters are (0 to 1); quick to rule out texts of very different lengths."""
    if not a or not b or 2 * min(len(a), len(b)) < 0.6 * (len(a) + len(b)):
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _f1(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return 2 * shared / (len(a) + len(b))
