"""Date options as staff write them, read without any date library: ISO, day/month, and Swedish month names."""
import datetime as dt

import click
import pytest

from minutes.cli.base import parse_date

THIS_YEAR = dt.date.today().year


@pytest.mark.parametrize("text, date", [
    ("2025-03-15", dt.date(2025, 3, 15)), ("2025-3-5", dt.date(2025, 3, 5)),
    ("15/3", dt.date(THIS_YEAR, 3, 15)), ("15/3/2025", dt.date(2025, 3, 15)), ("15/3 2025", dt.date(2025, 3, 15)),
    ("15 mars 2025", dt.date(2025, 3, 15)), ("1 januari 2025", dt.date(2025, 1, 1)), ("3 febr. 2024", dt.date(2024, 2, 3)),
    ("7 MAJ", dt.date(THIS_YEAR, 5, 7)),
])
def test_a_date_as_a_swede_writes_it(text, date):
    assert parse_date(text) == date


@pytest.mark.parametrize("text", ["31/2/2025", "2025-13-01", "15 foo 2025", "hej", "15 mars 20250"])
def test_a_wrong_date_is_refused_saying_how_to_write_it(text):
    with pytest.raises(click.BadParameter, match="write it as 2025-03-15"):
        parse_date(text)
