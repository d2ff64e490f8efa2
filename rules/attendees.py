"""Attendees: who was listed for the meeting, with initials, role, organisation, party, status.

Layouts read:
- a table with a label cell ("Närvarande", "Förhinder", "Adjungerade", "Beslutande", ...)
  then one person per row, or one cell with many names line by line beside a cell with
  their organisations line by line;
- a table with column headers (Namn | Organisation | Närvarande | Frånvarande);
- "Name (XX) role, ORG" cells, with partial attendance ("ordf.1025–1200", "(10-17)", "§§ 13–14");
- running text: "Närvarande: Anna Svensson (AS, ordf.), Peter Ek (PE)";
- a label paragraph followed by one person per line or list item;
- politicians: "Eva Lindström (S), ordförande", "Mats Öberg (KD), tjänstgörande ersättare för
  Lars Holm (KD)" (Mats is a substitute, Lars absent).
Signatures ("Vid anteckningarna", "Underskrifter") and names in running text are not attendees.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from minutes.core.document import Block, Document
from minutes.core.enums import AttendeeStatus, DocType
from minutes.core.records import Attendee
from minutes.text import fold, squash

from .lexicon import pattern
from .text import PERSON_NAME, initials_of
from .vocab import label_key, label_keys, split_label, vocab

_PAREN = re.compile(r"\(([^()]*)\)")
_TIME_SPAN = re.compile(r"(?<![\d§])(\d{1,2})[.:]?(\d{2})\s*[-–—]\s*(\d{1,2})[.:]?(\d{2})(?!\d)")
_CODE = pattern(r"^[{UPPER}]{1,4}$")
_PARTY_AFTER = pattern(r"\s*\(([{UPPER}]{1,4})\)")
_SHORT_CODE = pattern(r"\(([{UPPER}]{1,3})\)")
_SPLIT = pattern(r",\s*|;\s*|\s+{AND}\s+(?=[{UPPER}])")


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """(paragraphs a person took part in, an item cell "punkt 3-5", its leading word) from people.yaml."""
    v = vocab()
    items = {"ITEMS": v.people.agenda_items.words}
    return (v.people.paragraphs,
            pattern(r"(?:§§?\s*|{ITEMS}\s*)?\d{1,3}[a-z]?(?:\s*[-–—]\s*\d{1,3}[a-z]?)?", words=items),
            pattern(r"^(?:{ITEMS}|§§?)\s*", words=items))


@dataclass
class _Label:
    kind: str  # status | role | stop
    status: str | None = None
    role: str | None = None


def classify_label(text: str) -> _Label | None:
    """What a label cell or the words before a colon say: a status, a role, or a stop."""
    v = vocab()
    for key in label_keys(text):
        if not key or len(key) > 45:
            continue
        if key in v.stop_labels:
            return _Label("stop")
        if key in v.status_of:
            status, role = v.status_of[key]
            return _Label("status", status, role)
        if key in v.role_label:
            return _Label("role", AttendeeStatus.PRESENT.value, v.role_label[key])
    return None


def _split_outside_parens(text: str) -> list[str]:
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


def _attended(text: str) -> str | None:
    m = _TIME_SPAN.search(text)
    if m:
        return f"{int(m.group(1)):02d}:{m.group(2)}–{int(m.group(3)):02d}:{m.group(4)}"
    m = _patterns()[0].search(text)
    if m:
        return squash(m.group(0))
    return None


def parse_person(text: str, organisation: str | None = None, political: bool = False) -> list[Attendee]:
    """Parse one attendee cell or list part; returns the person (and anyone they replace)."""
    v = vocab()
    text = squash(text.replace("\t", " "))
    text = re.sub(r"^[•\-–*]\s*", "", text)
    m = PERSON_NAME.match(text)
    if not m:
        return []
    name_words = m.group(0).split()
    # a role word glued to the name by the layout ("Anna Svensson Ordförande") is not part of it
    while len(name_words) > 2 and v.role(name_words[-1]):
        name_words.pop()
    name = " ".join(name_words)
    if fold(name_words[0]) in v.not_first_names or any(s < len(name) for s, _, _ in v.find_orgs(text)):
        return []  # "Region Kalmar län" is an organisation, not a person
    person = Attendee(name=name, status=AttendeeStatus.PRESENT.value)
    rest, replaced = _substitute(person, text[len(name):])
    for pm in _PAREN.finditer(rest):
        _codes(person, pm.group(1), political)
    _rest(person, _PAREN.sub(" ", rest), political)
    if organisation and organisation.strip():
        person.organisation = v.normalise_org(organisation)
    return [person] + replaced


def _substitute(person: Attendee, rest: str) -> tuple[str, list[Attendee]]:
    """"tjänstgörande ersättare för Lars Holm (KD)": the person substitutes, Lars is absent.
    Returns the text before the marker and the people replaced."""
    v = vocab()
    for marker, role in v.people.substitute_for.items():
        mm = re.search(rf"\b{re.escape(marker)}\s+({PERSON_NAME.pattern})", rest, re.I)
        if mm:
            person.status = AttendeeStatus.SUBSTITUTE.value
            replaced = Attendee(name=mm.group(1), status=AttendeeStatus.ABSENT.value)
            pm = _PARTY_AFTER.match(rest[mm.end():])
            if pm and pm.group(1) in v.parties:
                replaced.party = pm.group(1)
            if role:
                person.role = role
            return rest[:mm.start()], [replaced]
    return rest, []


def _codes(person: Attendee, inner: str, political: bool) -> None:
    """What a parenthesis after a name says: initials, party, role, agenda items, times, organisation."""
    v = vocab()
    initials = initials_of(person.name)
    for part in [p.strip() for p in inner.strip().split(",") if p.strip()]:
        if _CODE.match(part):
            if part in v.parties and (political or part not in (initials, initials[:2])):
                if political or len(part) <= 2 and part != initials[:len(part)]:
                    person.party = person.party or part
                    continue
            person.initials = person.initials or part
        elif v.role(part):
            person.role = person.role or v.role(part)
        elif _patterns()[1].fullmatch(part):
            if _TIME_SPAN.search(part):
                person.attended = _attended(part)
            else:
                item = f"{v.people.agenda_items.written} {_patterns()[2].sub('', part)}"
                person.attended = person.attended or (item if not part.startswith("§") else part)
        elif _attended(part):
            person.attended = person.attended or _attended(part)
        elif not person.organisation:
            person.organisation = v.normalise_org(part)


def _rest(person: Attendee, rest: str, political: bool) -> None:
    """The text after a name, parentheses removed: times or paragraphs, role, party, organisation."""
    v = vocab()
    if person.attended is None:
        att = _attended(rest)
        if att:
            person.attended = att
            rest = _TIME_SPAN.sub(" ", rest)
            rest = _patterns()[0].sub(" ", rest)
    for part in _split_outside_parens(rest):
        part = part.strip(" .,;:–-")
        if not part:
            continue
        role = v.role(part) or v.role(part.split()[0])
        if role and not person.role:
            person.role = role
            continue
        if _CODE.match(part) and part in v.parties and political:
            person.party = person.party or part
            continue
        if not person.organisation and not role:
            person.organisation = v.normalise_org(part)


def _political(texts: list[str]) -> bool:
    """Whether the codes in parentheses of a list are mostly party letters."""
    v = vocab()
    codes = [c for t in texts for c in _SHORT_CODE.findall(t)]
    return bool(codes) and sum(c in v.parties for c in codes) / len(codes) > 0.6 and \
        sum(len(c) == 1 for c in codes) > 0


class _Collector:
    def __init__(self) -> None:
        self.people: list[Attendee] = []
        self.by_key: dict[str, Attendee] = {}

    def add(self, found: list[Attendee], label: _Label, block: Block, source: str, rule: str) -> None:
        for i, a in enumerate(found):
            if i == 0:
                if label.status == AttendeeStatus.ABSENT or (label.status and a.status != AttendeeStatus.SUBSTITUTE):
                    a.status = label.status
                if label.role and not a.role:
                    a.role = label.role
            a.page, a.rule, a.source = block.page, rule, squash(source)[:300]
            key = " ".join(fold(a.name).split())
            if key in self.by_key:
                old = self.by_key[key]
                for f in ("initials", "role", "organisation", "party", "attended"):
                    if getattr(old, f) is None and getattr(a, f) is not None:
                        setattr(old, f, getattr(a, f))
                continue
            self.by_key[key] = a
            self.people.append(a)

    def add_role(self, name: str, role: str) -> bool:
        key = " ".join(fold(name).split())
        if key in self.by_key:
            if not self.by_key[key].role:
                self.by_key[key].role = role
            return True
        return False


def find_attendees(doc: Document, doc_type: str | None = None) -> list[Attendee]:
    """All attendees listed in the document."""
    if doc_type == DocType.KALLELSE:
        return []
    out = _Collector()
    political = _political([b.text for b in doc.blocks[:80]])
    label: _Label | None = None
    signatures = False  # after "Underskrifter" / "Vid anteckningarna": names are signatures
    for b in doc.blocks:
        if b.furniture:
            continue
        if b.kind == "table" and b.rows:
            if not signatures:
                _table(b, out, political)
            label = None
            continue
        if b.kind == "heading":
            label = None
            lab = classify_label(b.text)
            signatures = bool(lab and lab.kind == "stop")
            if lab and lab.kind != "stop":
                label = lab
            continue
        text = b.text.strip()
        split = split_label(text, 45)
        lab = classify_label(split[0]) if split else (classify_label(text) if len(text) <= 60 else None)
        if lab is not None:
            label = None if lab.kind == "stop" else lab
            signatures = lab.kind == "stop"
            if lab.kind != "stop" and split and split[1].strip():
                _running(split[1], lab, b, out, political)
            continue
        if label is not None:
            found = parse_person(text, political=political)
            if found and len(text) < 160:
                if label.kind == "role" and out.add_role(found[0].name, label.role or ""):
                    continue
                out.add(found, label, b, text, "sv.attendee.label_lines")
                continue
            if "," in text and len(text) < 600 and _running(text, label, b, out, political, strict=True):
                continue
            label = None
    return out.people


def _running(value: str, label: _Label, block: Block, out: _Collector, political: bool,
             strict: bool = False) -> bool:
    """"Anna Svensson (AS, ordf.), Peter Ek (PE), Region X" -> people, with roles attached."""
    v = vocab()
    parts = _split_outside_parens(value)
    found_any = False
    last: Attendee | None = None
    for part in parts:
        people = parse_person(part, political=political)
        if people:
            if label.kind == "role" and out.add_role(people[0].name, label.role or ""):
                continue
            out.add(people, label, block, value, "sv.attendee.running_text")
            last = people[0] if out.by_key.get(" ".join(fold(people[0].name).split())) is people[0] else \
                out.by_key.get(" ".join(fold(people[0].name).split()))
            found_any = True
            continue
        if last is None:
            if strict:
                return False
            continue
        role = v.role(part.strip(" .")) or v.role(part.split()[0]) if part.split() else None
        if role and not last.role:
            last.role = role
            last.attended = last.attended or _attended(part)  # "ekonomichef §§ 13–14"
        elif v.find_orgs(part) and not last.organisation:
            last.organisation = v.normalise_org(part)
    return found_any


def _table(b: Block, out: _Collector, political: bool) -> None:
    rows = b.rows or []
    header = _column_header(rows[0]) if rows else None
    if header:
        _header_table(rows[1:], header, b, out, political)
        return
    label: _Label | None = None
    for row in rows:
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        lab = (classify_label(cells[0]) or classify_label(cells[0].split("\n")[0])) if cells[0] else None
        if lab is None and cells[0] and ":" in cells[0]:
            head, _, rest = cells[0].partition(":")
            lab = classify_label(head)
            if lab is not None and rest.strip():
                cells = [head, rest.strip()] + cells[1:]
        if lab is not None:
            label = None if lab.kind == "stop" else lab
            body = cells[1:]
        elif cells[0] and label is not None and not classify_label(cells[0]):
            body = cells  # a person row without a label cell, under the last label
            if not parse_person(cells[0].split("\n")[0], political=political):
                if cells[0] and len(cells) > 1 and not any(cells[1:]):
                    label = None
                    continue
                body = cells
        elif not cells[0]:
            body = cells[1:]
        else:
            label = None
            continue
        if label is None:
            continue
        _label_row(body, label, b, out, political)


def _label_row(cells: list[str], label: _Label, b: Block, out: _Collector, political: bool) -> None:
    cells = [c for c in cells if c.strip()]
    if not cells:
        return
    names = [ln.strip() for ln in cells[0].split("\n") if sum(c.isalpha() for c in ln) >= 3]  # not specks
    orgs_col = [ln.strip() for ln in cells[1].split("\n") if ln.strip()] if len(cells) > 1 else []
    if len(names) == 1 and "," in names[0] and len(PERSON_NAME.findall(names[0])) >= 2 \
            and not orgs_col:
        _running(names[0], label, b, out, political)
        return
    for i, line in enumerate(names):
        org = orgs_col[i] if len(orgs_col) == len(names) else (orgs_col[0] if len(orgs_col) == 1 and
                                                               len(names) == 1 else None)
        found = parse_person(line, organisation=org, political=political)
        if not found:
            continue
        if label.kind == "role" and out.add_role(found[0].name, label.role or ""):
            continue
        src = line + (f" | {org}" if org else "")
        rule = "sv.attendee.table_multiline" if len(names) > 1 else "sv.attendee.table_row"
        out.add(found, label, b, src, rule)


def _column_header(row: list[str]) -> dict[str, int] | None:
    """Columns of a header row (Namn | Organisation | Närvarande): name, organisation, role, present, absent."""
    headers = vocab().column_headers
    cols: dict[str, int] = {}
    for i, k in enumerate(label_key(c) for c in row):
        for column, words, starts in headers:
            if k in words or k.startswith(starts):
                cols.setdefault(column, i)
                break
    if "name" in cols and len(cols) >= 2:
        return cols
    return None


def _header_table(rows: list[list[str]], cols: dict[str, int], b: Block, out: _Collector, political: bool) -> None:
    v = vocab()
    for row in rows:
        def cell(key: str) -> str:
            i = cols.get(key)
            return row[i].strip() if i is not None and i < len(row) else ""
        found = parse_person(cell("name"), organisation=cell("organisation") or None, political=political)
        if not found:
            continue
        status = AttendeeStatus.PRESENT
        if "present" in cols or "absent" in cols:
            present_mark = fold(cell("present")) in v.attended_marks if "present" in cols else None
            absent_mark = fold(cell("absent")) in v.attended_marks if "absent" in cols else None
            if absent_mark or present_mark is False and "absent" not in cols or \
                    fold(cell("present")) in v.not_attended_marks:
                status = AttendeeStatus.ABSENT
        role = v.role(cell("role")) if cell("role") else None
        out.add(found, _Label("status", status.value, role or (cell("role") or None)), b, " | ".join(row),
                "sv.attendee.header_table")
