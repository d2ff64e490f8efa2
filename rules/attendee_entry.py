"""One attendee entry read: a label cell's meaning, and a person's name, party, role, organisation,
status and the part of the meeting they attended, from one line or cell of an attendee list."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from minutes.core.enums import AttendeeStatus
from minutes.core.records import Attendee
from minutes.text import fold, squash

from .attendee_lists import entry_status, is_prose, split_outside_parens
from .lexicon import pattern
from .names import names
from .text import initials_of
from .vocab import label_keys, vocab

_PAREN = re.compile(r"\(([^()]*)\)")
_TIME_SPAN = re.compile(r"(?<![\d§])(\d{1,2})[.:]?(\d{2})\s*[-–—]\s*(\d{1,2})[.:]?(\d{2})(?!\d)")
_CODE = pattern(r"^[{UPPER}]{1,4}$")
_PARTY_AFTER = pattern(r"\s*\(([{UPPER}]{1,4})\)")
_SHORT_CODE = pattern(r"\(([{UPPER}]{1,3})\)")


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
        head = _qualified_head(key)
        if head is not None:
            return classify_label(head)
        words = key.split()
        if 2 <= len(words) <= 3 and words[0] in {fold(w) for w in v.people.adjunct_label_prefixes}:
            return _Label("status", AttendeeStatus.ADJUNCT.value)  # "Från kansliet"
    return None


def _qualified_head(key: str) -> str | None:
    """The label a qualified label names: "kommunernas ledamoter" -> "ledamoter", "fran X ledamoter" too."""
    v, words = vocab(), key.split()
    qualifiers = {fold(w) for w in v.people.label_qualifiers}
    prepositions = {fold(w) for w in v.people.label_prepositions}
    compounds = tuple(fold(w) for w in v.people.label_compound_heads)
    if words and len(words) <= 4 and words[-1].endswith(compounds) and words[-1] not in compounds:
        tail = next(c for c in compounds if words[-1].endswith(c))  # "styrelseledamoter" -> "ledamoter"
        words = words[:-1] + [tail]
        if " ".join(words) in v.status_of or " ".join(words) in v.role_label:
            return " ".join(words)
    for i in range(1, min(len(words), 4)):
        head = " ".join(words[i:])
        if head not in v.status_of and head not in v.role_label:
            continue
        ok = all(w in qualifiers or len(w) > 3 and w.endswith("s") or j > 0 and words[j - 1] in prepositions
                 or w in prepositions for j, w in enumerate(words[:i]))
        if ok:
            return head
    return None


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
    text = squash(text.replace("\t", " ").replace(" | ", ", "))  # "Nordin Eva | S | ordförande": a table row
    text = re.sub(r"^[•\-–*]\s*", "", text)
    found = names().leading(text)
    if found is None or found.start > 0:
        return []
    name = found.text
    if fold(name.split()[0]) in v.not_first_names or any(s < len(name) for s, _, _ in v.find_orgs(text)):
        return []  # "Region Kalmar län" is an organisation, not a person
    person = Attendee(name=name, status=AttendeeStatus.PRESENT.value)
    rest, replaced = _substitute(person, text[found.end:])
    status, rest = entry_status(rest)
    if status is None and not replaced and is_prose(rest):
        return []  # "Anna Berg hälsade alla välkomna …": a sentence about a person, not an attendee
    if status and status != AttendeeStatus.PRESENT and person.status == AttendeeStatus.PRESENT:
        person.status = status
    for pm in _PAREN.finditer(rest):
        _codes(person, pm.group(1), political)
    _rest(person, _PAREN.sub(" ", rest), political)
    if organisation and organisation.strip():
        person.organisation = v.normalise_org(organisation)
    return [person] + replaced


@lru_cache(maxsize=1)
def _substitute_markers() -> list[tuple[re.Pattern, str | None]]:
    """people.yaml `substitute_for`: each marker ("ersättare för") as a pattern, with the role it gives."""
    return [(re.compile(rf"(?<!\w){re.escape(marker)}\s+", re.I), role)
            for marker, role in vocab().people.substitute_for.items()]


def _substitute(person: Attendee, rest: str) -> tuple[str, list[Attendee]]:
    """"tjänstgörande ersättare för Lars Holm (KD)": the person substitutes, Lars is absent.
    Returns the text before the marker and the people replaced."""
    v = vocab()
    for marker, role in _substitute_markers():
        mm = marker.search(rest)
        who = names().leading(rest[mm.end():]) if mm else None
        if mm and who is not None and who.start == 0:
            person.status = AttendeeStatus.SUBSTITUTE.value
            replaced = Attendee(name=who.text, status=AttendeeStatus.ABSENT.value)
            pm = _PARTY_AFTER.match(rest[mm.end() + who.end:])
            if pm and pm.group(1) in v.parties:
                replaced.party = pm.group(1)
            # the replaced member as written: the remarks around ("från § 46") are the substitute's
            replaced.source = rest[mm.end():mm.end() + who.end + (pm.end() if pm else 0)].strip()
            if role:
                person.role = role
            return rest[:mm.start()], [replaced]
    return rest, []


def _codes(person: Attendee, inner: str, political: bool) -> None:
    """What a parenthesis after a name says: initials, party, role, agenda items, times, organisation."""
    v = vocab()
    initials = initials_of(person.name)
    for part in [p.strip() for p in inner.strip().split(",") if p.strip()]:
        if not part.isupper() and part.isalpha() and len(part) <= 3 and part.upper() in v.parties:
            person.party = person.party or part.upper()  # "(s)", "(kd)", "(Fp)": party letters as older lists write them
        elif _CODE.match(part):
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
    for part in split_outside_parens(rest):
        part = part.strip(" .,;:–-")
        if not part:
            continue
        if fold(part) in {fold(t) for t in v.people.academic_titles}:
            continue  # "Ph.D", "fil. dr": a degree, not an organisation
        words = part.split()
        role = v.role(part) or v.role(words[0]) or \
            (part.lower() if 1 < len(words) <= 3 and (v.role(words[-1]) or fold(words[-1]) in v.role_suffixes)
             else None)  # "Teknisk chef", "politisk sekreterare"
        if role and not person.role:
            person.role = role
            tail = part.split(None, 1)[1] if not v.role(part) and len(part.split()) > 1 else ""
            if tail[:1].isupper() and not person.organisation:
                person.organisation = v.normalise_org(tail)  # "utredare Kalix kommun", "kommunchef Borås"
            continue
        initials = initials_of(person.name)
        if _CODE.match(part) and part in v.parties and (political or part not in (initials, initials[:2])):
            person.party = person.party or part  # "Tommy Frisk, SD": party letters after a comma
            continue
        if not person.organisation and not role:
            person.organisation = v.normalise_org(part)


def _political(texts: list[str]) -> bool:
    """Whether the codes in parentheses of a list are mostly party letters."""
    v = vocab()
    codes = [c for t in texts for c in _SHORT_CODE.findall(t)]
    return bool(codes) and sum(c in v.parties for c in codes) / len(codes) > 0.6 and \
        sum(len(c) == 1 for c in codes) > 0


