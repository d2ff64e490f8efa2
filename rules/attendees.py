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

from minutes.core.document import Block, Document
from minutes.core.enums import AttendeeStatus, DocType
from minutes.core.records import Attendee
from minutes.text import fold, squash

from .attendee_entry import _attended, _Label, _political, classify_label, parse_person
from .attendee_grids import column_header, header_table
from .attendee_lists import cut_at_names, is_list, join_wrapped, merge_markers, semicolons, split_outside_parens
from .vocab import split_label, vocab

__all__ = ["classify_label", "find_attendees", "parse_person"]
_column_header = column_header  # the name tests and examples use


def _key(name: str) -> str:
    return " ".join(fold(name).split())


def _give_role(person: Attendee, role: str | None) -> None:
    """The first role read is the main one; another is kept in `roles` (ordförande and justerare)."""
    if role and not person.role:
        person.role = role
    elif role and role not in person.roles:
        person.roles.append(role)


class _Collector:
    """The people found so far, one per name; a later mention fills in what an earlier one lacked."""

    def __init__(self) -> None:
        self.people: list[Attendee] = []
        self.by_key: dict[str, Attendee] = {}
        self.weak: set[str] = set()  # named only by a role label ("Sekreterare  Eva Ek"): a status label decides

    def add(self, found: list[Attendee], label: _Label, block: Block, source: str, rule: str) -> Attendee:
        """Add a person (and anyone they replace); returns the person as kept."""
        kept = []
        for i, a in enumerate(found):
            if i == 0:
                if label.status and a.status == AttendeeStatus.PRESENT:  # the entry's own words win
                    a.status = label.status
                if label.role and not a.role:
                    a.role = label.role
            a.page, a.rule, a.source = block.page, rule, squash(a.source if i and a.source else source)[:300]
            key = _key(a.name)
            if key in self.by_key and self.by_key[key].organisation and a.organisation and \
                    fold(self.by_key[key].organisation) != fold(a.organisation):
                key = f"{key} | {fold(a.organisation)}"  # two people of one name: "Roland Karlsson (Fyrbodal)", "(Sjuhärad)"
            if key in self.by_key:
                old = self.by_key[key]
                if key in self.weak and label.kind == "status" and i == 0:
                    old.status = a.status
                    self.weak.discard(key)
                for f in ("initials", "organisation", "party", "attended"):
                    if getattr(old, f) is None and getattr(a, f) is not None:
                        setattr(old, f, getattr(a, f))
                _give_role(old, a.role)
                kept.append(old)
                continue
            if label.kind == "role" and i == 0:
                self.weak.add(key)
            self.by_key[key] = a
            self.people.append(a)
            kept.append(a)
        return kept[0]

    def add_role(self, name: str, role: str) -> bool:
        """A role-holder named again ("Justerare  Eva Ek"): the role is added to the person's roles."""
        key = _key(name)
        if key in self.by_key:
            _give_role(self.by_key[key], role)
            return True
        return False

    def finish(self) -> list[Attendee]:
        """The people, each with `roles` holding every role read, the main one (`role`) first."""
        for a in self.people:
            a.roles = list(dict.fromkeys(r for r in [a.role, *a.roles] if r))
        return self.people


    def entry(self, found: list[Attendee], label: _Label, block: Block, source: str, rule: str) -> None:
        if label.kind == "role" and self.add_role(found[0].name, label.role or ""):
            return
        self.add(found, label, block, source, rule)


