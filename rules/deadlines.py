"""Find a deadline in Swedish text and resolve it to the last day it is due.

The words ("senast 30/9", "innan midsommar", "v. 47", "Q4", "hösten 2024", "till nästa
möte") come from rules/sv/calendar.yaml; this module holds the small resolver. Textual
dates ("den 2 september", "15 april 2025") are read by dateparser (Swedish, day-month
order); what dateparser does not know (weeks, quarters, seasons, midsommar, "jan-25",
garbled "2025--02-20") is resolved here. A date without a year is the first such date on
or after the meeting date.
"""
from __future__ import annotations

import calendar as _cal
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from minutes.text import fold, fold_same_length

from .loader import checked
from .text import alternation

PRECISIONS = ("day", "week", "month", "quarter", "season", "year")
_RANK = {p: i for i, p in enumerate(PRECISIONS)}

_SPEC = {
    "months": {"*": [str]},
    "lead_words": [str],
    "named_days": {"*": {"rule?": ("midsummer_eve", "easter"), "offset?": int, "month?": int, "day?": int}},
    "seasons": {"*": {"month": int, "day": int, "next_year?": bool}},
    "quarters": {"*": int},
    "tertials": {"*": int},
    "next_meeting_words": [str],
    "no_date_words": [str],
    "numbers": {"*": int},
    "units": {"*": ("day", "week", "month")},
}


@dataclass
class Deadline:
    """A resolved deadline: the date (or None), the words it came from, and how precise it is."""

    date: dt.date | None
    text: str
    precision: str | None
    start: int = 0
    end: int = 0
    lead: bool = False  # introduced by a deadline word such as "senast" or "innan"


class _Calendar:
    def __init__(self) -> None:
        data = checked("calendar", _SPEC)
        self.data = data
        self.month_of: dict[str, int] = {}
        for num, names in data["months"].items():
            for n in names:
                self.month_of[fold(n)] = int(num)
        months = _alternation(self.month_of)
        lead = _alternation(data["lead_words"])
        meeting = r"(?:det\s+|nasta\s+|kommande\s+)?(?:[a-z-]+s\s+)?(?:mote|motet|sammantrade|sammantradet|moten)"
        self.lead_re = re.compile(rf"(?:\b(?:{lead})\s+)+(?:{meeting}(?:\s+med\s+[a-z-]+)?\s+(?:den\s+)?)?$")
        named, seasons = _alternation(data["named_days"]), _alternation(data["seasons"])
        nxt, nodate = _alternation(data["next_meeting_words"]), _alternation(data["no_date_words"])
        numbers, units = _alternation(data["numbers"]), _alternation(data["units"])
        self.patterns: list[tuple[str, re.Pattern]] = [
            ("iso", re.compile(r"(?<![\d-])(\d{4})\s?-{1,2}\s?(\d{1,2})\s?-{1,2}\s?(\d{1,2})(?!\d)")),
            ("daymonth", re.compile(
                rf"(?<![\d/])(\d{{1,2}})(?:\s?[-–]\s?(\d{{1,2}}))?(?:\s*(?:e|:e|a|:a))?\s+({months})\b\.?(?:\s+(\d{{4}}))?")),
            ("numeric", re.compile(r"(?<![\d/.-])(\d{1,2})/(\d{1,2})(?:(?:\s+|/|-)(\d{4})|[/-](\d{2}))?(?![\d/])")),
            ("week", re.compile(r"\b(?:v\.?|vecka|veckan|vecko|week)\s?(\d{1,2})(?:[,\s]+(\d{4}))?\b")),
            ("monthyear", re.compile(rf"\b({months})\.?\s?[-/ ]\s?(\d{{4}}|\d{{2}})\b")),
            ("slutet", re.compile(rf"\b(?:i\s+)?(?:slutet|utgangen|mitten)\s+av\s+({months})\b(?:\s+(\d{{4}}))?")),
            ("month", re.compile(rf"\b(?:i|under|till|innan|fore|senast|under hela)\s+({months})\b(?:\s+(\d{{4}}))?")),
            ("quarter", re.compile(r"\b(?:q|kvartal)\s?([1-4])\b(?:\s*(\d{4}))?")),
            ("quarter_word", re.compile(r"\b(forsta|andra|tredje|fjarde)\s+kvartalet\b(?:\s*(\d{4}))?")),
            ("tertial", re.compile(r"\btertial\s?([1-3])\b(?:\s*(\d{4}))?")),
            ("named", re.compile(rf"\b({named})\b(?:\s+(\d{{4}}|\d{{2}}/\d{{2}}))?")),
            ("season", re.compile(rf"\b(?:under|i|till|senast|innan|fore|under hela)\s+({seasons})\s?(\d{{4}}|\d{{2}})?\b"
                                  rf"|\b({seasons})\s?(\d{{4}}|\d{{2}})\b")),
            ("year", re.compile(r"\b(?:under|till|senast|innan|fore|inom|klart|klar|i slutet av|till och med|tom|t\.o\.m\.)"
                                r"\s+(?:ar\s+|aret\s+)?((?:19|20)\d{2})\b(?![-/]\d)")),
            ("this_year", re.compile(r"\b(?:under|i slutet av|till)\s+(aret|innevarande ar)\b")),
            ("next_year", re.compile(r"\b(?:under|till|i slutet av)\s+(nasta ar)\b")),
            ("within", re.compile(rf"\binom\s+(\d+|{numbers})\s+({units})\b")),
            ("next_meeting", re.compile(rf"\b(?:till|infor|vid|innan|fore|senast till|senast vid|senast)\s+(?:det\s+)?({nxt})\b")),
            ("no_date", re.compile(rf"\b({nodate})\b")),
        ]

    def lead_before(self, folded: str, start: int) -> int:
        """Start of the deadline words ("senast", "innan", ...) right before `start`, or `start`."""
        m = self.lead_re.search(folded[:start])
        return m.start() if m else start


