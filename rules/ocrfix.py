"""OCR noise tolerance: mend common Swedish OCR confusions in documents that look OCR'd.

The rules already compare words in folded form (no diacritics), so "Foljs" and "Följs"
match. What folding cannot undo is a letter read as another character: "6kad" (ökad),
"Jénk&ping" (Jönköping), "p&" (på), "mdjlighet" (möjlighet), "SOSR" (SÖSR), "IlIhammar"
(Ilhammar), "& 12" or "8 12 Budget" (§ 12), a bullet glued to its item ("«Förvaltningen"). A word is mended only when a candidate spelling is a word we
know: from the document's own clean text, the rule vocabularies (rules/sv/*.yaml) or
Swedish function words. Nothing is mended in documents that do not look OCR'd.
"""
from __future__ import annotations

import itertools
import re
from collections import Counter
from functools import lru_cache
from importlib import resources

from minutes.core.document import Document
from minutes.text import fold

from .loader import load

_TOKEN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ0-9&@]+")
_SWEDISH = set("åäöÅÄÖ")
# What an OCR'd character may stand for (most likely first).
CONFUSIONS = {"6": "ö", "0": "öo", "é": "öä", "è": "ö", "ó": "ö", "ò": "ö", "ë": "ö", "&": "åöä", "@": "åa",
              "d": "ö", "I": "l", "1": "l"}
_LIKELIEST = {"6": "ö", "&": "å", "1": "l", "0": "o", "@": "å"}  # when no known word decides
# A digit or sign inside a word, an accent Swedish does not use, a capital I after a small letter.
# Written as one leading character class with the context checked after it, so the regex engine
# only stops at those few characters (nine times faster than lookbehinds first; same matches).
_SUSPICIOUS = re.compile(r"[06&@1éèóòëI](?:(?<=[A-Za-zåäöÅÄÖ][06&@1])|(?<=[06&@1])(?=[a-zåäö]{2})|"
                         r"(?<=[a-zåäö][éèóòë])(?=[a-zåäö])|(?<=[a-zåäö]I))")
_SECTION = re.compile(r"(?<![\w&])&&?(?=\s?\d)")
_SECTION_AT_START = re.compile(r"^(?:&|8|S)\s?(?=\d{1,3}[a-z]?\s+[A-ZÅÄÖ])")  # "8 21 Föreningsbidrag"
_GLUED_BULLET = re.compile(r"^[«»•·*+©®]\s?(?=[A-ZÅÄÖ])")  # "«Förvaltningen får ..."
_NAME_HYPHEN = re.compile(r"\b([A-ZÅÄÖ][a-zåäöé]+)- (?=[A-ZÅÄÖ][a-zåäöé]{2,})")
_GLUED_INITIAL = re.compile(r"(?<=[a-zåäö] )([A-ZÅÄÖ])-(?=[A-ZÅÄÖ][a-zåäö]{2,})")  # "Johan D-Söderholm"


_ASCII_NOT_LETTERS = bytes(i for i in range(128) if not chr(i).isalpha())
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def count_letters(text: str) -> int:
    r"""Letters and other word characters that are not digits (what `[^\W\d_]` matches), counted
    without building a string: ASCII by bytes.translate in C, the few other characters one by one."""
    ascii_letters = len(text.encode("ascii", "ignore").translate(None, _ASCII_NOT_LETTERS))
    return ascii_letters + sum(1 for c in _NON_ASCII.findall(text) if c.isalnum() and not c.isdecimal())


def looks_ocr(doc: Document) -> bool:
    """True for OCR output: read by us, or a text layer that lost å/ä/ö or is full of misread letters."""
    if doc.ocr:
        return True
    text = doc.text[:20_000]  # a sample tells as well as the whole document
    letters = count_letters(text)
    if letters < 400:
        return False
    swedish = sum(text.count(c) for c in _SWEDISH) / letters
    if swedish < 0.004:
        return True
    return len(_SUSPICIOUS.findall(text)) / max(1, len(text.split())) > 0.01


@lru_cache(maxsize=1)
def _rule_words() -> dict[str, str]:
    """Folded word -> spelling, from every rule data file, plus Swedish function words."""
    out: dict[str, str] = {}
    root = resources.files("minutes.rules").joinpath("sv")

    def walk(v) -> None:
        if isinstance(v, str):
            for w in _TOKEN.findall(v):
                if len(w) >= 2 and not any(ch.isdigit() for ch in w):
                    out.setdefault(fold(w), w)
        elif isinstance(v, dict):
            for k, x in v.items():
                walk(k)
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    for entry in root.iterdir():
        if entry.name.endswith(".yaml"):
            walk(load(entry.name[:-len(".yaml")]))
    from spacy.lang.sv.stop_words import STOP_WORDS
    for w in STOP_WORDS:
        out.setdefault(fold(w), w)
    return out


