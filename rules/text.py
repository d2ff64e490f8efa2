"""Text helpers for the rules: sentence splitting, name and word shapes."""
from __future__ import annotations

import re
from dataclasses import dataclass

from minutes.text import fold

from .lexicon import lexicon, pattern
# the regex builders, for the modules that import them from here
from .regex import alternation, first_chars, word_starts  # noqa: F401

# A word: letters of the Latin-1 range (\u00c0-\u00ff without × and ÷) and digits, joined by - or '.
_LETTER = r"0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff"
WORD = re.compile(rf"[{_LETTER}]+(?:[-'][{_LETTER}]+)*")


def words(text: str) -> list[str]:
    return WORD.findall(text)


@dataclass
class Sentence:
    text: str
    start: int  # offset of the sentence within the text it was split from
    end: int


# A full stop after an abbreviation of the lexicon, or after an initial ("D."), does not end a sentence.
_ABBREV_END = pattern(r"(?:\b(?:{ABBREVIATED}|[{UPPER}])\.)$", re.IGNORECASE,
                      words={"ABBREVIATED": [a.removesuffix(".") for a in lexicon().words("abbreviations")]})
_SENT_END = pattern(r"[.!?]+[\"”’)]*(?=\s+[\"“”(]?[{UPPER}0-9§])|[.!?]+[\"”’)]*$")


def sentences(text: str) -> list[Sentence]:
    """Split text into sentences; abbreviations like "Ordf." and "t.ex." do not end one."""
    out: list[Sentence] = []
    start = 0
    for m in _SENT_END.finditer(text):
        end = m.end()
        candidate = text[max(start, m.start() - 12):m.start() + 1]  # an abbreviation is short: its tail says
        if _ABBREV_END.search(candidate) and end < len(text):
            continue
        seg = text[start:end]
        if seg.strip():
            lead = len(seg) - len(seg.lstrip())
            out.append(Sentence(seg.strip(), start + lead, end))
        start = end
    if text[start:].strip():
        seg = text[start:]
        lead = len(seg) - len(seg.lstrip())
        out.append(Sentence(seg.strip(), start + lead, len(text.rstrip())))
    return out


_NAME_WORD = r"[{UPPER}{NAME_UPPER}][{LOWER}{NAME_LOWER}]+(?:-[{UPPER}{NAME_UPPER}]?[{LOWER}{NAME_LOWER}]+)?"
#: A personal name: two to four capitalised words, allowing one middle initial ("Johan D Söderholm").
PERSON_NAME = pattern(_NAME_WORD + r"(?:\s+(?:[{UPPER}]\.?\s+)?(?:{NAME_PARTICLES}\s+)?" + _NAME_WORD + "){1,3}")


def initials_of(name: str) -> str:
    """'Lena Bergvin Lundqvist' -> 'LBL'; 'Jan-Erik Karlsson' -> 'JEK'."""
    parts = re.split(r"[\s-]+", name.strip())
    return "".join(p[0].upper() for p in parts if p and p[0].isalpha())


def same_words(a: str, b: str) -> bool:
    """Whether two texts say the same thing up to typos ("uppnåts"/"uppnåtts", "VET"/"VEI").

    Every word one has and the other lacks must have a near-identical twin in the other; a
    real difference ("akuta" vs "elektiva") makes them different however alike the rest is.
    """
    return same_word_sets(word_set(a), word_set(b))


def word_set(text: str) -> frozenset[str]:
    return frozenset(words(fold(text)))


def same_word_sets(ta: frozenset[str], tb: frozenset[str]) -> bool:
    """`same_words` on precomputed word sets."""
    from difflib import SequenceMatcher
    if not ta or not tb:
        return False
    if len(ta & tb) / len(ta | tb) < 0.6:
        return False
    only_a, only_b = ta - tb, tb - ta

    def near(x: str, y: str) -> bool:
        if 2 * min(len(x), len(y)) < 0.8 * (len(x) + len(y)):
            return False  # lengths alone rule it out: ratio <= 2*min/(len x + len y)
        return SequenceMatcher(None, x, y).ratio() >= 0.8

    return all(any(near(x, y) for y in only_b) for x in only_a) and \
        all(any(near(x, y) for x in only_a) for y in only_b)
