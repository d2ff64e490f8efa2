"""Four invented meeting series (tests/fixtures/series): rendered to PDF, Word and text, imported together,
one file at a time in date order, in reverse order and twice, and scored against their links.json."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from conftest import render
from followup_scoring import score

from minutes.cli import main

SERIES = Path(__file__).resolve().parent / "fixtures" / "series"
NAMES = sorted(p.name for p in SERIES.iterdir() if p.is_dir())


def _files(series: str) -> list[str]:
    """The series' documents as links.json names them (their format is the name's suffix), in date order."""
    links = json.loads((SERIES / series / "links.json").read_text(encoding="utf-8"))["links"]
    return sorted({e["file"] for e in links} | {f["file"] for e in links for f in e["followups"]})


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, list[Path]]:
    out = tmp_path_factory.mktemp("series")
    docs = {}
    for series in NAMES:
        docs[series] = []
        for name in _files(series):
            stem = name.split(".")[0]
            md = (SERIES / series / "docs" / f"{stem}.md").read_text(encoding="utf-8")
            docs[series].append(render(md, out / name))
    return docs


def _import(runner, paths: list[Path], db: Path, *extra: str) -> None:
    res = runner.invoke(main, ["import", *map(str, paths), "--db", str(db), "-q", *extra])
    assert res.exit_code == 0, res.output


def _links(db: Path, series: str | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("""
            SELECT f.followup_id, f.assignment_id, f.status, f.new_deadline, f.repeats_id, f.merged_into
            FROM core.followups f JOIN documents d USING (document_id)
            WHERE (f.assignment_id IS NOT NULL OR f.repeats_id IS NOT NULL)
              AND (? IS NULL OR starts_with(d.file_name, ?))
            ORDER BY 1""", [series, series]).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def together(rendered, tmp_path_factory) -> Path:
    from click.testing import CliRunner
    db = tmp_path_factory.mktemp("together") / "w.duckdb"
    _import(CliRunner(), [p for series in NAMES for p in rendered[series]], db)
    return db


@pytest.mark.slow
def test_the_series_score_well_imported_together(together, tmp_path):
    every = {"links": [e for s in NAMES for e in json.loads((SERIES / s / "links.json").read_text("utf-8"))["links"]]}
    (tmp_path / "links.json").write_text(json.dumps(every), encoding="utf-8")
    result = score(together, tmp_path / "links.json")
    assert result.status_accuracy >= 0.85 and result.f1 >= 0.85, (result, result.wrong)


@pytest.mark.slow
def test_no_follow_up_is_linked_across_series(together):
    con = duckdb.connect(str(together), read_only=True)
    pairs = con.execute("""
        SELECT fd.file_name, ad.file_name FROM assignment_followups f JOIN assignments a USING (assignment_id)
        JOIN documents fd ON fd.document_id = f.document_id
        JOIN documents ad ON ad.document_id = a.document_id""").fetchall()
    con.close()
    assert pairs and all(f.split("_")[0] == a.split("_")[0] for f, a in pairs), pairs


@pytest.mark.slow
@pytest.mark.parametrize("series", NAMES)
def test_a_series_links_the_same_in_any_order_and_twice(series, rendered, together, runner, tmp_path):
    files = rendered[series]
    expected = _links(together, series)
    assert expected, series
    for order, name in ((files, "forward"), (files[::-1], "backward")):
        db = tmp_path / f"{name}.duckdb"
        for f in order:
            _import(runner, [f], db)
        assert _links(db) == expected, name
    _import(runner, files, db)
    _import(runner, files, db, "--force")
    assert _links(db) == expected
