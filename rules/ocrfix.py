"""OCR noise tolerance: mend common Swedish OCR confusions in documents that look OCR'd.

The rules already compare words in folded form (no diacritics), so "Foljs" and "Följs"
match. What folding cannot undo is a letter read as another character: "6kad" (ökad),
"Jénk&ping" (Jönköping), "p&" (på), "mdjlighet" (möjlighet), "SOSR" (SÖSR), "IlIhammar"
(Ilhammar), "& 12" or "8 12 Budget" (§ 12), a bullet glued to its item ("«Förvaltningen").
The confusions are language data (rules/sv/ocr.yaml). A word is mended only when a candidate
spelling is a word we know: from the document's own clean text, the language pack
(rules/sv/*.yaml) or Swedish function words. Nothing is mended in documents that do not look
OCR'd.
"""
from __future__ import annotations

import itertools
import re
from collections import Counter
from functools import lru_cache
from importlib import resources

from minutes.core.document import Document
from minutes.text import fold

from .lexicon import lexicon, pattern
from .loader import load, load_model, where
from .schema import OcrFile

# A token: Latin-1 letters (\u00c0-\u00ff without × and ÷), digits and the signs OCR puts for letters.
_TOKEN = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff0-9&@]+")


class _Ocr:
    """ocr.yaml: the confusions, and the patterns of OCR noise written with the lexicon's letters."""

    def __init__(self) -> None:
        data = load_model("ocr", OcrFile)
        source = where("ocr")
        self.confusions = data.confusions
        self.likeliest = data.likeliest
        self.letters = lexicon().non_ascii_letters  # å ä ö: a text layer without them lost them
        self.suspicious = lexicon().compile(data.suspicious, source)
        #: letters OCR puts for another letter, trusted only inside a word ("d" for "ö", "I" for "l")
        self.inner_only = frozenset(c for c in data.confusions if c.isascii() and c.isalpha())
        self.misread_small = frozenset(c for c in self.inner_only if c.islower())
        self.capitals = frozenset(c for c in self.inner_only if c.isupper())


_OCR = _Ocr()
_SUSPICIOUS = _OCR.suspicious
_SECTION = re.compile(r"(?<![\w&])&&?(?=\s?\d)")
_SECTION_AT_START = pattern(r"^(?:&|8|S)\s?(?=\d{1,3}[a-z]?\s+[{UPPER}])")  # "8 21 Föreningsbidrag"
_GLUED_BULLET = pattern(r"^[«»•·*+©®]\s?(?=[{UPPER}])")  # "«Förvaltningen får ..."
_NAME_HYPHEN = pattern(r"\b([{UPPER}][{LOWER}{ACCENTED}]+)- (?=[{UPPER}][{LOWER}{ACCENTED}]{2,})")
_GLUED_INITIAL = pattern(r"(?<=[{LOWER}] )([{UPPER}])-(?=[{UPPER}][{LOWER}]{2,})")  # "Johan D-Söderholm"


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
    swedish = sum(text.count(c) for c in _OCR.letters) / letters
    if swedish < 0.004:
        return True
    return len(_SUSPICIOUS.findall(text)) / max(1, len(text.split())) > 0.01


# Parts of the language pack that are no vocabulary to mend towards: the OCR file (its examples are
# misreadings), the lexicon's letter classes, word endings and function words (the function words
# the mender knows are spaCy's Swedish stop words).
_NOT_VOCABULARY = {"ocr"}
_NOT_VOCABULARY_KEYS = {"letters", "function_words", "query_root_endings"}


@lru_cache(maxsize=1)
def _rule_words() -> dict[str, str]:
    """Folded word -> spelling, from the rule data files, plus Swedish function words."""
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
        name = entry.name.removesuffix(".yaml")
        if entry.name.endswith(".yaml") and name not in _NOT_VOCABULARY:
            walk({k: v for k, v in load(name).items() if k not in _NOT_VOCABULARY_KEYS})
    from spacy.lang.sv.stop_words import STOP_WORDS
    for w in STOP_WORDS:
        out.setdefault(fold(w), w)
    return out


def _abbreviations() -> dict[str, str]:
    """Folded all-capitals abbreviation -> as written ("SOSR" -> "SÖSR")."""
    from .vocab import vocab
    v = vocab()
    out = {}
    for r in [*v.orgs.regions, *v.orgs.healthcare_regions]:
        for a in r.abbreviations:
            out[fold(a).upper()] = a
    return {k: a for k, a in out.items() if k != a}


class _Mender:
    def __init__(self, doc: Document) -> None:
        counts = Counter(_TOKEN.findall(doc.text))
        self.doc_words = counts
        self.known: dict[str, str] = dict(_rule_words())
        for w, n in counts.items():  # the document's own clean spellings win
            if len(w) >= 3 and (any(c in _OCR.letters for c in w) or n >= 2) and not _SUSPICIOUS.search(w):
                self.known[fold(w)] = w
        self.abbr = _abbreviations()
        self.changes = 0

    def word(self, token: str) -> str:
        """The token as it should read: itself, or a mended spelling of a known word."""
        if token.isupper() and token in self.abbr:
            self.changes += 1
            return self.abbr[token]
        suspicious = [m.start() for m in _SUSPICIOUS.finditer(token)]
        if not suspicious and (fold(token) in self.known or not _OCR.misread_small.intersection(token[1:])
                               or len(token) <= 4):
            return token  # only an unknown word with a 'd' may hide a misread 'ö' ("mdjlighet")
        best = self._candidate(token, suspicious)
        if best is None or best == token:
            return token
        self.changes += 1
        return best

    def _candidate(self, token: str, suspicious: list[int]) -> str | None:
        """A known word the token can be read as, replacing at most three confusable characters."""
        spots = [i for i, c in enumerate(token) if c in _OCR.confusions and (i > 0 or c not in _OCR.inner_only)]
        if not spots or len(spots) > 6:
            return None
        for n in range(max(1, len(suspicious)), min(3, len(spots)) + 1):
            for chosen in itertools.combinations(spots, n):
                if not set(suspicious) <= set(chosen):
                    continue  # every misread character must be read again
                for subs in itertools.product(*(_OCR.confusions[token[i]] for i in chosen)):
                    cand = list(token)
                    for i, ch in zip(chosen, subs):
                        cand[i] = ch
                    found = self._known("".join(cand))
                    if found:
                        return _same_case(found, token)
        for i in suspicious:  # a doubled letter misread: "IlIhammar" where the document also has "Ilhammar"
            dropped = token[:i] + token[i + 1:]
            if token[i] in _OCR.capitals and dropped in self.doc_words:
                return dropped
        if suspicious:  # no known word: the likeliest reading, if that leaves a word of letters only
            guess = "".join(_OCR.likeliest.get(c, c) for c in token)
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
