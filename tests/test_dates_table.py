"""Every row of tests/data/dates.yaml: meeting dates, clock times and deadlines as Swedish protocols write them."""
import datetime as dt
from pathlib import Path

import pytest
import yaml

from minutes.rules.deadlines import find_deadline
from minutes.rules.meeting import next_meeting_in
from minutes.rules.meeting_when import find_times, meeting_date_in, year_refs

ROWS = yaml.safe_load((Path(__file__).parent / "data" / "dates.yaml").read_text(encoding="utf-8"))


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def _time(value) -> str | None:
    """YAML reads an unquoted 09:00 as minutes (540); the table means a clock time."""
    if isinstance(value, int):
        return f"{value // 60:02d}:{value % 60:02d}"
    return value


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r['kind']}: {r['text'][:50]}")
def test_date_phrase(row):
    ref = _date(row["ref"])
    if row["kind"] == "deadline":
        task, _, context = row["text"].partition(" [...] ")
        found = find_deadline(task, ref, next_meeting_in(context, ref))
        assert (found.date if found else None) == _date(row["expect"]), found
        return
    if row["kind"] == "meeting_date":
        years = year_refs(row["text"]) + ([ref.year] if ref else [])
        assert meeting_date_in(row["text"], years) == _date(row["expect"])
    assert find_times(row["text"], labelled=True) == (_time(row["start"]), _time(row["end"]))
