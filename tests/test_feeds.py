"""Deadlines as an iCalendar feed and new decisions as Atom, read by real parsers as a calendar or a
feed reader subscribes to them, and linked from the pages they follow."""
from __future__ import annotations

import datetime as dt
import urllib.parse
import urllib.request

import feedparser
import icalendar
import pytest
from conftest import MINUTES_MD, imported

from minutes.web.serve import running

TODAY = dt.date(2025, 3, 1)
OTHER = "Styrgruppen för digital vård"
SECOND = MINUTES_MD.replace("2025-02-04", "2025-02-18").replace("Styrgruppen för vårdnära service", OTHER)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    db = imported({"styrgrupp.md": MINUTES_MD, "styrgrupp2.md": SECOND}, tmp_path_factory.mktemp("feeds"))
    with running(str(db), TODAY) as url:
        yield url


def subscribe(url: str) -> tuple[str, bytes]:
    """Fetch a feed as a calendar client does: a plain GET of the address the page gives."""
    req = urllib.request.Request(url, headers={"User-Agent": "Microsoft Office/16.0 (Outlook)",
                                               "Accept": "text/calendar, application/atom+xml, */*"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.headers["content-type"], r.read()


def test_the_calendar_of_deadlines_parses_and_holds_every_task(site):
    ctype, body = subscribe(site + "/kalender.ics")
    assert ctype.startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(body)
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 2 and all(e.get("UID").endswith("@minutes") for e in events)
    first = events[0]
    assert first.decoded("DTSTART") == dt.date(2025, 3, 14) and first.decoded("DTEND") == dt.date(2025, 3, 15)
    assert str(first.get("SUMMARY")) == "Göran Ärlig: tar fram en prognos för våren"
    assert "/dokument/" in str(first.get("URL"))
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))  # folded as RFC 5545 says


def test_calendars_per_person_and_per_body(site):
    _, body = subscribe(site + "/kalender.ics?vem=" + urllib.parse.quote("Göran Ärlig"))
    cal = icalendar.Calendar.from_ical(body)
    assert str(cal.get("X-WR-CALNAME")) == "Uppdrag för Göran Ärlig" and len(cal.walk("VEVENT")) == 2
    _, body = subscribe(site + "/kalender.ics?vem=Ingen")
    assert icalendar.Calendar.from_ical(body).walk("VEVENT") == []
    _, body = subscribe(site + "/kalender.ics?organ=" + urllib.parse.quote(OTHER))
    events = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert [e.decoded("DTSTART") for e in events] == [dt.date(2025, 3, 14)]


def test_atom_feeds_of_a_search_and_a_body(site):
    feed = feedparser.parse(site + "/bevakning.atom?q=uppf%C3%B6ljningen")
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Nya beslut om ”uppföljningen”"
    assert [e.title for e in feed.entries] == ["Styrgruppen godkänner uppföljningen."] * 2
    assert all(e.link.startswith(site + "/dokument/") and e.id.startswith("urn:minutes:") for e in feed.entries)
    feed = feedparser.parse(site + "/bevakning.atom?organ=" + urllib.parse.quote(OTHER))
    assert not feed.bozo and len(feed.entries) == 2 and feed.feed.title == f"Nya beslut i {OTHER}"
    assert "2025-02-18" in feed.entries[0].summary


def test_the_pages_link_their_feeds(site):
    with urllib.request.urlopen(site + "/?q=prognos") as r:
        html = r.read().decode()
    assert 'type="application/atom+xml"' in html and "/bevakning.atom?q=prognos" in html
    with urllib.request.urlopen(site + "/uppdrag?vem=" + urllib.parse.quote("Göran")) as r:
        assert "/kalender.ics?vem=G%C3%B6ran" in r.read().decode()
    with urllib.request.urlopen(site + "/organ?namn=" + urllib.parse.quote("Styrgruppen för vårdnära service")) as r:
        html = r.read().decode()
    assert "/bevakning.atom?organ=" in html and "/kalender.ics?organ=" in html
