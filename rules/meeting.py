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
from typing import Iterator
from pathlib import Path

from minutes.core.document import Block, Document
from minutes.core.enums import DocType
from minutes.core.records import Meeting
from minutes.text import fold, fold_same_length, squash

from .deadlines import find_all
from .meeting_body import (a_sentence, body_from_title, from_breadcrumb, from_lines, from_summons, looks_like_body,
                           plausible, tidy)
from .meeting_when import (NEXT_LABEL, dated, names_other_day, place_after, starts_with_break, time_span,
                           year_refs)
from .lexicon import lexicon
from .loader import where
from .regex import alternation, word_starts
from .vocab import label_key, label_keys, split_label, vocab

HEADER_BLOCKS = 40
LONGEST_LABEL = 40  # characters of a header label ("Sammanträdesdatum"); longer is a sentence
_PAREN = re.compile(r"\([^)]*\)")
_DIGIT = re.compile(r"\d")
_ABBREVIATION = lexicon().compile(r"[{UPPER}]{2,8}", "an abbreviated body under a body label")  # "BUN", "KSAU"
_HEADING_START = re.compile(r"[\s#*]*(?:\d{1,2}[.)]?\s+|§\s*\d+\s+)?")  # "## 5. " before a heading's words


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


def full_dates(text: str) -> list[tuple[dt.date, int, int]]:
    """Dates with a year in `text` (ISO, '4 februari 2025', '16/1 2025'), with spans."""
    if not _DIGIT.search(text):  # a year is written in digits
        return []
    return [(d.date, d.start, d.end) for d in find_all(text, None) if d.date and d.precision == "day"]


class _Header:
    """Label -> value pairs and plain lines from the top of the document."""

    def __init__(self, doc: Document) -> None:
        self.pairs: list[tuple[str, str, Block]] = []  # (label key, value, block)
        self.blocks: list[Block] = []
        labels = vocab().meeting.labels
        alone = {label_key(x) for x in labels.date + labels.time + labels.place + labels.body}
        top = doc.blocks[:HEADER_BLOCKS]
        for i, b in enumerate(top):
            self.blocks.append(b)
            after = top[i + 1] if i + 1 < len(top) else None
            if b.kind != "table" and len(b.text) <= LONGEST_LABEL and label_key(b.text) in alone and after \
                    and after.kind != "table" and len(after.text) < 200:  # a label on a line of its own
                self.pairs.append((label_key(b.text), after.text, b))
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
                self.pairs.extend((key, value, b) for key, value in inline_labels(b.text[:3000]))

    def value(self, labels: list[str]) -> tuple[str, Block] | None:
        keys = {label_key(x) for x in labels}
        for key, value, block in self.pairs:
            if key in keys:
                return value, block
        return None


@lru_cache(maxsize=1)
def _inline_label() -> re.Pattern:
    labels = vocab().meeting.labels
    words = sorted({w for w in labels.date + labels.time + labels.place if len(w) > 3}, key=len, reverse=True)
    return re.compile(rf"(?<![\w-])({alternation(words)})(?:[ \t]*(:)[ \t]*|[ \t]+(?=\S))", re.I)


def inline_labels(text: str) -> list[tuple[str, str]]:
    """(label key, value) of the meeting labels inside a flattened line ("Kultur- och fritidsnämnden Plats
    och tid: Biblioteket, … kl. 18.30-21.00 Beslutande: …") or starting one without a colon ("Plats och
    tid Stadshuset, kl 9-12"). A label starts with a capital; its value ends at the line's end or the next label."""
    found = []
    for m in _inline_label().finditer(text):
        if not text[m.start()].isupper() or (m.start() == 0) == bool(m.group(2)):
            continue  # "Justeringens plats och tid:" is another label; "Plats: …" at the start is split_label's
        if not m.group(2) and not (text[m.end()].isupper() or text[m.end()].isdigit()):
            continue  # "Tid för justering …" is a sentence, not a label
        value = NEXT_LABEL.split(text[m.end():].split("\n", 1)[0], 1)[0].strip()
        if value:
            found.append((label_key(m.group(1)), value))
    return found


def find_title(doc: Document) -> tuple[int | None, str | None]:
    """Index and text of the document's own title: a top line that names the document's type
    ("Direktionsprotokoll 2015-01-30", "Minnesanteckningar från …, 25 juni 2008"), else the top heading."""
    top = [(i, b) for i, b in enumerate(doc.blocks[:15]) if not b.furniture]
    for i, b in top[:6]:
        if b.kind in ("heading", "paragraph") and len(b.text) < 150 and not a_sentence(b.text) \
                and _type_named(b.text) in vocab().meeting.title_doc_types and not names_other_day(b.text):
            return i, squash(b.text)
    headings = [(i, b) for i, b in top if b.kind == "heading"]
    if headings:
        best = min(b.level for _, b in headings)
        i, b = next((i, b) for i, b in headings if b.level == best)
        return i, squash(b.text)
    for i, b in top:
        if b.kind == "paragraph" and len(b.text) < 150 and not full_dates(b.text) and b.text.strip():
            return i, squash(b.text)
    return None, None