def find_attendees(doc: Document, doc_type: str | None = None) -> list[Attendee]:
    """All attendees listed in the document."""
    if doc_type == DocType.KALLELSE:
        return []
    out = _Collector()
    political = _political([b.text for b in doc.blocks[:80]])
    label: _Label | None = None
    carry: _Label | None = None  # the last table's label, for its continuation on the next page
    signatures, page = False, None  # after "Underskrifter" / "Vid anteckningarna": names are signatures
    for b in doc.blocks:
        if b.furniture:
            continue
        if b.page != page:
            signatures, page = False, b.page  # a signature block ends with its page
        if b.kind == "table" and b.rows:
            if not signatures:
                carry = _table(b, out, political, carry)
            label = None
            continue
        if b.kind == "heading":
            label, carry = None, None
            lab = classify_label(b.text)
            signatures = bool(lab and lab.kind == "stop")
            if lab and lab.kind != "stop":
                label = lab
            continue
        if len(b.text) > 200:
            carry = None
        for text in label_segments(b.text.strip()):
            label, signatures = _paragraph(text, label, signatures, b, out, political)
    if not out.people:
        _prose_roles(doc, out)
    return out.finish()


def _prose_roles(doc: Document, out: _Collector) -> None:
    """With no attendee list, the chair and secretary named beside their role in a sentence are present:
    "Ordföranden, Eva Ek (S), hälsar välkommen …", "Bo Lind, sekreterare, föredrar …"."""
    v = vocab()
    wanted = {fold(r) for r in v.people.prose_roles}
    for b in doc.blocks:
        if b.furniture or b.kind not in ("paragraph", "list_item"):
            continue
        parts = b.text.strip().split(",")
        if len(parts) < 3:
            continue  # the role and the name both stand between commas
        first, second = parts[0].strip(), parts[1].strip()
        role = v.role(first) if " " not in first else None
        who = parse_person(second, political=True) if role else parse_person(first, political=True)
        role = role or v.role(second)
        if who and role and fold(role) in wanted:
            out.add(who[:1], _Label("role", AttendeeStatus.PRESENT.value, role), b, b.text[:200],
                    "sv.attendee.prose_role")


def _paragraph(text: str, label: _Label | None, signatures: bool, b: Block, out: _Collector,
               political: bool) -> tuple[_Label | None, bool]:
    """One paragraph (or one labelled part of it): a label with or without its list, or a line of the
    list under the label before. Returns the label in force after it, and whether signatures follow."""
    split = split_label(text, 45)
    lab = classify_label(split[0]) if split else (classify_label(text) if len(text) <= 60 else None)
    if lab is not None:
        if lab.kind != "stop" and split and split[1].strip():
            _lines(split[1], lab, b, out, political)
        return (None, True) if lab.kind == "stop" else (lab, False)
    if label is not None and not (len(text) < 1200 and _lines(text, label, b, out, political)):
        label = None
    return label, signatures


#: The most characters a label of one to four words before its colon is looked for in.
_LABEL_CHARS = 200


def label_segments(text: str) -> list[str]:
    """A paragraph cut before every attendee label inside it: a PDF may join "… kl 13:15-15" and
    "Ordförande: Eva Ek (S)" into one line. A label is the one to four words before a colon."""
    cuts = [0]
    for m in re.finditer(r":\s", text):
        start = max(cuts[-1], m.start() - _LABEL_CHARS)  # only this far back: linear in the text, not quadratic
        words = [w.start() + start for w in re.finditer(r"\S+", text[start:m.start()])]
        if words and start > cuts[-1] and not text[start - 1].isspace():
            words = words[1:]  # a word cut by the window
        for n in (4, 3, 2, 1):
            if len(words) < n or words[-n] <= cuts[-1]:
                continue
            lab = classify_label(text[words[-n]:m.start()])
            if lab is not None and text[words[-n]].isupper():
                cuts.append(words[-n])
                break
    return [text[a:b].strip() for a, b in zip(cuts, cuts[1:] + [len(text)]) if text[a:b].strip()]


