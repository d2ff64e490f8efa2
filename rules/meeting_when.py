"""When a meeting was held: its date in a phrase ("Tisdagen den 11 december", "2007-04-10-11",
"4–5 oktober 2012") and its clock times ("kl 9-12", "13.15 till 15.00", "lunch 12-13, möte 13-17").

A date without a year takes it from the document (`year_refs`: its other dates and its diarienummer
such as "LS 9/2012"), choosing the year whose calendar gives the weekday written with the date.
Dates and times beside the anslag, the justering, a print date or other meetings are not the
meeting's; nor are the times of a lunch, a coffee break or an adjournment. The words are in
rules/sv/meeting.yaml.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from minutes.text import fold_same_length

from .lexicon import lexicon, pattern
from .loader import where
from .regex import alternation, fold_regex
from .vocab import vocab

NEXT_LABEL = pattern(r"\s[{UPPER}][\w ]{2,30}:\s")  # the next label of a flattened header: " Beslutande: "
_PAREN = re.compile(r"\([^)]*\)")
_DIGIT = re.compile(r"\d")
_CLAUSE_BREAK = pattern(r"[,;\n]|\.\s+(?=[{UPPER}])")  # not the full stop of "kl. 14.30"


@dataclass
class Found:
    """A date in a phrase: the date (None when its year cannot be told) and where it stands."""

    date: dt.date | None
    start: int
    end: int


class _Patterns:
    """The date, year and break patterns of meeting.yaml, compiled once for folded text."""

    def __init__(self) -> None:
        m = vocab().meeting
        lex = lexicon()
        source = where("meeting")
        self.written = lex.compile(fold_regex(m.date_written), f"{source}: date_written", folded=True)
        self.iso = re.compile(m.date_iso)
        self.numeric = lex.compile(fold_regex(m.date_numeric), f"{source}: date_numeric", folded=True)
        self.year_refs = m.year_refs
        self.not_meeting = lex.compile(r"\b(?:{W})", f"{source}: not_meeting_words", folded=True,
                                       words={"W": m.not_meeting_words})
        self.breaks = lex.compile(r"\b(?:{W})", f"{source}: break_words", folded=True, words={"W": m.break_words})
        self.weekday_of = {fold_same_length(w): n for n, names in lex.data.weekdays.items() for w in names}
        self.month_of = lex.month_of
        self.time_range, self.time_one = m.time_range, m.time_one
        range_alone = m.time_range.pattern.removeprefix("(?i)")
        self.second_sitting = lex.compile(r"\s*,?\s*(?:{W})\s+" + range_alone, f"{source}: time_joiners", re.I,
                                          words={"W": m.time_joiners})


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    return _Patterns()


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def resolve_year(day: int, month: int, weekday: int | None, years: list[int]) -> dt.date | None:
    """The date of `day` `month` in the first of `years` (most trusted first) whose calendar gives
    `weekday` (ISO, Monday 1), then in the year after or before one of them; None when none does."""
    if not years:
        return None
    if weekday is None:
        return _make(years[0], month, day)
    for offsets in ((0,), (1, -1)):
        for y in years:
            for off in offsets:
                d = _make(y + off, month, day)
                if d and d.isoweekday() == weekday:
                    return d
    return None


def dates_in(text: str, years: list[int] = ()) -> list[Found]:
    """Every date in `text` in reading order, ISO or written out; a meeting over two days gives its first."""
    if not _DIGIT.search(text):  # every date pattern reads its day in digits
        return []
    p = _patterns()
    folded = fold_same_length(text)
    found: list[Found] = []
    for m in p.iso.finditer(folded):
        found.append(Found(_make(int(m["year"]), int(m["month"]), int(m["day"])), m.start(), m.end()))
    for rx in (p.numeric, p.written):
        for m in rx.finditer(folded):
            if any(f.start < m.end() and m.start() < f.end for f in found):
                continue
            month = p.month_of[m["month"]] if rx is p.written else int(m["month"] or m["month2"])
            year = m["year"] or m.groupdict().get("year2")
            if year:
                date = _make(int(year), month, int(m["day"]))
            else:
                weekday = p.weekday_of.get(m["weekday"]) if m["weekday"] else None
                date = resolve_year(int(m["day"]), month, weekday, list(years)) if 1 <= month <= 12 else None
            found.append(Found(date, m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def names_other_day(text: str) -> bool:
    """Whether `text` speaks of another day than the meeting: the anslag, the justering, other meetings."""
    return bool(_patterns().not_meeting.search(fold_same_length(text)))


def _of_other_day(text: str, folded: str, start: int, end: int) -> bool:
    """Whether the words from the line's start to the end of its clause put a date or time at
    start..end on another day: "Justeringens plats och tid: Kansliet, 2022-10-20", "från 2024-04-09
    godkändes" (but not the first date of "Datum: 2015-03-10, nästa möte 2015-04-14")."""
    line_start = text.rfind("\n", 0, start) + 1
    after = _CLAUSE_BREAK.search(text, end)
    return bool(_patterns().not_meeting.search(folded, line_start, after.start() if after else len(text)))


