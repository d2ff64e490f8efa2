"""Who an owner is: a person from the attendee list, a role, a group or an organisation.

"AK" -> the attendee with initials AK; "Ordf." / "ordföranden" -> the chair; "Processtöd",
"Ekonomichefen" -> the attendee with that role; "Annika Öhrn" -> "Annica Öhrn" when the list
spells it so; otherwise the words as written, with `owner_kind` saying what they are.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from minutes.core.records import Attendee
from minutes.text import fold, squash

from .lexicon import lexicon, pattern
from .owner_tasks import is_unit
from .text import PERSON_NAME
from .vocab import vocab

_INITIALS = pattern(r"^[{UPPER}]{2,3}$")
_CODE_AT_END = pattern(r"\s*\((?:[{UPPER}]{1,4})\)$")  # "Håkan Englund (RÖ)"
_FIRST_NAME = pattern(r"[{UPPER}][{LOWER}{ACCENTED}]{2,11}")
_SPLIT = pattern(r",\s*|\s+{AND}\s+|\s*/\s*|\s*&\s*")


@lru_cache(maxsize=1)
def _words() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """(pronouns, prepositions, particles, determiners) of the lexicon, folded."""
    lex = lexicon()
    return lex.folded("pronouns"), lex.folded("prepositions"), lex.folded("particles"), lex.folded("determiners")


@lru_cache(maxsize=1)
def _trims() -> tuple[re.Pattern, re.Pattern]:
    """The words an owner is trimmed of at its start ("Vidare", a date) and at its end ("ska", "att")."""
    dates = "|".join(vocab().people.owner_leading_dates)
    leading = pattern(rf"^(?:(?:{{OWNER_LEADING}}|{dates})[,]?\s+)+", re.I)
    trailing = pattern(r"(?:[\s,]+(?:{OWNER_TRAILING}|\(|\)))+$", re.I)
    return leading, trailing


@lru_cache(maxsize=1)
def _definite() -> re.Pattern:
    return pattern(r"(?:{ENDINGS})$", words={"ENDINGS": vocab().people.definite_endings})


@lru_cache(maxsize=1)
def _through() -> re.Pattern:
    return pattern(r"^(.+?)\s+{THROUGH}\s+(.+)$", words={"THROUGH": vocab().people.through_words})


def clean_owner(text: str | None) -> str | None:
    """Trim the words around an owner that are not part of it ("Vidare", "får", "att", dates)."""
    if not text:
        return None
    t = squash(text).strip(" ,;:.–-\"”“'")
    leading, trailing = _trims()
    t = leading.sub("", t)
    prev = None
    while prev != t:
        prev = t
        t = trailing.sub("", t).strip(" ,;:.–-\"”“'")
    t = _CODE_AT_END.sub("", t)
    if not t:
        return None
    return t


def plausible_owner(text: str | None) -> bool:
    """An owner names someone: not a pronoun, a preposition phrase, a date, or half a sentence."""
    if not text:
        return False
    pronouns, prepositions, particles, determiners = _words()
    w = text.split()
    first = fold(w[0])
    if first in pronouns or len(w) > 12:
        return False
    if first in prepositions and not vocab().role(w[0]):
        return False
    if fold(w[-1]) in particles and len(w) > 1:
        return False  # "RPO följer systematiskt upp": a verb, not a name
    if re.search(r"\d{4}-\d{2}-\d{2}|\b\d{1,2}/\d{1,2}\b", text):
        return False
    if not (text[0].isupper() or vocab().role(w[0]) or vocab().role(text) or vocab().is_group(text) or first in determiners
            or is_unit(text)):
        return False
    return True


def named_recipient(text: str | None) -> bool:
    """A role or unit named as the one given a task ('delegera till stadsarkitekten att'): one word, definite."""
    w = (text or "").split()
    return len(w) == 1 and len(w[0]) >= 6 and w[0].islower() and bool(_definite().search(w[0])) \
        and fold(w[0]) not in _words()[0]


def split_owners(text: str) -> list[str]:
    """'AK och FE' -> ['AK', 'FE']; 'Johan, Jessica och Martin Takac' -> three; a unit name stays whole."""
    parts = [p.strip() for p in _SPLIT.split(text) if p.strip()]
    if len(parts) < 2:
        return [text]
    v = vocab()
    if all(_INITIALS.match(p) or (PERSON_NAME.fullmatch(p) and not v.find_orgs(p)) or v.role(p) for p in parts):
        return parts
    return [text]


class OwnerResolver:
    """Resolves owners against one document's attendee list."""

    def __init__(self, attendees: list[Attendee], body: str | None = None) -> None:
        self.attendees = attendees
        self.body = fold(body or "")
        #: full names written in the document, for first names the attendee list does not know
        self.mentioned: list[str] = []
        self.by_initials = {a.initials: a for a in attendees if a.initials}
        computed: dict[str, list[Attendee]] = {}
        for a in attendees:  # "HS" for Helena Sjöberg when the list gives no initials
            parts = a.name.split()
            for code in {parts[0][0] + parts[-1][0], "".join(p[0] for p in parts)}:
                computed.setdefault(code.upper(), []).append(a)
        for code, people in computed.items():
            if len(people) == 1 and code not in self.by_initials:
                self.by_initials[code] = people[0]

    def resolve(self, owner: str) -> tuple[str, str]:
        """(owner as it should be stored, owner_kind)."""
        v = vocab()
        owner = squash(owner)
        if _INITIALS.match(owner):
            if owner in self.by_initials:
                return self.by_initials[owner].name, "person"
            if v.org_by_name.get(v.normalise_org(owner) or "") is not None:
                return owner, "organisation"
            if owner in v.group_acronyms:
                return owner, "group"
            return owner, "person"
        if v.is_group(owner) or is_unit(owner):
            return owner, "group"
        role = v.role(owner) or v.role(owner.split()[0]) if owner.split() else None
        if role and len(owner.split()) <= 2:
            holders = [a for a in self.attendees if a.role == role]
            if len(holders) == 1:
                return holders[0].name, "person"
            return owner, "role"
        names = [m.group(0) for m in PERSON_NAME.finditer(owner)
                 if not (v.find_orgs(m.group(0)) and v.normalise_org(m.group(0)) == m.group(0))]
        if names:
            name = names[-1]
            match = self._attendee(name)
            return (match.name if match else name), "person"
        first = self._first_name(owner)
        if first is not None:
            return first.name, "person"
        named = self._mentioned(owner)
        if named is not None:
            return named, "person"
        m = _through().match(owner)  # "Koncernkontoret genom koncernstab HR"
        if m:
            owner = m.group(2)
        if role:
            return owner, "role"
        if v.is_group(owner):
            return owner, "group"
        if _FIRST_NAME.fullmatch(owner) and not _definite().search(owner):
            return owner, "person"  # a first name the attendee list does not know: "Henrietta"
        return owner, "organisation"

    def known(self, owner: str) -> bool:
        """Whether an owner is someone of this meeting: a unit, or attendees by name or unique first name."""
        if is_unit(owner):
            return True
        parts = [p.strip() for p in _SPLIT.split(owner) if p.strip()]
        return bool(parts) and all(self._attendee(p) or self._first_name(p) or self._mentioned(p) for p in parts)

    def split(self, owner: str) -> list[str]:
        """The owners an owner text names: 'AK och FE', 'Per och Ahmed' (attendees' first names) are two."""
        parts = split_owners(owner)
        if len(parts) == 1 and not is_unit(owner) and self.known(owner):
            parts = [p.strip() for p in _SPLIT.split(owner) if p.strip()]
        return parts

    def _attendee(self, name: str) -> Attendee | None:
        key = fold(name)
        best, best_score = None, 0.0
        for a in self.attendees:
            k = fold(a.name)
            if k == key:
                return a
            if k.split()[-1:] == key.split()[-1:]:
                score = SequenceMatcher(None, k, key).ratio()
                if score > best_score:
                    best, best_score = a, score
        return best if best_score >= 0.85 else None

    def _first_name(self, owner: str) -> Attendee | None:
        if " " in owner.strip() or not owner[:1].isupper():
            return None
        hits = [a for a in self.attendees if fold(a.name.split()[0]) == fold(owner)]
        return hits[0] if len(hits) == 1 else None

    def _mentioned(self, owner: str) -> str | None:
        """The one full name written in the document that starts with this first name ('Ingrid' after
        'Från kansliet: Ingrid Mårtensson'), when the attendee list does not know it."""
        if " " in owner.strip() or not owner[:1].isupper() or len(owner) < 2:
            return None
        hits = {n for n in self.mentioned if fold(n.split()[0]) == fold(owner)}
        return hits.pop() if len(hits) == 1 else None

    def drop_giver(self, owner: str) -> str:
        """'regionsjukvårdsledningen arbetsgruppen för X' -> 'arbetsgruppen för X' (the giver goes first)."""
        w = owner.split()
        if len(w) >= 2:
            head = fold(w[0])
            v = vocab()
            if (self.body and head == self.body.split()[0]) or head in v.chair_words or \
                    any(head.endswith(fold(s)) for s in v.meeting.body_suffixes if len(s) > 4):
                return " ".join(w[1:])
        return owner
