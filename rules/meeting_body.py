"""The body that met: "Socialnämnden", "Beredningsgruppen för regionutveckling", "AB Sjöbyhem".

Sources, most trusted first: a body label ("Organ", "Nämnd", "Beslutsinstans"), a web page's
breadcrumb, the title with its document-type words, dates and page numbers cut, then a header
line or header-table cell that names a body. A document-type word, a page number or a
municipality's banner is never a body: no body beats a wrong one. Words in rules/sv/meeting.yaml.
"""
from __future__ import annotations

import re
from functools import lru_cache

from minutes.core.document import Block
from minutes.text import fold, squash

from .lexicon import lexicon
from .loader import where
from .meeting_when import NEXT_LABEL, dates_in
from .vocab import vocab


class _Words:
    """meeting.yaml's body words, folded once."""

    def __init__(self) -> None:
        m = vocab().meeting
        self.heads = {fold(h) for h in m.body_heads}
        self.suffixes = tuple(fold(s) for s in m.body_suffixes)
        self.doc_words = {fold(w) for w in m.title_doc_words + m.not_body_words}
        self.region = lexicon().compile(r"\s+(?:{W})\s+", f"{where('meeting')}: region_words", folded=True,
                                        words={"W": m.region_words})
        self.banner = {fold(x) for x in m.banner_words}
        self.summons = [lexicon().compile(x, f"{where('meeting')}: summons") for x in m.summons]
        self.prefixes = sorted(m.title_prefixes, key=len, reverse=True)
        self.title_date = re.compile(m.title_date.pattern, m.title_date.flags)
        lex = lexicon()
        self.calendar_words = {fold(w) for w in lex.words("weekdays") + lex.words("months")}
        self.compound = lex.compile(r"^(.{3,}?)s?(?:{W})$", f"{where('meeting')}: not_body_words", folded=True,
                                    words={"W": m.title_doc_words + m.not_body_words})


@lru_cache(maxsize=1)
def _words() -> _Words:
    return _Words()


def looks_like_body(text: str) -> bool:
    """Whether `text` is a body's name: it starts with a body word or ends in one ("-nämnden", "-rådet")."""
    w = _words()
    t = squash(text)
    if not t or len(t) > 80 or not t[0].isalpha():  # "1. Inledning" is an agenda item
        return False
    first = fold(t.split()[0])
    if first in w.heads:
        return True
    head = w.region.split(fold(t), 1)[0]  # "Regionalt nätverk för besöksnäring"
    return fold(t).endswith(w.suffixes) or first.endswith(w.suffixes) or head.endswith(w.suffixes)


def _strip_prefixes(text: str) -> str:
    changed = True
    while changed:
        changed = False
        for p in _words().prefixes:
            if fold(text).startswith(fold(p) + " "):
                text = text[len(p):].strip(" :-–")
                changed = True
                break
    return text


def _compound_stem(word: str) -> str | None:
    """"Direktionsprotokoll" -> "Direktion", "Styrelsesammanträde" -> "Styrelse": a compound of a
    document or meeting word names the body when its first part does."""
    m = _words().compound.match(fold(word))
    if not m:
        return None
    stem = word[:len(m.group(1))]
    if not looks_like_body(stem):
        return None
    for suffix in _words().suffixes:  # the definite form the suffixes list: "Styrelse" -> "Styrelsen"
        base = next((b for b in _words().suffixes if suffix.startswith(b) and suffix != b), None)
        if base and fold(stem).endswith(base) and not fold(stem).endswith(suffix):
            return stem + suffix[len(base):]
    return stem


def body_from_title(title: str) -> str | None:
    """'Mötesanteckningar RPO Medicinsk diagnostik inkl. bilagor' -> 'RPO Medicinsk diagnostik'."""
    m = vocab().meeting
    w = _words()
    text = m.page_number.sub(" ", squash(title))
    label = re.match(r"^\s*\w+\s*:\s+(?=\S)", text)  # "Ämne: Kallelse till …"
    if label:
        text = text[label.end():]
    text = NEXT_LABEL.split(text + " ", 1)[0]  # "Fritidsnämnden Plats och tid: …" (a flattened page)
    for d in reversed(dates_in(text)):  # "Direktionsprotokoll 2015-01-30", "..., 25 juni 2008"
        text = text[:d.start] + " " + text[d.end:]
    text = _strip_prefixes(squash(text).strip(" ,"))
    text = w.title_date.sub("", text)  # a date first
    parts = [x.strip() for x in text.split(",")]
    if not looks_like_body(parts[0]):  # "Anteckningar från nätverksträff, Kulturnätverket Öst"
        text = next((x for x in parts[1:] if looks_like_body(x)), text)
    for cut in m.title_cuts:
        mm = cut.search(text)
        if mm:
            text = text[:mm.start()]
    text = re.sub(r"\s+\d{4}(-\d{2}){0,2}$", "", text).strip(" .,:;-–")
    words = text.split()
    if words and (stem := _compound_stem(words[0])):
        words[0] = stem
    doc_at = [i for i, x in enumerate(words) if fold(x).strip(".,:;") in w.doc_words]
    if doc_at and doc_at[0] > 0:  # "AB Sjöbyhem PROTOKOLL nr 3/2011", "Socialnämndens protokoll"
        words = words[:doc_at[0]]
        last = words[-1]
        if len(words) == 1 and any(fold(last).endswith(e) for e in m.genitive_endings) and len(last) > 4 \
                and looks_like_body(last[:-1]):
            words[-1] = last[:-1]
    elif doc_at:
        words = [x for x in words if fold(x).strip(".,:;") not in w.doc_words]
    body = " ".join(words).strip(" .,:;-–")
    return body or None