def _abbreviations() -> dict[str, str]:
    """Folded all-capitals abbreviation -> as written ("SOSR" -> "SÖSR")."""
    from .vocab import vocab
    v = vocab()
    out = {}
    for r in v.orgs["regions"] + v.orgs["healthcare_regions"]:
        for a in r["abbreviations"]:
            out[fold(a).upper()] = a
    return {k: a for k, a in out.items() if k != a}


class _Mender:
    def __init__(self, doc: Document) -> None:
        counts = Counter(_TOKEN.findall(doc.text))
        self.doc_words = counts
        self.known: dict[str, str] = dict(_rule_words())
        for w, n in counts.items():  # the document's own clean spellings win
            if len(w) >= 3 and (any(c in _SWEDISH for c in w) or n >= 2) and not _SUSPICIOUS.search(w):
                self.known[fold(w)] = w
        self.abbr = _abbreviations()
        self.changes = 0

    def word(self, token: str) -> str:
        """The token as it should read: itself, or a mended spelling of a known word."""
        if token.isupper() and token in self.abbr:
            self.changes += 1
            return self.abbr[token]
        suspicious = [m.start() for m in _SUSPICIOUS.finditer(token)]
        if not suspicious and (fold(token) in self.known or "d" not in token[1:] or len(token) <= 4):
            return token  # only an unknown word with a 'd' may hide a misread 'ö' ("mdjlighet")
        best = self._candidate(token, suspicious)
        if best is None or best == token:
            return token
        self.changes += 1
        return best

    def _candidate(self, token: str, suspicious: list[int]) -> str | None:
        """A known word the token can be read as, replacing at most three confusable characters."""
        spots = [i for i, c in enumerate(token) if c in CONFUSIONS and (i > 0 or c not in "dI")]
        if not spots or len(spots) > 6:
            return None
        for n in range(max(1, len(suspicious)), min(3, len(spots)) + 1):
            for chosen in itertools.combinations(spots, n):
                if not set(suspicious) <= set(chosen):
                    continue  # every misread character must be read again
                for subs in itertools.product(*(CONFUSIONS[token[i]] for i in chosen)):
                    cand = list(token)
                    for i, ch in zip(chosen, subs):
                        cand[i] = ch
                    found = self._known("".join(cand))
                    if found:
                        return _same_case(found, token)
        for i in suspicious:  # a doubled letter misread: "IlIhammar" where the document also has "Ilhammar"
            dropped = token[:i] + token[i + 1:]
            if token[i] == "I" and dropped in self.doc_words:
                return dropped
        if suspicious:  # no known word: the likeliest reading, if that leaves a word of letters only
            guess = "".join(_LIKELIEST.get(c, c) if c in "61&0@" else c for c in token)
            if guess.isalpha():
                return guess
        return None

    def _known(self, cand: str) -> str | None:
        f = fold(cand)
        if f in self.known:
            return self.known[f]
        if f + "s" in self.known:  # "Jönköping" from "Jönköpings län"
            return self.known[f + "s"][:-1]
        return None


def _same_case(word: str, like: str) -> str:
    if like.isupper():
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def repair(doc: Document) -> int:
    """Mend OCR confusions in the document's blocks, in place; returns how many words changed."""
    mender = _Mender(doc)

    def fix(text: str) -> str:
        text = _SECTION.sub(lambda m: "§" * len(m.group(0)), text)
        text = _NAME_HYPHEN.sub(r"\1 ", text)
        text = _GLUED_INITIAL.sub(r"\1 ", text)
        return _TOKEN.sub(lambda m: mender.word(m.group(0)), text)

    for b in doc.blocks:
        if b.rows is not None:
            b.rows = [[fix(c) for c in row] for row in b.rows]
            continue
        text = fix(b.text)
        if b.kind == "paragraph" and _GLUED_BULLET.match(text):
            b.kind, b.marker, text = "list_item", "•", _GLUED_BULLET.sub("", text)
        if b.kind in ("paragraph", "heading") and len(text) < 150 and _SECTION_AT_START.match(text):
            text = _SECTION_AT_START.sub("§ ", text)
        b.text = text
    doc.reindex()
    doc.looks_ocr = True
    doc.metadata["ocr_repairs"] = mender.changes
    return mender.changes
