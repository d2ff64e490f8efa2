"""Vocabularies from rules/sv/: labels, roles, parties, organisations. Validated on load."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from minutes.core.enums import AttendeeStatus
from minutes.text import fold, fold_same_length, squash

from .lexicon import lexicon, pattern
from .loader import RuleDataError, built_once, load_model
from .schema import MeetingFile, OrganisationsFile, PeopleFile
from .regex import alternation, word_starts

_GAP = re.compile(r"[\s'`´:;|\"]+")
_REMARK = re.compile(r"\([^)]*\)\s*$")  # a label's remark: "(ledamöter)"
_ROLE_WORD = pattern(r"[{LOWER}{ACCENTED}-]{4,}")
# Words sharing the end of the last one: "hälso- och sjukvårdsdirektören", "vård-, omsorgs- och hälsochef".
_SUSPENDED = pattern(r"^((?:[{LOWER}{ACCENTED}]+-,?\s+)+{AND}\s+)([{LOWER}{ACCENTED}-]{4,})$")


def label_key(text: str) -> str:
    """Folded label text without trailing colon, asterisks, or a parenthesised remark."""
    return _label_key(text[:300])  # no label is this long: spare folding (and caching) a whole paragraph


@lru_cache(maxsize=8192)
def _label_key(text: str) -> str:
    t = fold(text).replace("*", " ")
    if "(" in t:
        t = _REMARK.sub(" ", t)
    return squash(t).strip(" \"'`´.,:;|«»!").strip()  # stray marks around a label (OCR) do not count


def split_label(text: str, longest: int) -> tuple[str, str] | None:
    """"Plats: Kommunhuset" -> ("Plats", "Kommunhuset"): the words before the first colon or tab
    (2 to `longest` characters; longer ones are a sentence, not a label) and the text after it."""
    head = text[:longest + 1]  # only the start is looked at: most blocks are long and hold no label
    cut = min((i for i in (head.find(":"), head.find("\t")) if i >= 0), default=-1)
    if not 2 <= cut <= longest:
        return None
    return text[:cut], text[cut + 1:].lstrip()


def label_keys(cell: str) -> list[str]:
    """Keys for a label cell whose text may wrap: "Övriga\nnärvarande", "Sammanträdesda\ntum"."""
    keys = [label_key(cell.replace("\n", " "))]
    if "\n" in cell:
        keys.append(label_key(cell.replace("-\n", "").replace("\n", "")))
    for k in list(keys):  # a table rule read by OCR as a letter: "I Plats"
        if re.match(r"^[il1|!] \S", k):
            keys.append(k[2:])
    return keys


@dataclass
class Org:
    name: str
    kind: str  # region | healthcare_region | municipality
    healthcare_region: str | None = None


class Vocab:
    """The people, organisation and meeting vocabularies (people.yaml, organisations.yaml, meeting.yaml)."""

    def __init__(self) -> None:
        self.people = p = load_model("people", PeopleFile)
        self.orgs = load_model("organisations", OrganisationsFile)
        self.meeting = load_model("meeting", MeetingFile)
        self.status_of: dict[str, tuple[str, str | None]] = {}
        for status, labels in p.status_labels.items():
            for lab in labels:
                self.status_of[label_key(lab)] = (status, None)
        for lab, role in p.nonvoting_labels.items():
            self.status_of[label_key(lab)] = (AttendeeStatus.ADJUNCT.value, role)
        self.role_label: dict[str, str] = {label_key(k): v for k, v in p.role_labels.items()}
        self.stop_labels = {label_key(x) for x in p.stop_labels}
        self.role_of: dict[str, str] = {}
        for canon, forms in p.roles.items():
            for f in forms + [canon]:
                self.role_of[fold(f).rstrip(".")] = canon
        self.parties = lexicon().parties
        self.role_suffixes = tuple(sorted((fold(x) for x in p.role_suffixes), key=len, reverse=True))
        self.role_endings = ("", *(fold(e) for e in p.role_endings))
        self.groups = {fold(g) for g in p.groups}
        self.group_endings = tuple(fold(e) for e in p.group_endings)
        self.not_first_names = {fold(w) for w in p.not_first_names}
        self.group_acronyms = set(p.group_acronyms)
        # (column, header words, header beginnings), in the order a header cell is tried
        self.column_headers = [(column, frozenset(label_key(w) for w in header.words),
                                tuple(fold(w) for w in header.starts))
                               for column, header in p.column_headers]
        self.chair_words = frozenset(fold(w) for w in p.chair_words)
        self.attended_marks = frozenset(fold(m) for m in p.marks.attended)
        self.not_attended_marks = frozenset(fold(m) for m in p.marks.not_attended)
        self._organisations()

    def _organisations(self) -> None:
        self._org_aliases: list[tuple[str, Org]] = []
        self._org_abbr: dict[str, Org] = {}
        for r in self.orgs.regions:
            org = Org(r.name, "region", r.healthcare_region)
            for a in r.aliases + [r.name]:
                self._org_aliases.append((fold(a), org))
            for a in r.abbreviations:
                self._org_abbr[a] = org
        for h in self.orgs.healthcare_regions:
            org = Org(h.name, "healthcare_region")
            for a in h.aliases + [h.name]:
                self._org_aliases.append((fold(a), org))
            for a in h.abbreviations:
                self._org_abbr[a] = org
        self._org_aliases.sort(key=lambda x: len(x[0]), reverse=True)
        # words of a name may be parted by stray marks as well as spaces ("Region':Kalmar län" from OCR)
        # Both are searched with `word_starts`, which stands for a leading \b (see there).
        for name in [a for a, _ in self._org_aliases] + list(self._org_abbr):
            if not name[:1].isalnum():
                raise RuleDataError(f"rules/sv/organisations.yaml: {name!r} must start with a letter or digit.")
        alias_rx = alternation((a for a, _ in self._org_aliases), space=_GAP.pattern)
        self._alias_re = re.compile(rf"({alias_rx})\b")
        self._abbr_re = re.compile(rf"({alternation(self._org_abbr)})(?!\w)")
        shapes = (("municipality_patterns", self.orgs.municipality_patterns),
                  ("city_patterns", self.orgs.city_patterns))
        for key, patterns in shapes:
            for i, sp in enumerate(patterns):
                if not sp.words:
                    raise RuleDataError(f"rules/sv/organisations.yaml: {key}[{i}].words is empty; "
                                        "list the words every match holds.")
        # (pattern, words one of which the folded text must hold, the suffix of the name it gives)
        self._shape_res = [(sp.pattern, tuple(fold(w) for w in sp.words), sp.suffix)
                           for _, patterns in shapes for sp in patterns]
        self.org_by_name = {o.name: o for _, o in self._org_aliases}
        self._org_by_alias = dict(self._org_aliases)

    # organisations --------------------------------------------------------------
    def find_orgs(self, text: str) -> list[tuple[int, int, Org]]:
        """Regions, healthcare regions and municipalities named in `text`, with their spans."""
        out: list[tuple[int, int, Org]] = []
        folded = fold_same_length(text)  # one character for one: offsets stay
        by_alias = self._org_by_alias
        for m in word_starts(self._alias_re, folded):
            out.append((m.start(), m.end(), by_alias[_GAP.sub(" ", m.group(1))]))
        for m in word_starts(self._abbr_re, text):
            out.append((m.start(), m.end(), self._org_abbr[m.group(1)]))
        for rx, needs, suffix in self._shape_res:
            if any(w in folded for w in needs):
                for m in rx.finditer(text):
                    out.append((m.start(), m.end(), Org(f"{m.group('name')} {suffix}", "municipality")))
        out.sort(key=lambda x: (x[0], -(x[1] - x[0])))
        kept: list[tuple[int, int, Org]] = []
        for item in out:
            if kept and item[0] < kept[-1][1]:
                continue
            kept.append(item)
        return kept

    def normalise_org(self, text: str | None) -> str | None:
        """'RÖ' -> 'Region Östergötland'; 'US, Region Östergötland' -> 'Region Östergötland'; else as written."""
        if not text or not text.strip():
            return None
        text = squash(text).strip(" ,;")
        found = self.find_orgs(text)
        if found:
            return found[-1][2].name if found[-1][2].kind != "municipality" else found[-1][2].name
        return text

    # roles and parties ----------------------------------------------------------
    def role(self, text: str) -> str | None:
        """Canonical role for a role word as written ('ordf.' -> 'ordförande'), or None. Words that share
        the end of the last ('hälso- och sjukvårdsdirektören') are a role when the last word is one."""
        shared = _SUSPENDED.match(text.strip(" .,:;()").lower())
        if shared:
            words, last = shared.groups()
            role = self.role(last)
            if not role:
                return None
            # the last word without its ending ("sjukvårdsdirektör"); as written when its role is another
            # word ("utbildningschef", whose role is "skolchef"): the words before it name that one
            return words + (role if fold(last).startswith(fold(role)) else last)
        key = fold(text).strip(" .,:;()")
        if key in self.role_of:
            return self.role_of[key]
        for n in (len(key) - 1, len(key) - 2):  # a typo'd or run-on form: "processtödj", "ordf.1"
            if n >= 4 and key[:n] in self.role_of:
                return self.role_of[key[:n]]
        word = text.strip(" .,:;()").lower()
        if _ROLE_WORD.fullmatch(word):  # "miljöchef", "miljöchefen", "kvalitetsstrategen"
            for suffix in self.role_suffixes:
                for ending in self.role_endings:
                    if key.endswith(suffix + ending) and len(key) > len(suffix) + len(ending):
                        return word[:len(word) - len(ending)] if ending else word
        return None

    def is_group(self, text: str) -> bool:
        f = fold(text).strip(" .,")
        first = f.split(" ")[0] if f else ""
        return f in self.groups or first in self.groups or text.strip().split(" ")[0] in self.group_acronyms \
            or f.endswith(self.group_endings)


@built_once
def vocab() -> Vocab:
    return Vocab()