def a_sentence(text: str) -> bool:
    """Whether `text` reads as prose ("Nämnden kallas till sammanträde den 4 maj i rådhuset."), not a name."""
    return len(text.split()) > 8 and bool(re.search(r"[.!?](?:\s|$)", text.strip()))


def names_doc_type(text: str) -> bool:
    """Whether `text` holds a document-type word or a compound of one ("Direktionsprotokoll")."""
    w = _words()
    return any(x in w.doc_words or w.compound.match(x) for x in re.findall(r"\w+", fold(text)))


def plausible(body: str | None, loose: bool = False) -> bool:
    """Whether `body` may be a body's name: a body word, or (`loose`, from a title) a short name that
    is neither a calendar word, a document word nor a municipality's banner."""
    if not body:
        return False
    w = _words()
    words = [fold(x).strip(".,:;") for x in body.split()]
    if all(x in w.doc_words or x in w.calendar_words or x.isdigit() for x in words):
        return False
    if "§" in body or (any(ch.isdigit() for ch in body) and not fold(body).endswith(w.suffixes)):
        return False  # an item heading ("KSAU § 12 Val av justerare"), a number ("KS 2017/45")
    if words[0] in w.banner or words[-1] in w.banner:
        return False  # "VILHELMINA KOMMUN", "Region Västerdal": the organisation, not its body
    orgs = vocab().find_orgs(body)
    if orgs and orgs[0][0] == 0 and not looks_like_body(body):
        return False
    return looks_like_body(body) or (loose and len(words) <= 6)


def tidy(body: str) -> str:
    """A name in sentence case: "BEREDNINGSGRUPPEN FÖR X" -> "Beredningsgruppen för x", "styrgruppen" -> "Styrgruppen".
    """
    body = squash(body)
    letters = [c for c in body if c.isalpha()]
    if len(letters) > 4 and all(c.isupper() for c in letters):  # not an abbreviation such as "KSAU"
        body = body[0] + body[1:].lower()
    return body[0].upper() + body[1:] if body else body


def from_breadcrumb(blocks: list[Block]) -> str | None:
    """The body a web page's breadcrumb names: the step before the page itself ("Hem > Tyresö
    kommun > Barn- och utbildningsnämnden > Sammanträde 2023-08-30")."""
    sep = vocab().meeting.breadcrumb_separator
    for b in blocks:
        if b.kind == "table" or len(b.text) > 300:
            continue
        steps = [squash(s) for s in sep.split(b.text.split(":", 1)[-1])]
        if len(steps) < 3:
            continue
        for step in reversed(steps[:-1]):
            if plausible(step, loose=True):
                return step
        return None
    return None


def from_lines(blocks: list[Block]) -> str | None:
    """A header line or a header-table cell that names a body, cut as a title is."""
    for b in blocks:
        if b.kind == "table" and not names_doc_type(b.text):
            continue  # only a header table ("Kommun | SAMMANTRÄDESPROTOKOLL || Nämnden | | Datum")
        cells = [c for row in (b.rows or []) for c in row] if b.kind == "table" else [b.text]
        for cell in cells:
            cell = NEXT_LABEL.split(cell[:300] + " ", 1)[0]  # "Fritidsnämnden Plats och tid: …"
            if not cell.strip() or len(cell) > 120 or a_sentence(cell):
                continue
            body = body_from_title(cell)
            if body and looks_like_body(body) and plausible(body):
                return body
    return None


def from_summons(blocks: list[Block]) -> str | None:
    """The body a kallelse summons: "Kommunfullmäktige kallas till sammanträde måndagen den 20 april"."""
    for b in blocks:
        if b.kind == "table":
            continue
        for rx in _words().summons:
            m = rx.search(b.text[:400])
            if m and looks_like_body(m["body"]) and plausible(m["body"]):
                return squash(m["body"])
    return None
