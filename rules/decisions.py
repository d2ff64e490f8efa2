"""Decisions: under decision labels, in running text, and as numbered positions.

See rules/sv/decisions.yaml for the labels, triggers and preambles. One row per decision:
each list item under a label is its own decision; a decision repeated in the document (a
draft and a clean copy) is one row, while two decisions with nearly the same words but a
different meaning ("... akuta ..." / "... elektiva ...") stay two.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from minutes.core.document import Block, Document
from minutes.core.enums import DecisionKind
from minutes.core.records import Decision
from minutes.text import fold, squash

from .lexicon import pattern
from .loader import built_once, load_model, where
from .matcher import PatternSet
from .regex import any_search
from .schema_patterns import DecisionsFile
from .decision_repeats import agenda_items, merge_repeats
from .text import sentences, words

_BESLUT = DecisionKind.BESLUT.value  # a decision with no label saying otherwise


@dataclass
class Label:
    rule: str
    kind: str | None  # None: a label that is not a decision ("Beslutet skickas till")
    rest: str = ""  # text after "Beslut:" on the same line


class DecisionRules:
    def __init__(self) -> None:
        data = load_model("decisions", DecisionsFile)
        self.labels = [(lab.id, lab.kind, lab.regex) for lab in data.labels]  # regexes over folded text
        self.not_label = data.not_labels.regex
        self.continuation = {fold(w) for w in data.continuation_words}
        self.triggers = PatternSet([t.model_dump() for t in data.triggers], where("decisions"))
        self.has_report_marker = any_search(data.report_markers)
        self.has_motion_marker = any_search(data.motion_markers)
        self.preambles = [(p.id, p.kind, p.regex, p.bare) for p in data.preambles]
        self.clause_id, self.clause, self.clause_breaks = data.clause.id, data.clause.regex, data.clause_breaks
        self.statement_verbs = frozenset(fold(w) for w in data.clause.statement_verbs)
        self.label_only = frozenset(t.id for t in data.triggers if t.label_only)
        self.has_report_opener = any_search(data.report_openers)
        self.reported_verbs = frozenset(fold(w) for w in data.reported_verbs)
        self.preamble_endings = tuple(" " + fold(w) for w in data.preamble_endings)
        self.subordinator = pattern(r"\b{SUBORDINATORS}\b", folded=True)
        #: rules whose decisions count in a document that is not about a meeting too
        self.standalone = tuple(lab.id for lab in data.labels if lab.standalone)
        self.data = data

    def label_of(self, text: str) -> Label | None:
        """The decision label a block is, if any: 'Beslut', 'Beslut:', 'Beslut: text', 'Socialnämndens beslut'."""
        from .vocab import label_key, split_label
        text = text.strip()
        key = label_key(text) if len(text) <= 130 else ""
        if key:
            if self.not_label.fullmatch(key):
                return Label("sv.decision.not_label", None)
            for rule, kind, rx in self.labels:
                if rx.fullmatch(key):
                    return Label(rule, kind)
        split = split_label(text, 60)  # "Beslut: Styrelsen godkänner ..."
        if split and split[1]:
            head = label_key(split[0])
            if self.not_label.fullmatch(head):
                return Label("sv.decision.not_label", None)
            for rule, kind, rx in self.labels:
                if rx.fullmatch(head):
                    return Label(rule + ".inline", kind, split[1].strip())
        return None

    def is_report(self, sentence: str) -> bool:
        return self.has_report_marker(fold(sentence))

    def decides(self, sentence: str, under_label: bool = False) -> str | None:
        """The rule of the first trigger that makes `sentence` a decision (not a report, a motion or a form label)."""
        hits = [h for h in self.triggers.find(sentence) if not self.in_subordinate_clause(sentence, h.start)
                and (under_label or h.rule not in self.label_only) and not _in_form_label(sentence, h.end)]
        if hits and not self.is_report(sentence) and not self.is_motion(sentence):
            return hits[0].rule
        return None

    def tells_of_other_meeting(self, sentence: str) -> bool:
        return self.has_report_opener(fold(sentence))

    def reported(self, sentence: str) -> bool:
        """A past-tense decision verb: after an account of another meeting, part of that account."""
        return any(w in self.reported_verbs for w in re.findall(r"\w+", fold(sentence)))

    def is_motion(self, sentence: str) -> bool:
        """A yrkande, the chair's proposition, a vote or a reservation: about a decision, not one."""
        return self.has_motion_marker(fold(sentence))

    def in_subordinate_clause(self, sentence: str, at: int) -> bool:
        """A trigger inside 'för att ... godkändes' or 'som ... beslutade' reports, it does not decide."""
        before = fold(sentence[:at])
        last = max((m.end() for m in self.subordinator.finditer(before)), default=-1)
        return last >= 0 and "," not in before[last:]

    def preamble(self, text: str) -> tuple[str, str] | None:
        """The rule and kind of a paragraph that introduces decisions: '... beslutar:' or a bare '... beslutar'."""
        colon = text.rstrip().endswith(":")
        f = fold(text.strip())
        for rule, kind, rx, bare in self.preambles:
            if (colon or bare) and rx.search(f) and not self.is_report(re.split(r"(?<=[.!?])\s+", text)[-1]):
                return rule, kind
        return None

    def is_statement(self, text: str) -> bool:
        """'Att fler deltar är ett mål': an att-clause as the subject of a statement."""
        return any(w in self.statement_verbs for w in re.findall(r"\w+", fold(text))[:8])

    def is_clause(self, text: str) -> bool:
        """An att-clause: 'att fastställa dagordningen', '-Att bifalla motionen'."""
        return len(text) < 600 and bool(self.clause.match(fold(text.strip())))


