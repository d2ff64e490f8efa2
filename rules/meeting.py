"""Meeting facts: title, document type, body, region, date, times, place, next meeting.

Sources, most trusted first: labelled values in the header ("Datum 2024-10-10",
"Plats och tid: Stadshuset kl. 13.00–15.30"), the title ("Minnesanteckningar från möte
4 februari 2025"), the lines right after the title. A date printed above the title (a
publication or revision date) is never the meeting date.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from minutes.core.document import Block, Document
from minutes.core.enums import DocType
from minutes.core.records import Meeting
from minutes.text import fold, fold_same_length, squash

from .deadlines import find_all
from .lexicon import lexicon
from .loader import where
from .regex import alternation, word_starts
from .vocab import label_key, label_keys, split_label, vocab

HEADER_BLOCKS = 40
LONGEST_LABEL = 40  # characters of a header label ("Sammanträdesdatum"); longer is a sentence
_PAREN = re.compile(r"\([^)]*\)")


class _Patterns:
    """The regexes of meeting.yaml, compiled once."""

    def __init__(self) -> None:
        m = vocab().meeting
        source = where("meeting")
        self.time_range, self.time_one, self.title_date = m.time_range, m.time_one, m.title_date
        self.title_doc_words = frozenset(fold(w) for w in m.title_doc_words)
        self.region = lexicon().compile(r"^(.*?)\s+{REGION_WORDS}\s+(.+)$", source,
                                        words={"REGION_WORDS": m.region_words})
        self.page_header_date_words = tuple(fold(w) for w in m.page_header_date_words)
        self.place_trailing = lexicon().compile(r"\b{TRAILING}\s*$", source, re.I,
                                                words={"TRAILING": m.place_trailing})
        self.weekday = lexicon().compile(r"\b{WEEKDAYS}\b", source, re.I)


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    return _Patterns()


def parse_time(t: str) -> str | None:
    """'0930' / '9.30' / '09:30' / '10' -> '09:30' / '10:00'; None when not a time of day."""
    t = t.strip()
    if re.fullmatch(r"\d{4}", t):
        h, m = int(t[:2]), int(t[2:])
    elif re.fullmatch(r"\d{1,2}[.:]\d{2}", t):
        h, m = int(re.split(r"[.:]", t)[0]), int(re.split(r"[.:]", t)[1])
    elif re.fullmatch(r"\d{1,2}", t):
        h, m = int(t), 0
    else:
        return None
    return f"{h:02d}:{m:02d}" if 0 <= h <= 23 and 0 <= m <= 59 else None


def find_times(text: str, labelled: bool) -> tuple[str | None, str | None]:
    """Start and end time in `text`; without a time label, only 'kl.'-marked times count."""
    text = _PAREN.sub(" ", text)  # "(ajournering 10:00–10:15)"
    p = _patterns()
    for m in p.time_range.finditer(text):
        if not labelled and not m.group(1) and not (":" in m.group(2) or "." in m.group(2)):
            continue
        a, b = parse_time(m.group(2)), parse_time(m.group(3))
        if a and b and a < b:
            return a, b
    m = p.time_one.search(text)
    if m and parse_time(m.group(1)):
        return parse_time(m.group(1)), None
    if labelled:
        m = re.search(r"(?<![\d-])(\d{1,2}[.:]\d{2})(?![\d-])", text)
        if m:
            return parse_time(m.group(1)), None
    return None, None


def full_dates(text: str) -> list[tuple[dt.date, int, int]]:
    """Dates with a year in `text` (ISO, '4 februari 2025', '16/1 2025'), with spans."""
    return [(d.date, d.start, d.end) for d in find_all(text, None) if d.date and d.precision == "day"]


class _Header:
    """Label -> value pairs and plain lines from the top of the document."""

    def __init__(self, doc: Document) -> None:
        self.pairs: list[tuple[str, str, Block]] = []  # (label key, value, block)
        self.blocks: list[Block] = []
        for b in doc.blocks[:HEADER_BLOCKS]:
            self.blocks.append(b)
            if b.kind == "table" and b.rows:
                for row in b.rows:
                    cells = [c for c in row if c.strip()]
                    if len(cells) >= 2 and len(cells[0]) <= LONGEST_LABEL:
                        for key in label_keys(cells[0]):
                            self.pairs.append((key, "\n".join(cells[1:]), b))
            elif b.kind != "table":
                split = split_label(b.text, LONGEST_LABEL)
                if split and split[1] and "\n" not in split[1]:  # a one-line value
                    self.pairs.append((label_key(split[0]), split[1], b))

    def value(self, labels: list[str]) -> tuple[str, Block] | None:
        keys = {label_key(x) for x in labels}
        for key, value, block in self.pairs:
            if key in keys:
                return value, block
        return None


def find_title(doc: Document) -> tuple[int | None, str | None]:
    """Index and text of the document's own title."""
    top = [(i, b) for i, b in enumerate(doc.blocks[:15]) if not b.furniture]
    headings = [(i, b) for i, b in top if b.kind == "heading"]
    if headings:
        best = min(b.level for _, b in headings)
        i, b = next((i, b) for i, b in headings if b.level == best)
        return i, squash(b.text)
    for i, b in top:
        if b.kind == "paragraph" and len(b.text) < 150 and not full_dates(b.text) and b.text.strip():
            return i, squash(b.text)
    return None, None


