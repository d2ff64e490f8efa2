"""How the pages say things: the Jinja environment and its Swedish filters (times, dates, deadlines,
statuses) and search-word highlighting."""
from __future__ import annotations

import datetime as dt
import re
import urllib.parse

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from minutes.core.enums import DeadlineStatus
from minutes.text.terms import match_spans
from minutes.warehouse.queries import Due
from minutes.warehouse.reports import STATUS_SV as PROGRESS_SV  # done: 'klar', open: 'ej återrapporterad'

#: Deadline statuses as the pages say them; "due" is said with its days ("om 3 dagar").
DUE_SV = {DeadlineStatus.OVERDUE: "försenad", DeadlineStatus.DUE_TODAY: "i dag",
          DeadlineStatus.NO_DEADLINE: "ingen tidsgräns"}
STATUS_SV = {"present": "närvarande", "absent": "frånvarande", "adjunct": "adjungerad", "substitute": "ersättare"}
KIND_SV = {"decision": "Beslut", "assignment": "Uppdrag", "text": "Text"}
KIND_CHOICE_SV = {"decision": "beslut (alla slag)", "assignment": "uppdrag", "text": "protokolltext"}
MONTHS_SV = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
             "november", "december")


def due_sv(due: Due) -> str:
    """A deadline's status in Swedish: 'försenad', 'i dag', 'om 3 dagar', 'ingen tidsgräns'."""
    if due.status is DeadlineStatus.DUE:
        return f"om {due.days} dag{'ar' if due.days != 1 else ''}"
    return DUE_SV[due.status]


def clock(t: dt.time | None) -> str:
    """13.00, as Swedish texts write the time of day."""
    return f"{t.hour:02d}.{t.minute:02d}" if t else ""


def meeting_time(start: dt.time | None, end: dt.time | None) -> str:
    """'kl. 13.00–16.15', 'kl. 13.00', or '' when the time is unknown."""
    if not start:
        return ""
    return f"kl. {clock(start)}" + (f"–{clock(end)}" if end else "")


def long_date(d: dt.date | None) -> str:
    """'4 mars 2025'."""
    return f"{d.day} {MONTHS_SV[d.month - 1]} {d.year}" if d else ""


def highlight(text: str | None, query: str | None) -> Markup:
    """The text escaped, with the words the search matched in <mark>."""
    text = text or ""
    if not query:
        return escape(text)
    out, at = [], 0
    for start, end in match_spans(text, query):
        out += [escape(text[at:start]), Markup("<mark>"), escape(text[start:end]), Markup("</mark>")]
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


def paragraphs_sv(p: dict) -> str:
    """Who took part in which paragraphs: '§§ 13–14', 'från § 15', 'utom § 17'."""
    a, b, skip = p.get("from_paragraph"), p.get("to_paragraph"), p.get("except_paragraphs")
    if a and b:
        text = f"§ {a}" if a == b else f"§§ {a}–{b}"
    elif a:
        text = f"från § {a}"
    elif b:
        text = f"till och med § {b}"
    else:
        text = ""
    return ", ".join(filter(None, [text, f"utom § {skip}" if skip else ""]))


def query_string(params: dict, **changes) -> str:
    """The page's query string with some parameters changed (None or '' drops one)."""
    merged = {**params, **changes}
    return urllib.parse.urlencode({k: v for k, v in merged.items() if v not in (None, "")})


def environment() -> Environment:
    env = Environment(loader=PackageLoader("minutes.web", "templates"), autoescape=select_autoescape(["html"]))
    env.filters.update(sv_due=due_sv, clock=clock, long_date=long_date, hl=highlight, paragraphs=paragraphs_sv,
                       status_sv=lambda s: STATUS_SV.get(s, s or ""),
                       progress_sv=lambda s: PROGRESS_SV.get(s, s or ""),
                       slug=lambda s: re.sub(r"[^\w-]+", "-", s or "", flags=re.UNICODE).strip("-").lower())
    env.globals.update(meeting_time=meeting_time, query_string=query_string, kind_sv=KIND_SV,
                       kind_choice_sv=KIND_CHOICE_SV)
    return env