def _in_form_label(sentence: str, at: int) -> bool:
    """A trigger in a front-page field's label ('Utses att justera: Eva Ek') names a field, it decides nothing.

    The label is the sentence's start up to a colon, or the trigger and at most two words then a colon,
    when what follows the colon is not an att-clause ('Nämnden beslutar: att ...' decides).
    """
    colon = sentence.find(":")
    short = 0 <= colon < 40 and at <= colon + 1 and len(sentence[:colon].split()) <= 5
    m = re.match(r"\s*(?:[\w-]+\s+){0,2}[\w-]*:", sentence[at:])
    if m and not short:
        colon = at + m.end() - 1
    return (short or bool(m)) and not fold(sentence[colon + 1:]).split()[:1] == ["att"]


@built_once
def rules() -> DecisionRules:
    return DecisionRules()


def _is_scope_end(b: Block, label_level: int | None) -> bool:
    if b.kind == "heading":
        return label_level is None or b.level <= label_level
    return False


def find_decisions(doc: Document, block_section: list[int | None]) -> tuple[list[Decision], set[int]]:
    """Decisions of a document, and the indices of the blocks inside decision scopes."""
    r = rules()
    blocks = doc.blocks
    out = _Collected(blocks, block_section)
    consumed: set[int] = set()

    i = 0
    while i < len(blocks):
        b = blocks[i]
        if b.furniture or b.kind == "table":
            i += 1
            continue
        lab = r.label_of(b.text)
        if lab is not None and lab.kind is not None:
            consumed.add(i)
            label_level = b.level if b.kind == "heading" else None
            if lab.rest:
                out.add(lab.rest, lab.kind, lab.rule, i)
                j = _continuations(blocks, i + 1, lab, out, consumed)
            else:
                j = _label_scope(blocks, i + 1, lab, label_level, out, consumed)
            i = j
            continue
        if b.kind in ("paragraph", "list_item"):
            j = _preamble_or_clause(blocks, i, block_section, out, consumed)
            if j is not None:
                i = j
                continue
        i += 1

    for idx, b in enumerate(blocks):
        if idx in consumed or b.furniture or b.kind in ("heading", "table"):
            continue
        if not r.triggers.might_match(b.text):
            continue
        sents = sentences(b.text)
        found, account = [], False
        for sent in sents:
            account = account or r.tells_of_other_meeting(sent.text)
            rule = r.decides(sent.text)
            if rule and not (account and r.reported(sent.text)):
                found.append((sent.text, rule))
        if len(found) == 1 and len(sents) <= 3:  # a short paragraph is the decision with its context
            found = [(b.text, found[0][1])]
        for text, rule in found:  # in a long one, or with several decisions, each sentence
            out.add(text, _BESLUT, rule, idx)
    return merge_repeats(out.in_order(), agenda_items(blocks, block_section)), consumed