def doc_type(title: str | None, doc: Document, file_name: str | None) -> str | None:
    """Document type from the title, then the first blocks, then the file name."""
    types = vocab().meeting.doc_types

    def match(text: str) -> str | None:
        f = fold(text)
        for t in types:
            for w in t.words:
                if re.search(rf"\b\w*{re.escape(fold(w))}\b", f):  # the word, or a compound ending in it
                    return t.type
        return None

    if title and (found := match(title)):
        return found
    title_idx = next((i for i, b in enumerate(doc.blocks) if squash(b.text) == title), 0) if title else 0
    for b in doc.blocks[title_idx + 1: title_idx + 3]:  # a subtitle or the opening sentence
        if b.kind != "table" and (found := match(b.text[:200])):
            return found
    if file_name:
        return match(Path(file_name).stem.replace("_", " ").replace("-", " "))
    return None


def body_from_title(title: str) -> str | None:
    """'Mötesanteckningar RPO Medicinsk diagnostik inkl. bilagor' -> 'RPO Medicinsk diagnostik'."""
    m = vocab().meeting
    text = squash(title)
    changed = True
    while changed:
        changed = False
        for p in sorted(m.title_prefixes, key=len, reverse=True):
            if fold(text).startswith(fold(p) + " "):
                text = text[len(p):].strip(" :-–")
                changed = True
                break
    text = _patterns().title_date.sub("", text)  # a date first
    for cut in m.title_cuts:
        mm = cut.search(text)
        if mm:
            text = text[:mm.start()]
    text = re.sub(r"\s+\d{4}(-\d{2}){0,2}$", "", text).strip(" .,:;-–")
    words = text.split()
    if len(words) >= 2 and fold(words[-1]) in _patterns().title_doc_words:  # "Socialnämndens protokoll"
        words = words[:-1]
        last = words[-1]
        if any(fold(last).endswith(end) for end in m.genitive_endings) and len(last) > 4:
            words[-1] = last[:-1]
    body = " ".join(words).strip()
    return body or None


def looks_like_body(text: str) -> bool:
    m = vocab().meeting
    t = squash(text)
    if not t or len(t) > 80:
        return False
    first = t.split()[0]
    if first in m.body_heads or fold(first) in {fold(h) for h in m.body_heads}:
        return True
    return any(fold(t).endswith(fold(s)) or fold(t.split()[0]).endswith(fold(s)) for s in m.body_suffixes)


def split_region(body: str) -> tuple[str, str | None]:
    """'Regionsjukvårdsledningen i Sydöstra sjukvårdsregionen' -> ('Regionsjukvårdsledningen', 'Sydöstra ...')."""
    m = _patterns().region.match(body)
    if m:
        orgs = vocab().find_orgs(m.group(2))
        if orgs and orgs[0][0] == 0 and orgs[0][1] >= len(m.group(2)) - 1:
            return m.group(1), orgs[0][2].name
    return body, None


def infer_region(doc: Document, body: str | None, organisations: list[str | None]) -> str | None:
    """The organisation a body belongs to, from its name, its attendees, or the document."""
    v = vocab()
    if body:
        found = v.find_orgs(body)
        if found:
            return found[0][2].name
    for b in doc.blocks[:3]:  # "Sjöviks kommun" printed above the title
        if b.kind != "table" and len(b.text) < 80:
            found = v.find_orgs(b.text)
            if found and found[0][1] - found[0][0] >= len(b.text.strip()) - 2:
                return found[0][2].name
    orgs = [v.org_by_name.get(o) for o in organisations if o]
    orgs = [o for o in orgs if o is not None]
    if orgs:
        regions = Counter(o.name for o in orgs)
        if len(regions) == 1:
            return next(iter(regions))
        hcr = {o.healthcare_region for o in orgs if o.kind == "region"}
        if len(hcr) == 1 and None not in hcr:
            return hcr.pop()
    head = "\n".join(b.text for b in doc.blocks[:80] if not b.furniture)
    counts: Counter = Counter(org.name for _, _, org in v.find_orgs(head))
    if not counts:
        return None
    top, n = counts.most_common(1)[0]
    return top if n >= 2 else None


