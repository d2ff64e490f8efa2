"""Documents in the styles of real protocols and minutes (tests/fixtures/styles), scored against their gold.

The figures are held to floors: a rule change that reads fewer of them fails here. The floors
rise as the rules improve; they never fall.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from devtools.docgen import render
from devtools.scoring import score
from minutes.pipeline import import_paths

STYLES = Path(__file__).parent / "fixtures" / "styles"
#: The least each figure may be on the born-digital documents (the two scans are scored apart).
FLOORS = {"decisions": 0.97, "assignments": 0.97, "attendees": 0.98, "meeting": 0.98, "deadline": 0.95,
          "status": 0.97, "protocol": 0.95}
SCAN_FLOORS = {"decisions": 0.95, "assignments": 0.95, "attendees": 0.68, "meeting": 0.9}


def _render(tmp: Path, scans: bool) -> tuple[Path, Path]:
    """The fixtures rendered to their formats (scans or the others), with a folder of their gold."""
    docs, gold = tmp / "docs", tmp / "gold"
    docs.mkdir()
    gold.mkdir()
    for src in sorted(STYLES.glob("*.json")):
        expected = json.loads(src.read_text(encoding="utf-8"))
        if expected["file"].endswith(".scan.pdf") != scans:
            continue
        render(src.with_suffix(".md").read_text(encoding="utf-8"), docs / expected["file"])
        (gold / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    return docs, gold


@pytest.mark.slow
def test_born_digital_documents_in_real_styles(tmp_path):
    docs, gold = _render(tmp_path, scans=False)
    db = tmp_path / "w.duckdb"
    import_paths([docs], db, workers=2)
    figures = score(db, gold)
    low = {k: v for k, v in figures.items() if k in FLOORS and (v is None or v < FLOORS[k])}
    assert not low, f"below the floors {FLOORS}: {figures}"


@pytest.mark.slow
def test_scanned_documents_in_real_styles(tmp_path):
    docs, gold = _render(tmp_path, scans=True)
    db = tmp_path / "w.duckdb"
    import_paths([docs], db, workers=2)
    figures = score(db, gold)
    low = {k: v for k, v in figures.items() if k in SCAN_FLOORS and (v is None or v < SCAN_FLOORS[k])}
    assert not low, f"below the floors {SCAN_FLOORS}: {figures}"
