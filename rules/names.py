"""People's names: a name model rather than a regular expression per layout.

A name is two to four name words — capitalised words in any alphabet's letters ("Marković",
"Søren", "Núñez"), hyphenated ("Lars-Olof", "Wigh-Senestad"), with internal capitals
("RosMarie") — with an optional middle initial ("Jonas T. Berg") and particles ("Mimmi von
Troil"). rules/sv/names.yaml holds the words that settle doubtful cases: known given names,
words that begin an organisation or a place, words that end an address or a firm.
`find` gives every name in a text; `leading` the name an attendee line starts with.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from minutes.text import fold

from .loader import load
from .vocab import vocab


def _letters(upper: bool) -> str:
    """A character class body of the Latin, Greek and Cyrillic letters of one case ("Š", "ø", "ć")."""
    ranges = (range(0x41, 0x250), range(0x370, 0x530), range(0x1E00, 0x1F00))
    chars = (chr(c) for r in ranges for c in r)
    return "".join(re.escape(c) for c in chars if (c.isupper() if upper else c.islower()))


_LU, _LL = _letters(True), _letters(False)
_WORD = rf"[{_LU}](?:[{_LL}]+(?:[{_LU}][{_LL}]+)?|'[{_LU}][{_LL}]+)"  # Anna, RosMarie, O'Neill
_COMPOUND = rf"{_WORD}(?:-(?:{_WORD}|[{_LL}]{{2,}}))?"  # Lars-Olof, Boström-Lambrén
_INITIAL = rf"[{_LU}]\.?"  # the T in Jonas T. Berg


class NameExample(BaseModel):
    """A text and the names `find` gives in it (none: no person)."""

    model_config = ConfigDict(extra="forbid")
    text: str
    names: list[str]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid")
    particles: list[str]
    given_names: list[str]
    not_given: list[str]
    not_surnames: list[str]
    examples: list[NameExample] = []


@dataclass(frozen=True)
class Name:
    """A person's name found in a text, with its span and whether its first word is a known given name."""

    text: str
    start: int
    end: int
    known: bool


class NameModel:
    def __init__(self) -> None:
        self.data = data = _Data.model_validate(load("names"))
        self.given = {fold(n) for n in data.given_names}
        self.not_given = {fold(n) for n in data.not_given}
        self.not_surnames = {fold(n) for n in data.not_surnames}
        particles = "|".join(sorted((re.escape(p) for p in data.particles), key=len, reverse=True))
        gap = r"[ \t]+"
        self.rx = re.compile(
            rf"(?<![\w'-]){_COMPOUND}(?:{gap}(?:{_INITIAL}{gap})?(?:(?:{particles}){gap})?{_COMPOUND}){{1,3}}"
            rf"(?:{gap}{_INITIAL}(?=[ \t]*(?:[(,;]|$)))?(?![\w-])")  # "Öman Jan C. (KD)": surname first
        self.particles = set(data.particles)  # as written: lower case between the parts of a name

    def is_given(self, word: str) -> bool:
        """A known given name, or a hyphenated one whose first part is ("Ann-Sofie")."""
        f = fold(word)
        return f in self.given or f.split("-")[0] in self.given

    def find(self, text: str) -> list[Name]:
        """Every person's name in `text`, in order."""
        out, pos = [], 0
        while (m := self.rx.search(text, pos)) is not None:
            found = self._two_names(m.group(0))
            name = self._trim(found, m.start(), text[m.start() + len(found):])
            if name is not None:
                out.append(name)
            pos = m.start() + len(found)
        return out

    def _two_names(self, found: str) -> str:
        """The first of two names run together ("Bo Ek Lars-Ove Lind" -> "Bo Ek"): a known given name after
        a surname starts the next person; "Carl Johan Berg" (two given names) is one."""
        words = found.split()
        for k in range(2, len(words) - 1):
            if self.is_given(words[k]) and not self.is_given(words[k - 1]):
                return found[:found.index(words[k], len(" ".join(words[:k])))].rstrip()
        return found

    def leading(self, text: str) -> Name | None:
        """The name a line or list item starts with ("Anna Berg (S), ordförande" -> Anna Berg)."""
        stripped = text.lstrip(" \t•-–*·")
        m = self.rx.match(stripped)
        if not m:
            return None
        offset = len(text) - len(stripped)
        found = self._two_names(m.group(0))
        return self._trim(found, offset, stripped[len(found):])

    def _trim(self, found: str, offset: int, after: str) -> Name | None:
        """Drop what cannot end a person's name; None for an organisation, a place, or fewer than two name words.

        A title glued to the name goes: "Per-Olof Strand Miljöchef", "Anders Ek Teknisk chef".
        """
        spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", found)]
        words = [found[a:b] for a, b in spans]
        if fold(words[0]) in self.not_given:
            return None  # "Region Norrmark", "Västra Götaland": an organisation's or a place's name
        v = vocab()
        next_word = after.split()[0].strip(",.;") if after.split() else ""
        title_next = next_word[:1].islower() and bool(v.role(next_word) or fold(next_word) in v.role_suffixes)
        while len(words) > 2 and (fold(words[-1]) in self.not_surnames or v.role(words[-1]) or title_next):
            words.pop()
            title_next = False
        person = self.is_given(words[0]) or self.is_given(words[-1])  # "Klas-Göran Park", "Rydén Stig"
        if fold(words[-1]) in self.not_surnames and (not person or after.lstrip()[:1].isdigit()):
            return None  # "Hans Väg 12": an address
        parts = [w for w in words if w not in self.particles and not re.fullmatch(_INITIAL, w)]  # "Ben" is a name
        if len(parts) < 2:
            return None
        end = spans[len(words) - 1][1]
        return Name(found[:end], offset, offset + end, self.is_given(words[0]))


@lru_cache(maxsize=1)
def names() -> NameModel:
    return NameModel()
