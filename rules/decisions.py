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
from .schema_patterns import DecisionsFile
from .text import same_word_sets, sentences, word_set, words

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
        self.report = data.report_markers
        self.motion = data.motion_markers
        self.preambles = [(p.id, p.kind, p.regex) for p in data.preambles]
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
        f = fold(sentence)
        return any(rx.search(f) for rx in self.report)

    def is_motion(self, sentence: str) -> bool:
        """A yrkande, the chair's proposition, a vote or a reservation: about a decision, not one."""
        f = fold(sentence)
        return any(rx.search(f) for rx in self.motion)

    def in_subordinate_clause(self, sentence: str, at: int) -> bool:
        """A trigger inside 'för att ... godkändes' or 'som ... beslutade' reports, it does not decide."""
        before = fold(sentence[:at])
        last = max((m.end() for m in self.subordinator.finditer(before)), default=-1)
        return last >= 0 and "," not in before[last:]

    def preamble(self, text: str) -> tuple[str, str] | None:
        if not text.rstrip().endswith(":"):
            return None
        f = fold(text)
        for rule, kind, rx in self.preambles:
            if rx.search(f) and not self.is_report(re.split(r"(?<=[.!?])\s+", text)[-1]):
                return rule, kind
        return None


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
        pre = r.preamble(b.text) if b.kind in ("paragraph", "list_item") else None
        if pre is not None and i + 1 < len(blocks) and blocks[i + 1].kind == "list_item":
            consumed.add(i)
            i = _list_scope(blocks, i + 1, Label(pre[0], _context_kind(blocks, i) or _BESLUT), out, consumed)
            continue
        i += 1

    for idx, b in enumerate(blocks):
        if idx in consumed or b.furniture or b.kind in ("heading", "table"):
            continue
        if not r.triggers.might_match(b.text):
            continue
        sents = sentences(b.text)
        for sent in sents:
            hits = [h for h in r.triggers.find(sent.text) if not r.in_subordinate_clause(sent.text, h.start)]
            if hits and not r.is_report(sent.text) and not r.is_motion(sent.text):
                # a short paragraph is the decision with its context; in a long one, the sentence
                out.add(b.text if len(sents) <= 3 else sent.text, _BESLUT, hits[0].rule, idx)
                if len(sents) <= 3:
                    break
    return merge_repeats(out.decisions), consumed


class _Collected:
    """The decisions found so far, in document order."""

    def __init__(self, blocks: list[Block], block_section: list[int | None]) -> None:
        self.blocks, self.block_section = blocks, block_section
        self.decisions: list[Decision] = []

    def add(self, text: str, kind: str, rule: str, idx: int, number: str | None = None) -> None:
        text = squash(text)
        if len(words(text)) < 2:
            return
        self.decisions.append(Decision(len(self.decisions) + 1, text, kind, self.block_section[idx],
                                       self.blocks[idx].page, rule, text[:1000], number))

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
    if first.kind == "paragraph" and _is_preamble(first.text) and j + 1 < len(blocks) \
            and blocks[j + 1].kind == "list_item":
        consumed.add(j)  # a preamble: "Kommunstyrelsen beslutar:" / "... föreslås besluta att" then the list
        return _list_scope(blocks, j + 1, lab, out, consumed)
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
        if first_word in r.continuation or (r.triggers.find(b.text) and not r.is_report(b.text)):
            out.add(b.text, lab.kind or _BESLUT, lab.rule + ".continued", j)
            consumed.add(j)
            j += 1
            continue
        break
    return j


def merge_repeats(decisions: list[Decision]) -> list[Decision]:
    """One row per decision: a repeat (same words, or the same numbered position reworded) merges.

    Repeats are the same words up to typos (`same_words`), or the same list number with most
    words shared. The later wording is kept (a clean copy usually follows a draft); the first
    position stays.
    """
    kept: list[Decision] = []
    sets: list[frozenset[str]] = []
    for d in decisions:
        ds = word_set(d.text)
        twin = None
        for i, k in enumerate(kept):
            ks = sets[i]
            if k.number is not None and k.number == d.number:
                repeat = len(ks & ds) >= 0.6 * len(ks | ds) > 0  # the same position, most words shared
            else:
                repeat = same_word_sets(ks, ds)  # tests the shared words first: most pairs share few
            if repeat:
                twin = i
                break
        if twin is None:
            kept.append(d)
            sets.append(ds)
        else:
            k = kept[twin]
            k.text, k.source, k.page = d.text, d.source, d.page
            sets[twin] = ds
    for n, d in enumerate(kept, start=1):
        d.ordinal = n
    return kept
