"""Find a deadline in Swedish text and resolve it to the last day it is due.

The shapes of a deadline ("senast 30/9", "innan midsommar", "v. 47", "Q4", "hösten 2024",
"till nästa möte") are named patterns in rules/sv/calendar.yaml, each resolved by one of the
small functions below (`RESOLVERS`, keyed by the shape's `resolver`); month names come from
rules/sv/lexicon.yaml. A date without a year is the first such date on or after the meeting date.
"""
from __future__ import annotations

import calendar as _cal
import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable

from dateutil.easter import easter

from minutes.core.enums import Precision, values
from minutes.text import fold, fold_same_length

from .lexicon import lexicon
from .loader import built_once, load_model, where
from .regex import fold_regex
from .schema_patterns import CalendarFile, DayRule, NamedDay, Resolver, Shape, Undated, Unit

_RANK = {p: i for i, p in enumerate(values(Precision))}


@dataclass
class Deadline:
    """A resolved deadline: the date (or None), the words it came from, and how precise it is."""

    date: dt.date | None
    text: str
    precision: str | None
    start: int = 0
    end: int = 0
    lead: bool = False  # introduced by a deadline word such as "senast" or "innan"
    shape: str = ""  # the id of the calendar shape that found it


@dataclass
class _When:
    """What a deadline is resolved against: the meeting date and the next meeting's date."""

    ref: dt.date | None
    next_meeting: dt.date | None


class _Calendar:
    """calendar.yaml, folded and compiled: its shapes in order, and the names they resolve."""

    def __init__(self) -> None:
        data = load_model("calendar", CalendarFile)
        self.data = data
        lex = lexicon()
        self.month_of, self.numbers, self.ordinals = lex.month_of, lex.numbers, lex.ordinals
        self.named_days = {fold(k): v for k, v in data.named_days.items()}
        self.seasons = {fold(k): v for k, v in data.seasons.items()}
        self.units = {fold(k): v for k, v in data.units.items()}
        self.no_day_month = frozenset(fold(w) for w in data.no_day_month)
        words = {"LEAD_WORDS": data.lead_words, "NAMED_DAYS": data.named_days, "SEASONS": data.seasons,
                 "UNITS": data.units, "NEXT_MEETING_WORDS": data.next_meeting_words,
                 "NO_DATE_WORDS": data.no_date_words}
        source = where("calendar")
        self.lead_re = self._compile(data.lead, f"{source}: lead", words)
        self.schedule_re = self._compile(r"\b(?:{SCHEDULE_WORDS})", f"{source}: schedule_words",
                                         {"SCHEDULE_WORDS": data.schedule_words})
        self.shapes: list[tuple[Shape, re.Pattern]] = [
            (shape, self._compile(shape.pattern, f"{source}: shape {shape.id}", words)) for shape in data.shapes]

    @staticmethod
    def _compile(template: str, source: str, words: dict) -> re.Pattern:
        """A pattern of calendar.yaml for folded text: folded, then its word lists filled in folded."""
        return re.compile(lexicon().fill(fold_regex(template), source, folded=True, words=words))

    def lead_before(self, folded: str, start: int) -> int:
        """Start of the deadline words ("senast", "innan", ...) right before `start`, or `start`."""
        m = self.lead_re.search(folded[:start])
        return m.start() if m else start


@built_once
def _calendar() -> _Calendar:
    return _Calendar()


def midsummer_eve(year: int) -> dt.date:
    """Midsommarafton: the Friday between 19 and 25 June."""
    d = dt.date(year, 6, 19)
    return d + dt.timedelta(days=(4 - d.weekday()) % 7)


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, _cal.monthrange(year, month)[1])


def _year(text: str | None) -> int | None:
    if not text:
        return None
    y = int(text)
    return y + 2000 if y < 100 else y


def _first_on_or_after(make, ref: dt.date | None, year: int | None) -> dt.date | None:
    """make(year) -> date; with no explicit year, the first such date on or after `ref`."""
    if year is not None:
        return make(year)
    if ref is None:
        return None
    d = make(ref.year)
    return d if d is None or d >= ref else make(ref.year + 1)


def _a_day_of(day: int, month: int, year: int | None) -> bool:
    """Whether `day` is a day of `month`: 29 February in a leap year (or with no year given)."""
    last = 29 if month == 2 and (year is None or _cal.isleap(year)) else _cal.monthrange(2001, month)[1]
    return 1 <= day <= last and (year is None or year >= 1)


