"""The deadline resolver, table-driven: expression x meeting date -> (deadline, precision)."""
import datetime as dt

import pytest

from minutes.rules.deadlines import easter, find_deadline, midsummer_eve, resolve

D = dt.date
JUNE = D(2024, 6, 14)      # a meeting in June 2024
MARCH = D(2025, 3, 4)      # a meeting in March 2025
DECEMBER = D(2024, 12, 10)  # a meeting near the turn of the year
NEXT = D(2024, 9, 4)       # the next meeting stated in the June document

CASES = [
    # expression, meeting, expected date, precision
    ("senast den 15 april 2025", JUNE, D(2025, 4, 15), "day"),
    ("senast 30/9", JUNE, D(2024, 9, 30), "day"),
    ("senast 30/9 2024", JUNE, D(2024, 9, 30), "day"),
    ("innan mötet 4/9", JUNE, D(2024, 9, 4), "day"),
    ("den 2 september", JUNE, D(2024, 9, 2), "day"),
    ("deadline för ansökan är den 2 sept.", JUNE, D(2024, 9, 2), "day"),
    ("2025-02-20", MARCH, None, None),  # before the meeting: history, not a deadline
    ("2025-02-20", JUNE, D(2025, 2, 20), "day"),
    ("2025--02-20", JUNE, D(2025, 2, 20), "day"),
    ("till samordningsrådets möte 2025-02-20", JUNE, D(2025, 2, 20), "day"),
    ("innan midsommar", JUNE, D(2024, 6, 21), "day"),
    ("före midsommar", MARCH, D(2025, 6, 20), "day"),
    ("innan midsommar", DECEMBER, D(2025, 6, 20), "day"),
    ("till midsommarafton 2026", MARCH, D(2026, 6, 19), "day"),
    ("v. 47", JUNE, D(2024, 11, 22), "week"),
    ("vecka 12", JUNE, D(2025, 3, 21), "week"),
    ("senast v. 2", DECEMBER, D(2025, 1, 10), "week"),
    ("v.52", DECEMBER, D(2024, 12, 27), "week"),
    ("vecka 1 2026", MARCH, D(2026, 1, 2), "week"),
    ("jan-25", JUNE, D(2025, 1, 31), "month"),
    ("i juni 2025", JUNE, D(2025, 6, 30), "month"),
    ("i maj", MARCH, D(2025, 5, 31), "month"),
    ("i slutet av augusti", JUNE, D(2024, 8, 31), "month"),
    ("under februari", DECEMBER, D(2025, 2, 28), "month"),
    ("under 2025", JUNE, D(2025, 12, 31), "year"),
    ("Plan klar under 2025", None, D(2025, 12, 31), "year"),
    ("under året", MARCH, D(2025, 12, 31), "year"),
    ("under nästa år", MARCH, D(2026, 12, 31), "year"),
    ("Q4", JUNE, D(2024, 12, 31), "quarter"),
    ("under Q1 2025", DECEMBER, D(2025, 3, 31), "quarter"),
    ("Q1", JUNE, D(2025, 3, 31), "quarter"),
    ("fjärde kvartalet", MARCH, D(2025, 12, 31), "quarter"),
    ("tertial 2", MARCH, D(2025, 8, 31), "quarter"),
    ("hösten 2024", JUNE, D(2024, 11, 30), "season"),
    ("under hösten", MARCH, D(2025, 11, 30), "season"),
    ("under våren", DECEMBER, D(2025, 5, 31), "season"),
    ("till sommaren", MARCH, D(2025, 8, 31), "season"),
    ("före sommaren", MARCH, D(2025, 6, 20), "season"),
    ("HT 2024", JUNE, D(2024, 12, 31), "season"),
    ("VT25", DECEMBER, D(2025, 6, 30), "season"),
    ("vid årsskiftet", JUNE, D(2024, 12, 31), "day"),
    ("årsskiftet 24/25", JUNE, D(2024, 12, 31), "day"),
    ("till jul", MARCH, D(2025, 12, 24), "day"),
    ("före påsk", MARCH, D(2025, 4, 17), "day"),
    ("till nästa möte", JUNE, NEXT, "day"),
    ("inom två veckor", JUNE, D(2024, 6, 28), "day"),
    ("inom 3 månader", MARCH, D(2025, 6, 4), "day"),
    ("snarast", JUNE, None, None),
    ("omgående", MARCH, None, None),
    ("tillhanda senast 30/9 2024", JUNE, D(2024, 9, 30), "day"),
]


@pytest.mark.parametrize("text,meeting,date,precision", CASES, ids=[f"{c[0]}@{c[1]}" for c in CASES])
def test_resolve(text, meeting, date, precision):
    d = resolve(text, meeting, NEXT if meeting == JUNE else None)
    if date is None and precision is None and text not in ("snarast", "omgående"):
        assert d is None
        return
    assert d is not None, text
    assert (d.date, d.precision) == (date, precision)
    assert d.text and d.text in text


def test_no_date_words_keep_their_text():
    d = resolve("Svar behövs snarast.", JUNE)
    assert d.date is None and d.precision is None and d.text == "snarast"


def test_deadline_inside_a_sentence_prefers_the_deadline_word():
    d = find_deadline("Koncernstab redovisar vid mötet 2025-02-20 hur produktiviteten sett ut under 2024.", D(2025, 1, 16))
    assert (d.date, d.text) == (D(2025, 2, 20), "vid mötet 2025-02-20")


def test_calendar():
    assert [midsummer_eve(y) for y in (2024, 2025, 2026)] == [D(2024, 6, 21), D(2025, 6, 20), D(2026, 6, 19)]
    assert easter(2025) == D(2025, 4, 20) and easter(2024) == D(2024, 3, 31)


def test_not_deadlines():
    for text in ("Mötet hölls i Stockholm.", "Motion 2024/188", "§§ 13–14", "24/25 ledamöter deltog"):
        assert resolve(text, JUNE) is None, text