def _preamble_or_clause(blocks: list[Block], i: int, block_section: list[int | None], out: _Collected,
                        consumed: set[int]) -> int | None:
    """A preamble with its list or att-clauses, or att-clauses first under an agenda item: the block after them."""
    r = rules()
    b = blocks[i]
    nxt = _next_content(blocks, i + 1)
    pre = r.preamble(b.text)
    if pre is not None and nxt is not None:
        lab = Label(pre[0], _context_kind(blocks, i) or _BESLUT)
        if blocks[nxt].kind == "list_item" and (b.text.rstrip().endswith(":") or r.is_clause(blocks[nxt].text)):
            consumed.add(i)
            return _list_scope(blocks, nxt, lab, out, consumed)
        if r.is_clause(blocks[nxt].text):
            consumed.add(i)
            return _clause_scope(blocks, nxt, lab, out, consumed)
    if r.is_clause(b.text) and _opens_item(blocks, i, block_section) and not r.is_statement(b.text):
        return _clause_scope(blocks, i, Label(r.clause_id, _BESLUT), out, consumed)
    return None


def _clauses(text: str) -> list[str]:
    """The att-clauses of a block ('att anta planen, samt att ge ...'), and any decision sentence after them."""
    r = rules()
    parts = [p.strip().lstrip("-–").strip() for p in re.split(r.clause_breaks, text.strip().lstrip("-–"))]
    out: list[str] = []
    for part in filter(None, parts):
        sents = sentences(part)
        cut = next((k for k, s in enumerate(sents) if k and r.decides(s.text)), None)
        if cut is None:
            out.append(part)
        else:  # "Att justera ... utsågs X. Justeringen beslutades ske den 17 december": two decisions
            out.append(" ".join(s.text for s in sents[:cut]))
            out.extend(s.text for s in sents[cut:])
    return out


def _next_content(blocks: list[Block], j: int) -> int | None:
    """The index of the next block that is not page furniture."""
    while j < len(blocks) and blocks[j].furniture:
        j += 1
    return j if j < len(blocks) else None


def _opens_item(blocks: list[Block], i: int, block_section: list[int | None]) -> bool:
    """Whether block i is the first text of an agenda item (the block before it is the item's heading)."""
    j = i - 1
    while j >= 0 and blocks[j].furniture:
        j -= 1
    if j < 0 or block_section[j] is None:
        return False
    return blocks[j].kind == "heading" or (j == 0 or block_section[j - 1] != block_section[j])


def _clause_scope(blocks: list[Block], j: int, lab: Label, out: _Collected, consumed: set[int]) -> int:
    """Consecutive att-clauses, each a decision; a paragraph in lower case continues the clause before it."""
    r = rules()
    for k in (k for k in range(j, len(blocks)) if not blocks[k].furniture):
        b = blocks[k]
        if b.kind in ("paragraph", "list_item") and r.is_clause(b.text):
            for clause in _clauses(b.text):
                out.add(clause, lab.kind or _BESLUT, lab.rule, k)
        elif b.kind in ("paragraph", "list_item") and b.text[:1].islower() and k - 1 in consumed:
            out.extend(b.text)
        else:
            return k
        consumed.add(k)
    return len(blocks)


class _Collected:
    """The decisions found so far, in document order."""

    def __init__(self, blocks: list[Block], block_section: list[int | None]) -> None:
        self.blocks, self.block_section = blocks, block_section
        self.decisions: list[Decision] = []
        self.at: list[int] = []  # the block of each decision

    def in_order(self) -> list[Decision]:
        """The decisions in document order (scopes are read before running text)."""
        order = sorted(range(len(self.decisions)), key=lambda n: (self.at[n], n))
        return [self.decisions[n] for n in order]

    def add(self, text: str, kind: str, rule: str, idx: int, number: str | None = None) -> None:
        text = squash(text)
        if len(words(text)) < 2:
            return
        self.decisions.append(Decision(len(self.decisions) + 1, text, kind, self.block_section[idx],
                                       self.blocks[idx].page, rule, text[:1000], number))
        self.at.append(idx)

    def extend(self, text: str) -> None:
        """Append text to the last decision (its sentence went on in the next block)."""
        if self.decisions:
            last = self.decisions[-1]
            last.text = squash(f"{last.text} {text}")
            last.source = last.text[:1000]