def meeting_facts(doc: Document, file_name: str | None = None) -> Meeting:
    """Read the header of a document into a Meeting."""
    header = _Header(doc)
    meeting = Meeting()
    title_idx, title = find_title(doc)
    meeting.title = title
    if title:
        meeting.provenance["title"] = f"sv.meeting.title: {title}"
    meeting.doc_type = doc_type(title, doc, file_name) or DocType.OTHER.value
    _date(meeting, doc, header, title_idx)
    _times(meeting, header)
    found = header.value(vocab().meeting.labels.place)
    if found:
        place = _clean_place(found[0])
        if place:
            meeting.place = place
            meeting.provenance["place"] = f"sv.meeting.place.label: {squash(found[0])[:120]}"
    _body(meeting, header, title)
    meeting.next_meeting = next_meeting_date(doc, meeting.meeting_date)
    return meeting


def _date(meeting: Meeting, doc: Document, header: _Header, title_idx: int | None) -> None:
    """The meeting date: labelled, then in the title and the lines after it, then in a page header."""
    prov = meeting.provenance
    found = header.value(vocab().meeting.labels.date)
    if found and full_dates(found[0]):
        meeting.meeting_date = full_dates(found[0])[0][0]
        prov["meeting_date"] = f"sv.meeting.date.label: {squash(found[0])[:120]}"
    if meeting.meeting_date is None and title_idx is not None:
        for b in doc.blocks[title_idx: title_idx + 4]:
            if b.kind == "table" or (b is not doc.blocks[title_idx] and len(b.text) > 80):
                continue
            dates = full_dates(b.text)
            if dates:
                meeting.meeting_date = dates[0][0]
                prov["meeting_date"] = f"sv.meeting.date.title: {squash(b.text)[:120]}"
                break
    if meeting.meeting_date is None:
        for b in doc.blocks[:HEADER_BLOCKS]:
            if b.furniture and any(w in fold(b.text) for w in _patterns().page_header_date_words) \
                    and full_dates(b.text):
                meeting.meeting_date = full_dates(b.text)[0][0]
                prov["meeting_date"] = f"sv.meeting.date.page_header: {squash(b.text)[:120]}"
                break


def _times(meeting: Meeting, header: _Header) -> None:
    """Start and end time: labelled values first, then 'kl.' times in the header lines."""
    labels = vocab().meeting.labels
    time_keys = {label_key(x) for x in labels.time}
    other_keys = {label_key(x) for x in labels.place + labels.date}
    for key, value, _ in header.pairs:
        if key in time_keys or key in other_keys:
            start, end = find_times(value, labelled=key in time_keys)
            if start:
                meeting.start_time, meeting.end_time = start, end
                meeting.provenance["start_time"] = f"sv.meeting.time.label: {squash(value)[:120]}"
                return
    for b in header.blocks[:12]:
        if b.kind != "table":
            start, end = find_times(b.text, labelled=False)
            if start:
                meeting.start_time, meeting.end_time = start, end
                meeting.provenance["start_time"] = f"sv.meeting.time.text: {squash(b.text)[:120]}"
                return


def _body(meeting: Meeting, header: _Header, title: str | None) -> None:
    """The body (and the region its name gives): labelled, then from the title, then a header line."""
    prov = meeting.provenance
    found = header.value(vocab().meeting.labels.body)
    body = None
    if found and looks_like_body(found[0]):
        body = squash(found[0])
        prov["body"] = f"sv.meeting.body.label: {body}"
    elif title:
        body = body_from_title(title)
        if body and (looks_like_body(body) or (body != squash(title) and len(body.split()) <= 6)):
            prov["body"] = f"sv.meeting.body.title: {title}"
        else:
            body = None
    if body is None:
        for b in header.blocks[:8]:
            if b.kind != "table" and looks_like_body(b.text):
                body = squash(b.text)
                prov["body"] = f"sv.meeting.body.header: {body}"
                break
    region = None
    if body:
        body, region = split_region(body)
    meeting.body = body
    meeting.region = region


def _clean_place(value: str) -> str | None:
    p = _patterns()
    text = _PAREN.sub(" ", value)
    text = p.time_range.sub(" ", text)
    text = p.time_one.sub(" ", text)
    for d, s, e in sorted(full_dates(text), key=lambda x: -x[1]):
        text = text[:s] + " " + text[e:]
    text = p.place_trailing.sub("", squash(text))
    text = p.weekday.sub("", text)
    text = squash(text).strip(" ,;:-–")
    return text or None


@lru_cache(maxsize=1)
def _next_meeting_words() -> re.Pattern:
    return re.compile(rf"({alternation(fold(w) for w in vocab().meeting.labels.next_meeting)})\b")


def next_meeting_date(doc: Document, meeting_date: dt.date | None) -> dt.date | None:
    """The next meeting's date, from 'Nästa möte: ...' or 'vid nästkommande möte den 4/9'."""
    folded = fold_same_length(doc.text)  # one pass over the document, not one per block
    for m in word_starts(_next_meeting_words(), folded):
        tail = doc.text[m.end(): m.end() + 80].split("\n\n", 1)[0]
        for d in find_all(tail, meeting_date):
            if d.date and d.precision == "day" and (meeting_date is None or d.date > meeting_date):
                return d.date
    return None