def _safe(make):
    def wrapped(year):
        try:
            return make(year)
        except ValueError:
            return None
    return wrapped


_Resolved = tuple[dt.date | None, str | None]  # (date, precision)
_NOTHING: _Resolved = (None, None)  # not a date at all


def _iso_date(cal: _Calendar, shape: Shape, m: re.Match, when: _When) -> _Resolved:
    try:
        return dt.date(int(m["year"]), int(m["month"]), int(m["day"])), shape.precision
    except ValueError:
        return _NOTHING


def _day_month(cal: _Calendar, shape: Shape, m: re.Match, when: _When) -> _Resolved:
    """"2 september", "12-14 mars" (the last day), "15 april 2025": the month from the lexicon."""
    day, month = int(m["last_day"] or m["day"]), cal.month_of[m["month"]]
    year = int(m["year"]) if m["year"] else None
    if m["month"] in cal.no_day_month or not _a_day_of(day, month, year):
        return _NOTHING
    return _first_on_or_after(_safe(lambda y: dt.date(y, month, day)), when.ref, year), shape.precision


def _numeric_date(cal: _Calendar, shape: Shape, m: re.Match, when: _When) -> _Resolved:
    day, month, year = int(m["day"]), int(m["month"]), _year(m["year"] or m["year2"])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return _NOTHING
    return _first_on_or_after(_safe(lambda y: dt.date(y, month, day)), when.ref, year), shape.precision


def _iso_week(cal: _Calendar, shape: Shape, m: re.Match, when: _When) -> _Resolved:
    """The Friday of the week."""
    week, year = int(m["week"]), _year(m["year"])
    if not 1 <= week <= 53:
        return _NOTHING
    return _first_on_or_after(_safe(lambda y: dt.date.fromisocalendar(y, week, 5)), when.ref, year), shape.precision


def _month_end(cal: _Calendar, shape: Shape, m: re.Match, when: _When) -> _Resolved:
    month = cal.month_of[m["month"]]
    return _first_on_or_after(lambda y: month_end(y, month), when.ref, _year(m["year"])), shape.precision


def _period_end(cal: _Calendar, shape: Shape, m: re.Match, when: _When) -> _Resolved:
    """The last day of the month a numbered period ends ("Q4", "tredje kvartalet", "tertial 2")."""
    n = int(m["number"]) if m.groupdict().get("number") else cal.ordinals[m["ordinal"]]
    month = (shape.ends or {}).get(n)
    if month is None:
        return _NOTHING
    return _first_on_or_after(lambda y: month_end(y, month), when.ref, _year(m["year"])), shape.precision


def _named_day(cal: _Calendar, shape: Shape, m: re.Match, when: _When) -> _Resolved:
    day = cal.named_days[m["name"]]
    year = _year(m["year"].split("/")[0]) if m["year"] else None  # "årsskiftet 24/25" is the turn of 2024
    return _first_on_or_after(lambda y: _named_date(day, y), when.ref, year), day.precision


def _named_date(day: NamedDay, year: int) -> dt.date:
    if day.rule == DayRule.MIDSUMMER_EVE:
        base = midsummer_eve(year)
    elif day.rule == DayRule.EASTER:
        base = easter(year)
    else:
        base = dt.date(year, day.month, day.day)
    return base + dt.timedelta(days=day.offset)


def _season_end(cal: _Calendar, shape: Shape, m: re.Match, when: _When) -> _Resolved:
    season = cal.seasons[m["season"] or m["season2"]]
    year = _year(m["year"] or m["year2"])

    def make(y: int) -> dt.date:
        yy = y + 1 if season.next_year else y
        return month_end(yy, season.month) if season.month == 2 else dt.date(yy, season.month, season.day)
    return _first_on_or_after(make, when.ref, year), shape.precision


def _year_end(cal: _Calendar, shape: Shape, m: re.Match, when: _When) -> _Resolved:
    return dt.date(int(m["year"]), 12, 31), shape.precision


def _meeting_year_end(cal: _Calendar, shape: Shape, m: re.Match, when: _When) -> _Resolved:
    """"under året", "till nästa år": the end of the meeting's year (plus `years_ahead`)."""
    if when.ref is None:
        return _NOTHING
    return dt.date(when.ref.year + shape.years_ahead, 12, 31), shape.precision