def _type_named(text: str) -> str | None:
    """The document type a text names: the word, or a compound ending in it ("sammanträdesprotokoll")."""
    f = fold(text)
    for t in vocab().meeting.doc_types:
        for w in t.words:
            if re.search(rf"\b\w*{re.escape(fold(w))}\b", f):
                return t.type
    return None


def doc_type(title: str | None, doc: Document, file_name: str | None) -> str | None:
    """Document type from the title, then the first blocks, then the file name."""
    if title and (found := _type_named(title)):
        return found
    title_idx = next((i for i, b in enumerate(doc.blocks) if squash(b.text) == title), 0) if title else 0
    for b in doc.blocks[title_idx + 1: title_idx + 3]:  # a subtitle or the opening sentence
        if b.kind != "table" and (found := _type_named(b.text[:200])):
            return found
    if file_name:
        return _type_named(Path(file_name).stem.replace("_", " ").replace("-", " "))
    return None


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
    date_line = _date(meeting, doc, header, title_idx)
    time_line = _times(meeting, header, doc, title_idx)
    found = header.value(vocab().meeting.labels.place)
    place = _clean_place(found[0]) if found else None
    if place:
        meeting.provenance["place"] = f"sv.meeting.place.label: {squash(found[0])[:120]}"
    else:  # "möte 13-17, Vindelns kommunkontor", "Onsdag 6 maj, kl. 10.00–15.00, Turistbyråns konferensrum"
        for line, end in (time_line, date_line, *_dated_lines(doc, title_idx)):
            place = place_after(line, end) if line else None
            if place:
                meeting.provenance["place"] = f"sv.meeting.place.line: {squash(line)[:120]}"
                break
    meeting.place = place
    _body(meeting, header, title)
    meeting.next_meeting = next_meeting_date(doc, meeting.meeting_date)
    return meeting


def _dated_lines(doc: Document, title_idx: int | None) -> Iterator[tuple[str, int]]:
    """The title and the lines after it that hold a date, with where the date ends."""
    start = title_idx or 0
    for b in doc.blocks[start: start + 4]:
        found = dated(b.text) if b.kind != "table" and len(b.text) <= 200 else None
        if found:
            yield b.text, found.end


def _date_sources(doc: Document, header: _Header, title_idx: int | None) -> Iterator[tuple[str, str]]:
    """(rule, text) where a meeting date may stand, most trusted first: a date label's value, a time
    or place label's value, the title and the lines after it, a header line or cell with a date word."""
    labels = vocab().meeting.labels
    for keys in ({label_key(x) for x in labels.date}, {label_key(x) for x in labels.time + labels.place}):
        for key, value, _ in header.pairs:
            if key in keys:
                yield "label", value
    if title_idx is not None:
        for b in doc.blocks[title_idx: title_idx + 4]:
            if b.kind != "table" and (b is doc.blocks[title_idx] or len(b.text) <= 200):
                yield "title", b.text
    words = _patterns().page_header_date_words
    for b in doc.blocks[:HEADER_BLOCKS]:
        for text in (_table_texts(b.rows or []) if b.kind == "table" else [b.text]):
            if len(text) < 300 and any(w in fold(text) for w in words):
                yield "page_header", text
    for i, b in enumerate(doc.blocks[:3]):  # "Miljönämnden 2008-05-21 1 (14)"; not prose, nor a bare writing date
        if b.kind != "table" and len(b.text) < 150 and not b.text.rstrip().endswith(".") \
                and not (title_idx and i < title_idx and _only_a_date(b.text)):
            yield "first_line", b.text


def _only_a_date(text: str) -> bool:
    return not re.sub(r"[\W\d_]", "", text)  # "2008-01-02", "2/1 2008"


def _table_texts(rows: list[list[str]]) -> Iterator[str]:
    """A header table's cells, each with the cell right of it and the cell under it: a label and
    its value ("Sammanträdesdatum | 2006-01-19", or the value in the row below)."""
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            yield cell
            right = next((x for x in row[c + 1:] if x.strip()), "")
            below = rows[r + 1][c] if r + 1 < len(rows) and c < len(rows[r + 1]) else ""
            if right:
                yield f"{cell} {right}"
            if below:
                yield f"{cell} {below}"


def _date(meeting: Meeting, doc: Document, header: _Header, title_idx: int | None) -> tuple[str | None, int]:
    """Set the meeting date from the first source that gives one; the line it stands in and where it ends."""
    years = year_refs(doc.text[:20000])
    for rule, text in _date_sources(doc, header, title_idx):
        found = dated(text, years)
        if found:
            meeting.meeting_date = found.date
            meeting.provenance["meeting_date"] = f"sv.meeting.date.{rule}: {squash(text)[:120]}"
            return text, found.end
    return None, -1


