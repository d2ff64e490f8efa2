"""Small text helpers shared by the extractors: clean-up, list markers, line joining."""
from __future__ import annotations

import re
import unicodedata

# Glyphs that word processors, PDF symbol fonts and OCR use for bullets.
BULLETS = "•◦▪▫■□●○◆◇➢➤►▸‣⁃∙·※✓✔\uf0b7\uf0a7\uf0d8\uf076\uf0fc\uf0e8\uf02d"
_BULLET_RE = re.compile(rf"^\s*([{re.escape(BULLETS)}]|[-–—*»«+](?=\s))\s*")
_NUMBER_RE = re.compile(r"^\s*(\(?(?:\d{1,2}|[a-zA-Z])[.)])\s+(?=\S)")
_LIGATURES = {"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "\u00ad": "", "\u200b": "",
              "\ufeff": "", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\r": "",
              "\x02": "-", "\ufffe": "-"}
_LIG_RE = re.compile("|".join(map(re.escape, _LIGATURES)))
_JOINERS = {"och", "eller", "samt", "till", "resp", "respektive", "som"}


def clean(text: str) -> str:
    """NFC-normalise and replace ligatures, soft hyphens and odd spaces."""
    return _LIG_RE.sub(lambda m: _LIGATURES[m.group(0)], unicodedata.normalize("NFC", text))


def split_marker(text: str) -> tuple[str, str]:
    """Split a leading list marker off a line: ('•', 'rest') or ('', text) when none.

    Numbers are markers only when followed by text ("1. Inledning", "a) Budget"), so a
    date or an amount at the start of a line is left alone.
    """
    m = _BULLET_RE.match(text)
    if m and m.end() < len(text):
        marker = m.group(1)
        return ("•" if marker in BULLETS else marker), text[m.end():]
    m = _NUMBER_RE.match(text)
    if m:
        return m.group(1), text[m.end():]
    return "", text


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines of one paragraph, mending words hyphenated at a line end."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not out:
            out = line
        elif out.endswith("-") and len(out) > 1 and out[-2].isalpha() and line[:1].islower() \
                and line.split(" ", 1)[0].rstrip(",.") not in _JOINERS:
            out += line  # "abonnemangs-" + "avtalet": keep the hyphen, no space
        else:
            out += " " + line
    return out