def _within(cal: _Calendar, shape: Shape, m: re.Match, when: _When) -> _Resolved:
    """"inom två veckor": counted from the meeting."""
    n = int(m["count"]) if m["count"].isdigit() else cal.numbers[m["count"]]
    unit, ref = cal.units[m["unit"]], when.ref
    if ref is None:
        return _NOTHING
    if unit == Unit.DAY:
        return ref + dt.timedelta(days=n), shape.precision
    if unit == Unit.WEEK:
        return ref + dt.timedelta(weeks=n), shape.precision
    month0 = ref.month - 1 + n
    y, mth = ref.year + month0 // 12, month0 % 12 + 1
    return dt.date(y, mth, min(ref.day, _cal.monthrange(y, mth)[1])), shape.precision


def _next_meeting(cal: _Calendar, shape: Shape, m: re.Match, when: _When) -> _Resolved:
    return when.next_meeting, (shape.precision if when.next_meeting else None)


def _no_date(cal: _Calendar, shape: Shape, m: re.Match, when: _When) -> _Resolved:
    return _NOTHING


#: How each kind of shape becomes a date: (calendar, shape, match, when) -> (date, precision).
RESOLVERS: dict[Resolver, Callable[[_Calendar, Shape, re.Match, _When], _Resolved]] = {
    Resolver.ISO_DATE: _iso_date, Resolver.DAY_MONTH: _day_month, Resolver.NUMERIC_DATE: _numeric_date,
    Resolver.ISO_WEEK: _iso_week, Resolver.MONTH_END: _month_end, Resolver.PERIOD_END: _period_end,
    Resolver.NAMED_DAY: _named_day, Resolver.SEASON_END: _season_end, Resolver.YEAR_END: _year_end,
    Resolver.MEETING_YEAR_END: _meeting_year_end, Resolver.WITHIN: _within, Resolver.NEXT_MEETING: _next_meeting,
    Resolver.NO_DATE: _no_date,
}


def _kept_undated(shape: Shape, ref: dt.date | None) -> bool:
    """Whether a match that resolved to no date is still a deadline (its words say when)."""
    return shape.undated == Undated.KEEP or (shape.undated == Undated.WITHOUT_MEETING_DATE and ref is None)


def find_all(text: str, ref: dt.date | None, next_meeting: dt.date | None = None) -> list[Deadline]:
    """Every deadline-like expression in `text`, resolved; overlapping finds keep the longest."""
    cal = _calendar()
    when = _When(ref, next_meeting)
    folded = fold_same_length(text)
    found: list[Deadline] = []
    for shape, rx in cal.shapes:
        resolve_one = RESOLVERS[shape.resolver]
        for m in rx.finditer(folded):
            date, precision = resolve_one(cal, shape, m, when)
            if date is None and not _kept_undated(shape, ref):
                continue
            start = cal.lead_before(folded, m.start())
            found.append(Deadline(date, text[start:m.end()].strip(), precision, start, m.end(),
                                  lead=start < m.start() or shape.leads, shape=shape.id))
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    kept: list[Deadline] = []
    for d in found:
        if kept and d.start < kept[-1].end:
            if (d.end - d.start) > (kept[-1].end - kept[-1].start):
                kept[-1] = d
            continue
        kept.append(d)
    return kept


def find_deadline(text: str, ref: dt.date | None, next_meeting: dt.date | None = None) -> Deadline | None:
    """The deadline a sentence states, if any.

    Dates before the meeting are history, not deadlines, and a sentence listing meeting dates is a
    schedule. Of the rest, one introduced by a deadline word wins, then the more precise, then the first.
    """
    found = find_all(text, ref, next_meeting)
    if sum(d.precision == "day" for d in found) >= 2 and _calendar().schedule_re.search(fold_same_length(text)):
        return None
    cands = [d for d in found if not (ref and d.date and d.date < ref)]
    if not cands:
        return None
    cands.sort(key=lambda d: (not d.lead, _RANK.get(d.precision or "", 9) if d.date else 10, d.start))
    return cands[0]


def resolve(expression: str, ref: dt.date | None, next_meeting: dt.date | None = None) -> Deadline | None:
    """Resolve one deadline expression such as "senast 30/9" (used by tests and `minutes explain`)."""
    return find_deadline(expression, ref, next_meeting)