def _times(meeting: Meeting, header: _Header, doc: Document, title_idx: int | None) -> tuple[str | None, int]:
    """Start and end time: labelled values first, then 'kl.' times in the title and header lines.
    Returns the text the time stands in and where it ends."""
    labels = vocab().meeting.labels
    time_keys = {label_key(x) for x in labels.time}
    other_keys = {label_key(x) for x in labels.place + labels.date}
    for key, value, _ in header.pairs:
        if key in time_keys or key in other_keys:
            start, end, pos = time_span(value, labelled=key in time_keys)
            if start:
                meeting.start_time, meeting.end_time = start, end
                meeting.provenance["start_time"] = f"sv.meeting.time.label: {squash(value)[:120]}"
                return value, pos
    first = title_idx or 0
    for b in header.blocks[first: first + 12]:
        if b.kind != "table":
            start, end, pos = time_span(b.text, labelled=False)
            if start:
                meeting.start_time, meeting.end_time = start, end
                meeting.provenance["start_time"] = f"sv.meeting.time.text: {squash(b.text)[:120]}"
                return b.text, pos
    return None, -1


def _body(meeting: Meeting, header: _Header, title: str | None) -> None:
    """The body (and the region its name gives): labelled, then a breadcrumb, the title, a header line."""
    prov = meeting.provenance
    found = header.value(vocab().meeting.labels.body)
    body = None
    if found:
        value = squash(found[0].split("\n")[0])
        name = value.split(",")[0].strip()  # "Tekniska nämnden, Motala kommun"
        if looks_like_body(name) or _ABBREVIATION.fullmatch(name):  # a label may give its abbreviation: "BUN"
            body, prov["body"] = name, f"sv.meeting.body.label: {value}"
    if body is None and (crumb := from_breadcrumb(header.blocks[:3])):
        body, prov["body"] = crumb, f"sv.meeting.body.breadcrumb: {crumb}"
    cut = body_from_title(title) if title else None
    if body is None and plausible(cut):
        body, prov["body"] = cut, f"sv.meeting.body.title: {title}"
    if body is None and (line := from_lines(header.blocks[:8])):
        body, prov["body"] = line, f"sv.meeting.body.header: {line}"
    if body is None and (summoned := from_summons(header.blocks[:8])):
        body, prov["body"] = summoned, f"sv.meeting.body.summons: {summoned}"
    if body is None and plausible(cut, loose=cut != squash(title or "")):  # "AB Sjöbyhem PROTOKOLL nr 3/2011"
        body, prov["body"] = cut, f"sv.meeting.body.title: {title}"
    region = None
    if body:
        body, region = split_region(tidy(body))
    meeting.body = body
    meeting.region = region


def _clean_place(value: str) -> str | None:
    """A place label's value without its dates, times, weekdays and the lines about breaks."""
    p = _patterns()
    lines = [x for x in _PAREN.sub(" ", value).split("\n") if not starts_with_break(x) and not names_other_day(x)]
    text = NEXT_LABEL.split("\n".join(lines), 1)[0]  # "Aulan, … Ordförande: Ek"
    text = p.time_range.sub(" ", text)
    text = p.time_one.sub(" ", text)
    for d, s, e in sorted(full_dates(text), key=lambda x: -x[1]):
        text = text[:s] + " " + text[e:]
    text = p.place_trailing.sub("", squash(text))
    text = p.weekday.sub("", text)
    text = re.sub(r"(?:\s*,)+", ",", squash(text)).strip(" ,;:-–")
    parts = text.rsplit(",", 1)
    if len(parts) == 2 and label_key(parts[1]) in vocab().status_of:  # "…, Beslutande" (a flattened page)
        text = parts[0].strip()
    return text or None


@lru_cache(maxsize=1)
def _next_meeting_words() -> re.Pattern:
    return re.compile(rf"({alternation(fold(w) for w in vocab().meeting.labels.next_meeting)})\b")


def next_meeting_date(doc: Document, meeting_date: dt.date | None) -> dt.date | None:
    """The next meeting's date, from 'Nästa möte: ...' or 'vid nästkommande möte den 4/9'."""
    return next_meeting_in(doc.text, meeting_date)


def next_meeting_in(text: str, meeting_date: dt.date | None) -> dt.date | None:
    """`next_meeting_date` in a text: the first day-precise date after a next-meeting phrase."""
    folded = fold_same_length(text)  # one pass over the document, not one per block
    for m in word_starts(_next_meeting_words(), folded):
        tail = text[m.end(): m.end() + 160]
        line_start = text.rfind("\n", 0, m.start()) + 1
        if _HEADING_START.fullmatch(text[line_start:m.start()]) and re.match(r"[ \t:]*\n", tail):
            tail = tail.lstrip(" \t:\n")  # a heading "5. Nästa möte" with the date under it
        tail = tail[:80].split("\n\n", 1)[0]
        for d in find_all(tail, meeting_date):
            if d.date and d.precision == "day" and (meeting_date is None or d.date > meeting_date):
                return d.date
    return None
