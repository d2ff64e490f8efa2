"""Attendee lists cut into entries, one person each, and what an entry itself says of its status.

A list is written one person a line, separated by commas, semicolons and "och", wrapped over
lines by the layout, or with no separators at all where a PDF joined the lines ("Eva Ek PRO Bo
Lind SPF"). The wrapped lines are joined first, then the list is cut at its separators and
where a new name starts, but never right after a substitution marker ("ersätter Bo Lind").
"""
from __future__ import annotations

import re
from functools import lru_cache

from minutes.text import fold, fold_same_length

from .lexicon import pattern
from .names import names
from .vocab import vocab

_SPLIT = pattern(r",\s*|;\s*|\s+{AND}\s+(?=[{UPPER}])")
_WORDS = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")


def split_outside_parens(text: str) -> list[str]:
    """Parts of a list between commas, semicolons and "och" before a capital, outside parentheses."""
    parts, depth, cur = [], 0, ""
    i = 0
    while i < len(text):
        ch = text[i]
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            m = _SPLIT.match(text, i)
            if m:
                parts.append(cur)
                cur = ""
                i = m.end()
                continue
        cur += ch
        i += 1
    parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


@lru_cache(maxsize=1)
def _markers() -> re.Pattern:
    """A substitution marker or a word no new entry follows, at the end of a text ("… ersätter", "… för")."""
    words = sorted([*vocab().people.substitute_for, *vocab().people.no_cut_after], key=len, reverse=True)
    return re.compile(r"(?:^|\s)(?:" + "|".join(re.escape(w) for w in words) + r")\s*$", re.I)


@lru_cache(maxsize=1)
def _status_phrases() -> tuple[re.Pattern, list[tuple[re.Pattern, str]]]:
    """Any status phrase of people.yaml `entry_status`, and each (phrase, status), longest first."""
    pairs = [(fold(w), str(status)) for status, ws in vocab().people.entry_status.items() for w in ws]
    pairs.sort(key=lambda p: len(p[0]), reverse=True)
    one = [(re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)"), status) for phrase, status in pairs]
    return re.compile("|".join(rx.pattern for rx, _ in one) or r"(?!)"), one


def entry_status(text: str) -> tuple[str | None, str]:
    """The status an entry's own words give ("ej tjänstgörande ersättare" -> adjunct), and the text without them.
    The longest phrase wins wherever it stands."""
    folded = fold_same_length(text)
    any_phrase, phrases = _status_phrases()
    if not any_phrase.search(folded):
        return None, text
    for rx, status in phrases:
        m = rx.search(folded)
        if m:
            return status, text[:m.start()] + " " + text[m.end():]
    return None, text


def join_wrapped(cell: str) -> list[str]:
    """The lines of a cell or list with the layout's wrapping undone: a line that does not start with a
    name ("(C), Ola Ek (S)", "Hammarström, Per Ek", "§§ 3-5"), or one after a line ending in a comma or
    a lone name word ("…, Marianne"), continues the line before."""
    out: list[str] = []
    for line in (ln.strip().lstrip(".,;:'`´").strip() for ln in cell.split("\n")):  # ".Kent Ek": an OCR speck
        if not line:
            continue
        if out and _continues(out[-1], line):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def _continues(before: str, line: str) -> bool:
    if before.endswith((",", " och", "-")) or _markers().search(before):
        return True
    lead = names().leading(line)
    if lead is not None and lead.start == 0:
        return False
    return True  # "(C), Ola Ek (S)", "Hammarström, Per Ek", "Kalix kommun", "§§ 3-5"


def cut_at_names(part: str) -> list[str]:
    """A list part cut where a new person's name starts ("Eva Ek PRO Bo Lind SPF" -> two), but never
    right after a substitution marker. Only a name whose first word is a known given name starts a
    new entry: "Business Region Göteborg" after a name is that person's organisation."""
    found = names().find(part)
    cuts = [0]
    for n in found:
        if n.start == 0 or not n.known or _markers().search(part[:n.start]):
            continue
        if part[:n.start].rstrip().endswith(("(", "-")):
            continue
        cuts.append(n.start)
    pieces = [part[a:b].strip(" ,;") for a, b in zip(cuts, cuts[1:] + [len(part)])]
    return [p for p in pieces if p]


def is_prose(rest: str) -> bool:
    """Whether the words after a name are a sentence ("välkomnade gruppen och berättade om …"), not an
    attendee's role, organisation or remarks: five lower-case words that are not role words, or three and a full stop."""
    v = vocab()
    plain = re.sub(r"\([^()]*\)", " ", rest)
    lower = [w for w in _WORDS.findall(plain) if w[:1].islower() and not v.role(w)]
    return len(lower) >= 5 or len(lower) >= 3 and rest.rstrip().endswith(".")


def is_list(line: str) -> bool:
    """Whether one line holds several people separated by commas ("Bo Ek (S), Eva Lund (M)") rather than
    one person with attributes ("Bo Ek, Kommunförbundet Skaraborg"): two parts start with a name whose
    first word is a known given name or that a parenthesis follows."""
    count = 0
    for part in split_outside_parens(line):
        lead = names().leading(part)
        if lead is not None and lead.start == 0 and (lead.known or part[lead.end:].lstrip().startswith("(")):
            count += 1
    return count >= 2


def semicolons(line: str) -> list[str]:
    """A semicolon outside parentheses always ends an entry: "Eva Ek, chef; Omar Ali, elevrepresentant"."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(line):
        depth += (ch == "(") - (ch == ")")
        if ch == ";" and depth == 0:
            parts.append(line[start:i])
            start = i + 1
    return [p.strip() for p in parts + [line[start:]] if p.strip()]


def merge_markers(parts: list[str]) -> list[str]:
    """A part that starts with a substitution marker ("tjänstgörande för Eva Ek (C)") belongs to the part before."""
    markers = [fold(m) for m in vocab().people.substitute_for]
    out: list[str] = []
    for part in parts:
        if out and fold(part).startswith(tuple(markers)):
            out[-1] = f"{out[-1]}, {part}"
        else:
            out.append(part)
    return out