def dated(text: str, years: list[int] = ()) -> Found | None:
    """The meeting date a label's value, title or header line gives: its first date not of another day."""
    folded = fold_same_length(text)
    return next((f for f in dates_in(text, years) if f.date and not _of_other_day(text, folded, f.start, f.end)),
                None)


def meeting_date_in(text: str, years: list[int] = ()) -> dt.date | None:
    """`dated`, the date alone."""
    found = dated(text, years)
    return found.date if found else None


def starts_with_break(text: str) -> bool:
    """Whether `text` is about a break or a meal ("Lunch 12.00–13.00 på Sjökrogen", "Ajournering …")."""
    return bool(_patterns().breaks.match(fold_same_length(text).strip()))


def year_refs(text: str) -> list[int]:
    """The years a document states, most often first: in its dates and its diarienummer."""
    counts: Counter = Counter()
    for f in dates_in(text):
        if f.date:
            counts[f.date.year] += 1
    for m in _patterns().year_refs.finditer(text):
        counts[int(m["year"] or m["year2"])] += 1
    return [y for y, _ in counts.most_common()]


def parse_time(t: str) -> str | None:
    """'0930' / '9.30' / '09:30' / '10' -> '09:30' / '10:00'; None when not a time of day."""
    t = t.strip()
    if re.fullmatch(r"\d{4}", t):
        h, m = int(t[:2]), int(t[2:])
    elif re.fullmatch(r"\d{1,2}[.:]\d{2}", t):
        h, m = (int(x) for x in re.split(r"[.:]", t))
    elif re.fullmatch(r"\d{1,2}", t):
        h, m = int(t), 0
    else:
        return None
    return f"{h:02d}:{m:02d}" if 0 <= h <= 23 and 0 <= m <= 59 else None


def _a_break(text: str, folded: str, start: int) -> bool:
    """Whether a time at `start` is in a clause about a break or a meal ("lunch 12-13, möte 13-17")."""
    clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    return bool(_patterns().breaks.search(folded, clause_start, start))


def find_times(text: str, labelled: bool) -> tuple[str | None, str | None]:
    """Start and end time in `text`; without a time label, only 'kl.'-marked or dotted times count.
    A break's, a meal's or another day's times are skipped."""
    return time_span(text, labelled)[:2]


def time_span(text: str, labelled: bool) -> tuple[str | None, str | None, int]:
    """`find_times`, and where in `text` the time ends (-1: no time)."""
    text = _PAREN.sub(lambda m: " " * len(m.group()), text)  # "(fika ca 14.30)", offsets kept
    p = _patterns()
    folded = fold_same_length(text)
    days = [(f.start, f.end) for f in dates_in(text)]

    def usable(m: re.Match) -> bool:
        return not _a_break(text, folded, m.start()) and not any(s < m.end() and m.start() < e for s, e in days) \
            and not _of_other_day(text, folded, m.start(), m.end())

    for m in p.time_range.finditer(text):
        if not usable(m) or (not labelled and not m.group(1) and not (":" in m.group(2) or "." in m.group(2))):
            continue
        a, b = parse_time(m.group(2)), parse_time(m.group(3))
        if a and b and a < b:
            second = p.second_sitting.match(text, m.end())
            if second and parse_time(second.group(3)) and parse_time(second.group(3)) > b:
                return a, parse_time(second.group(3)), second.end()
            return a, b, m.end()
    for m in p.time_one.finditer(text):
        if usable(m) and parse_time(m.group(1)):
            return parse_time(m.group(1)), None, m.end()
    if labelled:
        for m in re.finditer(r"(?<![\d-])(\d{1,2}[.:]\d{2})(?![\d-])", text):
            if usable(m) and parse_time(m.group(1)):
                return parse_time(m.group(1)), None, m.end()
    return None, None, -1


@lru_cache(maxsize=1)
def _lead_words() -> re.Pattern:
    return re.compile(rf"^(?:{alternation(vocab().meeting.place_lead_words)})\s+", re.I)


def place_after(line: str, end: int) -> str | None:
    """The place a meeting line names after its date and time: "Onsdag 6 maj, kl. 10.00–15.00,
    Turistbyråns konferensrum, Hamngatan 1" -> "Turistbyråns konferensrum, Hamngatan 1"."""
    rest = line[end:].split("\n", 1)[0].strip(" ,;:–-")
    rest = _lead_words().sub("", rest).strip().rstrip(".").strip()
    if not rest or len(rest) > 90 or ". " in rest or not rest[0].isupper():
        return None
    return rest