def _lines(text: str, label: _Label, block: Block, out: _Collector, political: bool,
           organisations: list[str] | None = None) -> bool:
    """The people in a cell or paragraph under a label: one a line (lines wrapped by the layout joined),
    several a line separated by commas and "och", or run together with no separators. False when its
    first line holds no person (the list has ended)."""
    raw = [ln.strip() for ln in text.split("\n") if ln.strip()]
    aligned = organisations is not None and len(organisations) == len(raw) > 1  # a column of one org a line
    lines = [part for line in (raw if aligned else join_wrapped(text)) for part in semicolons(line)]
    if len(lines) == 1 and is_list(lines[0]) and not organisations:
        return _running(lines[0], label, block, out, political)
    found_any = False
    for i, line in enumerate(lines):
        org = organisations[i] if organisations and len(organisations) == len(lines) else \
            (organisations[0] if organisations and len(organisations) == 1 == len(lines) else None)
        if is_list(line):
            found_any = _running(line, label, block, out, political) or found_any
            continue
        pieces = cut_at_names(line)
        for n, piece in enumerate(pieces):
            extra = _attribute_or_org(org) if n == len(pieces) - 1 else (None, None)
            found = parse_person(piece + (f", {extra[0]}" if extra[0] else ""), organisation=extra[1],
                                 political=political)
            if not found:
                break
            src = line + (f" | {org}" if org else "")
            rule = "sv.attendee.table_multiline" if len(lines) > 1 else "sv.attendee.label_lines"
            out.entry(found, label, block, src, rule)
            found_any = True
        if not found_any:
            return False
    return found_any


def _attribute_or_org(cell: str | None) -> tuple[str | None, str | None]:
    """A second column beside a name: a role, status or paragraph remark ("tj ersättare", "§ 11") is read
    with the entry; anything else is the person's organisation."""
    if not cell:
        return None, None
    v = vocab()
    if v.role(cell) or v.role(cell.split()[0]) or cell.lstrip().startswith("§") or cell.split()[0].islower():
        return cell, None
    return None, cell


def _running(value: str, label: _Label, block: Block, out: _Collector, political: bool) -> bool:
    """"Anna Svensson (AS, ordf.), Peter Ek (PE), Region X" -> people, with roles attached."""
    v = vocab()
    found_any = False
    last: Attendee | None = None
    parts = [piece for part in merge_markers(split_outside_parens(value)) for piece in cut_at_names(part)]
    for part in parts:
        people = parse_person(part, political=political)
        if people:
            if label.kind == "role" and out.add_role(people[0].name, label.role or ""):
                continue
            last = out.add(people, label, block, value, "sv.attendee.running_text")
            found_any = True
            continue
        if last is None:
            continue
        role = (v.role(part.strip(" .")) or v.role(part.split()[0])) if part.split() else None
        if role and not last.role:
            last.role = role
            last.attended = last.attended or _attended(part)  # "ekonomichef §§ 13–14"
        elif not role and not last.organisation and part[:1].isalpha() and not _attended(part):
            last.organisation = v.normalise_org(part.strip(" ."))
    return found_any


def _table(b: Block, out: _Collector, political: bool, carry: _Label | None = None) -> _Label | None:
    """People in a label/value table; returns the label in force at its end. A table whose first row has
    an empty label cell continues the one before (`carry`), as on the page after a page break."""
    rows = b.rows or []
    header = column_header(rows[0]) if rows else None
    if header:
        header_table(rows, header, b, out, political)
        return None
    first = next((r for r in rows if any(c.strip() for c in r)), None)
    label: _Label | None = carry if first is not None and not first[0].strip() else None
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
        elif cells[0] and label is not None:
            body = cells  # a person row without a label cell, under the last label
            if not parse_person(cells[0].split("\n")[0], political=political):
                if len(cells) > 1 and not any(cells[1:]):
                    label = None
                    continue
        elif not cells[0]:
            body = cells[1:]
        else:
            label = None
            continue
        if label is None:
            continue
        _label_row(body, label, b, out, political)
    return label


def _label_row(cells: list[str], label: _Label, b: Block, out: _Collector, political: bool) -> None:
    cells = [c for c in cells if c.strip()]
    if not cells:
        return
    names_cell = "\n".join(ln for ln in cells[0].split("\n") if sum(c.isalpha() for c in ln) >= 3)  # not specks
    orgs_col = [ln.strip() for ln in cells[1].split("\n") if ln.strip()] if len(cells) > 1 else []
    _lines(names_cell, label, b, out, political, organisations=orgs_col or None)
