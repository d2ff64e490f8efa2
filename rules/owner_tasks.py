"""Assignments found through their owner: someone of the meeting starting a sentence with a task verb
("Lena tar fram ...", "Kansliet ska ..."), or an owner heading ("Kansliet:") over a list of tasks;
and the yrkanden whose tasks are proposed, not given.

Which owners count is the caller's (`known`: an attendee, a unique first name, a unit); the words
are rules/sv/assignments.yaml's `owner_rules` and `unit_heads`.
"""
from __future__ import annotations

import re
from typing import Callable

from minutes.core.document import Document
from minutes.text import fold, fold_same_length

from .decisions import rules as decision_rules
from .loader import built_once, load_model
from .schema_patterns import AssignmentsFile
from .text import Sentence, alternation

#: the words before a unit's head: adjectives and genitives ("tekniska", "regionens"), "barn- och"
_MODIFIER = re.compile(r"^(?:[a-z-]+(?:a|e|s|-)|och)$")
#: the most words an owner starting a sentence may have ("Per Axelsson och Ahmed Karimi")
_MAX_OWNER_WORDS = 7


class OwnerWords:
    def __init__(self) -> None:
        data = load_model("assignments", AssignmentsFile)
        rules = {r.id: r for r in data.owner_rules}
        self.actor_id, self.modal_id, self.heading_id = ("sv.assignment.actor", "sv.assignment.modal",
                                                         "sv.assignment.owner_heading")
        self.actor = _verbs(rules[self.actor_id].verbs)
        self.modal = _verbs(rules[self.modal_id].verbs)
        self.not_owners = {r.id: tuple(fold(w) for w in r.not_owners) for r in data.owner_rules}
        self.not_with = {r.id: _verbs(r.not_with) if r.not_with else None for r in data.owner_rules}
        self.unit_heads = tuple(fold(w) for w in data.unit_heads)
        self.distributive = frozenset(fold(w) for w in data.distributive_words)


def _verbs(words: list[str]) -> re.Pattern:
    return re.compile(rf"(?<![\w-])({alternation(fold(w) for w in words)})(?![\w-])")


@built_once
def owner_words() -> OwnerWords:
    return OwnerWords()


def is_unit(text: str) -> bool:
    """A unit that can own a task: 'Kansliet', 'tekniska förvaltningen', 'samhällsbyggnadsförvaltningen'."""
    w = fold(text).strip(" .,:").split()
    if len(w) in (2, 3) and w[0] in owner_words().distributive:  # "Varje byalag", "Samtliga förvaltningar"
        return True
    return 0 < len(w) <= 5 and w[-1].endswith(owner_words().unit_heads) and all(_MODIFIER.match(x) for x in w[:-1])


def actor_task(sentence: str, known: Callable[[str], bool]) -> tuple[str, str, str] | None:
    """(owner, task, rule) of a sentence that starts with someone of the meeting and a task verb or 'ska'."""
    w = owner_words()
    s = re.sub(r"^[-–•]\s*", "", sentence.strip())
    f = fold_same_length(s)
    for rx, rule in ((w.actor, w.actor_id), (w.modal, w.modal_id)):
        m = rx.search(f)
        if m is None or m.start() == 0 or (w.not_with[rule] and w.not_with[rule].search(f)):
            continue
        # "Cecilia var inte med. Sofia kontaktar", "5. Bredband – Sofia kontaktar"
        owner = re.split(r"[.!?;:]\s+|\s[–—-]\s", s[:m.start()])[-1].strip(" ,")
        if len(owner.split()) > _MAX_OWNER_WORDS or not known(owner) or fold(owner).endswith(w.not_owners[rule]):
            continue
        task = s[m.start():] if rule == w.actor_id else s[m.end():]
        return owner, task, rule
    return None


def could_hold(text: str) -> bool:
    """Whether a text holds a task verb or 'ska' at all (a cheap test before reading its sentences)."""
    f = fold(text)
    return bool(owner_words().actor.search(f) or owner_words().modal.search(f))


def heading_owner(text: str, known: Callable[[str], bool]) -> str | None:
    """The owner an owner heading names: 'Kansliet:', 'Per och Ahmed:'."""
    t = text.strip()
    if not t.endswith(":") or len(t) > 60:
        return None
    owner = t[:-1].strip()
    return owner if owner and known(owner) else None


def until_next_task(sents: list[Sentence], known: Callable[[str], bool]) -> list[Sentence]:
    """The sentences after a task up to the next one that gives its own task ('Per och Ahmed tar fram ...')."""
    out = []
    for x in sents:
        if actor_task(x.text, known):
            break
        out.append(x)
    return out


def motion_blocks(doc: Document) -> set[int]:
    """Blocks of yrkanden: 'X yrkar att förvaltningen får i uppdrag ...' proposes a task, it gives none.

    A yrkande ending in ':' takes the att-clauses after it ('... yrkade att styrelsen skulle besluta:' / '-Att ...').
    """
    dr = decision_rules()
    out: set[int] = set()
    blocks = doc.blocks
    for idx, b in enumerate(blocks):
        if b.kind not in ("paragraph", "list_item") or not dr.is_motion(b.text):
            continue
        out.add(idx)
        j = idx + 1
        while b.text.rstrip().endswith(":") and j < len(blocks) and dr.is_clause(blocks[j].text):
            out.add(j)
            j += 1
    return out
