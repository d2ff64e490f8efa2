"""Folding: the one way minutes compares text, in the rules and in the warehouse alike.

`fold` lower-cases and strips diacritics ("Följs" = an OCR'd "Foljs"; "Marković" = "markovic");
`key` is what every `*_key` column of the warehouse holds, so SQL only ever compares keys
computed here, never folds text itself.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


def _fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)) + list(range(0xFB00, 0xFB07)):
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c))
        if base != chr(code):
            table[code] = base
    for code in range(0x300, 0x370):  # combining marks left over from decomposed text
        table[code] = None
    return table


_FOLD = _fold_table()
_FOLD_ONE = {k: (v[:1] if v else "") for k, v in _FOLD.items() if v}  # one character for one
# The letters Swedish text is full of, replaced first with str.replace (ten times faster than
# translate); whatever else the table covers is then replaced where it occurs.
_COMMON = [(c, _FOLD[ord(c)]) for c in "åäöÅÄÖéÉüÜ"]
_FOLDABLE = re.compile("[" + "".join(re.escape(chr(k)) for k in sorted(_FOLD)) + "]")


def _fold_chars(text: str, table: dict[int, str | None]) -> str:
    for ch, base in _COMMON:
        if ch in text:
            text = text.replace(ch, base)
    if not text.isascii() and _FOLDABLE.search(text):
        text = _FOLDABLE.sub(lambda m: table.get(ord(m.group()), m.group()) or "", text)
    return text


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Lower-case and strip diacritics, so "Följs" and an OCR'd "Foljs" compare equal.

    Cached: every rule module folds the same blocks and sentences of a document again.
    """
    if text.isascii():
        return text.casefold()
    return _fold_chars(text, _FOLD).casefold()


def fold_same_length(text: str) -> str:
    """`fold`, keeping one character for one so that offsets into the result match the input."""
    if text.isascii():
        return text.lower()
    out = _fold_chars(text, _FOLD_ONE).lower()
    return out if len(out) == len(text) else "".join(fold(c)[:1] or c for c in text)


def squash(text: str) -> str:
    """Collapse runs of white space to one space and strip the ends."""
    return " ".join(text.split())


def key(text: str | None) -> str | None:
    """The comparison key of a name or label: folded, with white space squashed; None stays None."""
    if text is None:
        return None
    return squash(fold(text))