def _alternation(words) -> str:
    """A regex alternation of folded words, longest first so "senast den" wins over "senast"."""
    return alternation(fold(w) for w in words)


@lru_cache(maxsize=1)
def _calendar() -> _Calendar:
    return _Calendar()


def midsummer_eve(year: int) -> dt.date:
    """Midsommarafton: the Friday between 19 and 25 June."""
    d = dt.date(year, 6, 19)
    return d + dt.timedelta(days=(4 - d.weekday()) % 7)


def easter(year: int) -> dt.date:
    """Easter Sunday (Gregorian calendar)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = ((h + l_ - 7 * m + 114) % 31) + 1
    return dt.date(year, month, day)


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


@lru_cache(maxsize=4096)
def _dateparser_day_month(text: str) -> tuple[int, int, int | None] | None:
    """(day, month, year or None) for a textual Swedish date, read by dateparser."""
    parser = _dateparser()
    data = parser.get_date_data(text)
    if data is None or data.date_obj is None:
        return None
    has_year = "year" in (getattr(data, "parts", None) or ())
    d = data.date_obj
    return d.day, d.month, (d.year if has_year else None)


@lru_cache(maxsize=1)
def _dateparser():
    from dateparser.date import DateDataParser
    # Only absolute dates: the texts are "30 september"-like by the time they get here. The first
    # date a process parses still builds dateparser's time-zone regexes (about 70 ms, once).
    return DateDataParser(languages=["sv"], settings={"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month"],
                                                      "PREFER_DATES_FROM": "future", "PARSERS": ["absolute-time"]})


def _safe(make):
    def wrapped(year):
        try:
            return make(year)
        except ValueError:
            return None
    return wrapped


def _resolve(kind: str, m: re.Match, ref: dt.date | None, next_meeting: dt.date | None,
             cal: _Calendar) -> tuple[dt.date | None, str | None]:
    g = m.groups()
    data = cal.data
    if kind == "iso":
        try:
            return dt.date(int(g[0]), int(g[1]), int(g[2])), "day"
        except ValueError:
            return None, None
    if kind == "daymonth":
        day = int(g[1] or g[0])
        month = cal.month_of[g[2]]
        text = f"{day} {g[2]}" + (f" {g[3]}" if g[3] else "")
        parsed = _dateparser_day_month(text)
        if parsed is None:
            return None, None
        day, month, year = parsed
        return _first_on_or_after(_safe(lambda y: dt.date(y, month, day)), ref, year), "day"
    if kind == "numeric":
        day, month, year = int(g[0]), int(g[1]), _year(g[2] or g[3])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None, None
        return _first_on_or_after(_safe(lambda y: dt.date(y, month, day)), ref, year), "day"
    if kind == "week":
        week, year = int(g[0]), _year(g[1])
        if not 1 <= week <= 53:
            return None, None
        return _first_on_or_after(_safe(lambda y: dt.date.fromisocalendar(y, week, 5)), ref, year), "week"
    if kind in ("monthyear", "slutet", "month"):
        month, year = cal.month_of[g[0]], _year(g[1])
        return _first_on_or_after(lambda y: month_end(y, month), ref, year), "month"
    if kind in ("quarter", "quarter_word", "tertial"):
        n = {"forsta": 1, "andra": 2, "tredje": 3, "fjarde": 4}.get(g[0]) or int(g[0])
        month = (data["tertials"] if kind == "tertial" else data["quarters"])[n]
        return _first_on_or_after(lambda y: month_end(y, month), ref, _year(g[1])), "quarter"
    if kind == "named":
        key = next(k for k in data["named_days"] if fold(k) == g[0])
        spec = data["named_days"][key]
        year = None
        if g[1]:
            year = _year(g[1].split("/")[0])  # "årsskiftet 24/25" is the turn of 2024
        def make(y: int) -> dt.date:
            if spec.get("rule") == "midsummer_eve":
                base = midsummer_eve(y)
            elif spec.get("rule") == "easter":
                base = easter(y)
            else:
                base = dt.date(y, spec["month"], spec["day"])
            return base + dt.timedelta(days=spec.get("offset", 0))
        precision = "season" if key.split()[-1] in ("sommaren", "semestern", "sommarsemestern") else "day"
        return _first_on_or_after(make, ref, year), precision
    if kind == "season":
        name = g[0] or g[2]
        year = _year(g[1] or g[3])
        key = next(k for k in data["seasons"] if fold(k) == name)
        spec = data["seasons"][key]
        def make(y: int) -> dt.date:
            yy = y + 1 if spec.get("next_year") else y
            return month_end(yy, spec["month"]) if spec["month"] == 2 else dt.date(yy, spec["month"], spec["day"])
        return _first_on_or_after(make, ref, year), "season"
    if kind == "year":
        return dt.date(int(g[0]), 12, 31), "year"
    if kind == "this_year":
        return (dt.date(ref.year, 12, 31), "year") if ref else (None, None)
    if kind == "next_year":
        return (dt.date(ref.year + 1, 12, 31), "year") if ref else (None, None)
    if kind == "within":
        n = int(g[0]) if g[0].isdigit() else data["numbers"][next(k for k in data["numbers"] if fold(k) == g[0])]
        unit = data["units"][next(k for k in data["units"] if fold(k) == g[1])]
        if ref is None:
            return None, None
        if unit == "day":
            return ref + dt.timedelta(days=n), "day"
        if unit == "week":
            return ref + dt.timedelta(weeks=n), "day"
        month0 = ref.month - 1 + n
        y, mth = ref.year + month0 // 12, month0 % 12 + 1
        return dt.date(y, mth, min(ref.day, _cal.monthrange(y, mth)[1])), "day"
    if kind == "next_meeting":
        return next_meeting, ("day" if next_meeting else None)
    if kind == "no_date":
        return None, None
    raise AssertionError(kind)


def find_all(text: str, ref: dt.date | None, next_meeting: dt.date | None = None) -> list[Deadline]:
    """Every deadline-like expression in `text`, resolved; overlapping finds keep the longest."""
    cal = _calendar()
    folded = fold_same_length(text)
    found: list[Deadline] = []
    for kind, rx in cal.patterns:
        for m in rx.finditer(folded):
            date, precision = _resolve(kind, m, ref, next_meeting, cal)
            if date is None and kind not in ("no_date", "next_meeting"):
                if ref is not None or kind not in ("daymonth", "numeric", "week", "month", "season", "named"):
                    continue
            start = cal.lead_before(folded, m.start())
            found.append(Deadline(date, text[start:m.end()].strip(), precision, start, m.end(), lead=start < m.start()
                                  or kind in ("next_meeting", "no_date", "year", "month", "slutet", "season",
                                              "this_year", "next_year", "within")))
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

    Dates before the meeting are history, not deadlines. Of the rest, one introduced by a
    deadline word wins, then the more precise, then the first.
    """
    cands = [d for d in find_all(text, ref, next_meeting) if not (ref and d.date and d.date < ref)]
    if not cands:
        return None
    cands.sort(key=lambda d: (not d.lead, _RANK.get(d.precision or "", 9) if d.date else 10, d.start))
    return cands[0]


def resolve(expression: str, ref: dt.date | None, next_meeting: dt.date | None = None) -> Deadline | None:
    """Resolve one deadline expression such as "senast 30/9" (used by tests and `minutes explain`)."""
    return find_deadline(expression, ref, next_meeting)