def _context_kind(blocks: list[Block], i: int) -> str | None:
    """The kind of the nearest label heading above a preamble ('Förslag till ställningstaganden ...')."""
    r = rules()
    for b in reversed(blocks[max(0, i - 3):i]):
        lab = r.label_of(b.text)
        if lab is not None and lab.kind:
            return lab.kind
    return None


def _label_scope(blocks: list[Block], j: int, lab: Label, label_level: int | None, out: _Collected,
                 consumed: set[int]) -> int:
    """The blocks a bare label governs: a list (one decision per item) or a paragraph and its continuations."""
    r = rules()
    while j < len(blocks) and blocks[j].furniture:
        j += 1
    if j >= len(blocks) or _is_scope_end(blocks[j], label_level) or r.label_of(blocks[j].text):
        return j
    first = blocks[j]
    if first.kind == "paragraph" and (_is_preamble(first.text) or r.preamble(first.text)) and j + 1 < len(blocks):
        # a preamble: "Kommunstyrelsen beslutar:" / "... föreslås besluta att" then the list or the att-clauses
        if blocks[j + 1].kind == "list_item":
            consumed.add(j)
            return _list_scope(blocks, j + 1, lab, out, consumed)
        if r.is_clause(blocks[j + 1].text):
            consumed.add(j)
            return _clause_scope(blocks, j + 1, lab, out, consumed)
    if r.is_clause(first.text):
        return _clause_scope(blocks, j, lab, out, consumed)
    if first.kind == "list_item":
        return _list_scope(blocks, j, lab, out, consumed)
    if first.kind == "paragraph":
        out.add(first.text, lab.kind, lab.rule, j)
        consumed.add(j)
        return _continuations(blocks, j + 1, lab, out, consumed)
    if first.kind == "heading" and label_level is not None:
        return j
    return j


def _is_preamble(text: str) -> bool:
    """A paragraph that introduces a list: it ends in ":" or in a word such as "att"."""
    t = text.rstrip()
    return t.endswith(":") or (fold(t).endswith(rules().preamble_endings) and len(t) < 200)


def _list_scope(blocks: list[Block], j: int, lab: Label, out: _Collected, consumed: set[int]) -> int:
    """Consecutive list items (with nested items and lower-case continuations folded in)."""
    items: list[tuple[int, str, str]] = []  # (block index, text, marker)
    top = blocks[j].level
    while j < len(blocks):
        b = blocks[j]
        if b.furniture:
            j += 1
            continue
        if b.kind == "list_item" and b.level <= top:
            items.append((j, b.text, b.marker))
        elif b.kind == "list_item" and items:
            idx, text, marker = items[-1]
            items[-1] = (idx, f"{text} {b.text}", marker)
        elif b.kind == "paragraph" and items and b.text[:1].islower():
            idx, text, marker = items[-1]
            items[-1] = (idx, f"{text} {b.text}", marker)
        else:
            break
        consumed.add(j)
        j += 1
    for idx, text, marker in items:
        out.add(text, lab.kind or _BESLUT, lab.rule, idx, marker if marker and marker != "•" else None)
    return j


def _continuations(blocks: list[Block], j: int, lab: Label, out: _Collected, consumed: set[int]) -> int:
    """Paragraphs after a decision that go on deciding ('Vidare ...', 'Att ...', or a trigger).

    A paragraph starting in lower case is the same sentence broken by the layout: it is
    appended to the decision before it.
    """
    r = rules()
    while j < len(blocks):
        b = blocks[j]
        if b.furniture:
            j += 1
            continue
        if b.kind != "paragraph" or r.label_of(b.text):
            break
        if b.text[:1].islower() and j > 0 and j - 1 in consumed:  # the decision's sentence goes on
            out.extend(b.text)
            consumed.add(j)
            j += 1
            continue
        first_word = fold(b.text.split()[0]) if b.text.split() else ""
        if first_word in r.continuation or r.decides(b.text, under_label=True):
            out.add(b.text, lab.kind or _BESLUT, lab.rule + ".continued", j)
            consumed.add(j)
            j += 1
            continue
        break
    return j
