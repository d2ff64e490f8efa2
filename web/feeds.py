"""Feeds to subscribe to: deadlines as an iCalendar feed (Outlook, Google Calendar) and new
decisions as Atom ("bevakning") of a search, a body or a matter.

    /kalender.ics              every task with a deadline
    /kalender.ics?vem=NAMN     one person's (as on Uppdrag)
    /kalender.ics?organ=ORGAN  one body's
    /bevakning.atom?q=ORD | ?organ=ORGAN | ?arende=DIARIENUMMER

Both are written here by hand (RFC 5545 and RFC 4287 are small); each event and entry has an
id that stays the same as long as its row does, so a calendar updates an event in place.
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from minutes.text import key
from minutes.text.terms import query_terms
from minutes.warehouse import overview
from minutes.warehouse.queries import assigned
from minutes.warehouse.search import search

from .site import Site, text


def _ics_text(value: str) -> str:
    """A TEXT value of RFC 5545: backslash, semicolon, comma and newline escaped."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    out, current = [], b""
    for ch in line:
        b = ch.encode("utf-8")
        if len(current) + len(b) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += b
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def calendar(rows: list[dict], name: str, base: str, now: dt.datetime) -> str:
    """An iCalendar of all-day events, one for each task's deadline."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//minutes//Uppdrag//SV", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{_ics_text(name)}", "X-PUBLISHED-TTL:PT1H",
             "REFRESH-INTERVAL;VALUE=DURATION:PT1H"]
    stamp = now.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for r in rows:
        day = r["deadline"]
        where = " ".join(str(x) for x in (r["body"], r["meeting_date"]) if x)
        url = f"{base}/dokument/{r['document_id']}#{r['assignment_id']}"
        summary = f"{r['owner'] or 'Okänd'}: {r['task']}"
        description = f"Uppdrag från {where}. Senast {day:%Y-%m-%d}. {url}"
        lines += ["BEGIN:VEVENT", f"UID:{r['assignment_id']}@minutes", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
                  f"SUMMARY:{_ics_text(summary)}", f"DESCRIPTION:{_ics_text(description)}",
                  f"URL:{url}", "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def atom(entries: list[dict], title: str, self_url: str, page_url: str, base: str, now: dt.datetime) -> str:
    """An Atom feed of decisions, newest import first."""
    updated = max((e["imported_at"] for e in entries), default=now)
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="sv">',
           f"<title>{escape(title)}</title>", f"<id>{escape(self_url)}</id>",
           f'<link rel="self" type="application/atom+xml" href="{escape(self_url)}"/>',
           f'<link rel="alternate" type="text/html" href="{escape(page_url)}"/>',
           f"<updated>{_rfc3339(updated)}</updated>", "<author><name>minutes</name></author>"]
    for e in entries:
        where = " ".join(str(x) for x in (e["body"], e["meeting_date"], e["paragraph"]) if x)
        link = f"{base}/dokument/{e['document_id']}#{e['decision_id']}"
        summary = " · ".join(filter(None, [where, e["case_number"] and f"Dnr {e['case_number']}", e["section_title"]]))
        out += ["<entry>", f"<title>{escape(e['text'][:120])}</title>",
                f"<id>urn:minutes:{escape(e['decision_id'])}</id>", f'<link href="{escape(link)}"/>',
                f"<updated>{_rfc3339(e['imported_at'])}</updated>",
                f'<category term="{escape(e["kind"])}"/>',
                f"<summary>{escape(summary)}</summary>",
                f'<content type="text">{escape(e["text"])}</content>', "</entry>"]
    out.append("</feed>")
    return "\n".join(out) + "\n"


def _rfc3339(t: dt.datetime) -> str:
    return t.astimezone().isoformat(timespec="seconds")


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def ics(site: Site, request: Request) -> Response:
    who, body = text(request, "vem"), text(request, "organ")
    if who:
        if len(key(who) or "") < 2:
            raise HTTPException(400, "Skriv minst två bokstäver av ett namn, initialer eller en roll.")
        found = await site.read(assigned, who, site.day(), limit=10_000)
        ids = [r["assignment_id"] for r in found if r["deadline"]]
        rows, name = await site.read(overview.deadlines, assignment_ids=ids), f"Uppdrag för {who}"
    else:
        rows = await site.read(overview.deadlines, body=body or None)
        name = f"Uppdrag i {body}" if body else "Alla uppdrag med tidsgräns"
    return Response(calendar(rows, name, _base(request), dt.datetime.now()),
                    media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'inline; filename="uppdrag.ics"'})


async def feed(site: Site, request: Request) -> Response:
    word, body, case = text(request, "q"), text(request, "organ"), text(request, "arende")
    if word:
        if not query_terms(word):
            raise HTTPException(400, "Skriv minst ett ord med två bokstäver eller fler.")
        hits = await site.read(search, word, kind="decision", limit=200)
        entries = await site.read(overview.new_decisions, decision_ids=[h.row_id for h in hits])
        title, page = f"Nya beslut om ”{word}”", f"/?{urlencode({'q': word, 'kind': 'decision'})}"
    elif case:
        entries = await site.read(overview.new_decisions, case_number=case)
        title, page = f"Nya beslut i ärende {case}", f"/beslut?{urlencode({'arende': case})}"
    elif body:
        entries = await site.read(overview.new_decisions, body=body)
        title, page = f"Nya beslut i {body}", f"/organ?{urlencode({'namn': body})}"
    else:
        raise HTTPException(400, "Säg vad som ska bevakas: ett sökord (q), ett organ (organ) eller ett ärende "
                                 "(arende).")
    base = _base(request)
    xml = atom(entries, title, str(request.url), base + page, base, dt.datetime.now())
    return Response(xml, media_type="application/atom+xml; charset=utf-8")
