"""Search (accents, case, inflections, filters), persons across documents, and the query commands."""
import json
import shutil

import duckdb
import pytest

from minutes.cli import main
from minutes.warehouse.persons import cluster, same_first_name

DOC_A = """\
# Minnesanteckningar Styrgruppen för e-hälsa

| Datum | 2024-06-14 |
| Närvarande | Annica Öhrn (AÖ), ordförande | Region Östergötland |
| | Karl Landergren (KL) | Region Östergötland |
| | Nils Wall (NW), processtöd | RJL |

## 1. Remittentstöd

Beslut:

- Styrgruppen godkänner ansökningarna om medel för remittentstöd.
- NW får i uppdrag att sammanställa ansökan senast den 30 september 2024.
- Processtöd bokar möte med Inera innan midsommar.
"""

DOC_B = """\
# Protokoll Socialnämnden

| Sammanträdesdatum | 2025-02-12 |
| Beslutande | Annika Öhrn, ordförande | Region Östergötland |
| | Lotta Landergren | Region Östergötland |
| | Karl Landergren | Region Kalmar län |

## § 5 Budget

Beslut: Socialnämnden fastställer budgeten. Annika Öhrn återkommer med en uppföljning under hösten 2025.
"""


@pytest.fixture
def warehouse(import_docs):
    return import_docs({"styrgrupp.docx": DOC_A, "socialnamnden.pdf": DOC_B})


def search_json(runner, db, *args):
    res = runner.invoke(main, ["search", *args, "--db", str(db), "-f", "json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


@pytest.mark.parametrize("query", ["remittentstöd", "REMITTENTSTÖD", "remittentstod", "Remittentstödet"])
def test_search_ignores_case_accents_and_endings(runner, warehouse, query):
    hits = search_json(runner, warehouse, query)
    assert hits and all("emittentst" in h["text"].lower() or "remittentstöd" in h["detail"].lower()
                        for h in hits if h["kind"] != "text")
    assert any(h["kind"] == "decision" for h in hits)


def test_search_finds_inflected_forms(runner, warehouse):
    texts = [h["text"] for h in search_json(runner, warehouse, "ansökan")]
    assert any("ansökningarna" in t for t in texts)  # ansökan -> ansökningarna
    assert any("sammanställa ansökan" in t for t in texts)
    assert search_json(runner, warehouse, "budgetarna")  # budgeten <- budgetarna
    assert search_json(runner, warehouse, "fastställde") == search_json(runner, warehouse, "fastställer")


def test_search_filters(runner, warehouse):
    assert {h["body"] for h in search_json(runner, warehouse, "Öhrn")} == {"Styrgruppen för e-hälsa",
                                                                          "Socialnämnden"}
    assert {h["body"] for h in search_json(runner, warehouse, "Öhrn", "--body", "socialnamnden")} == {"Socialnämnden"}
    assert {h["body"] for h in search_json(runner, warehouse, "Öhrn", "--from", "2025-01-01")} == {"Socialnämnden"}
    assert {h["body"] for h in search_json(runner, warehouse, "Öhrn", "--to", "2024-12-31")} == {
        "Styrgruppen för e-hälsa"}
    assert {h["kind"] for h in search_json(runner, warehouse, "ansökan", "--kind", "assignment")} == {"assignment"}
    assert search_json(runner, warehouse, "ansökan", "--region", "Region Skåne") == []
    res = runner.invoke(main, ["search", "x", "--db", str(warehouse)])
    assert res.exit_code != 0 and "at least one word" in res.output


def _reference_scores(db, words: list[list[int]]) -> dict[str, float]:
    """tf-idf as search documents it, computed in Python over every posting: the answer to compare with."""
    import math
    con = duckdb.connect(str(db), read_only=True)
    postings = con.execute("SELECT term_id, kind, row_id, tf FROM core.postings").fetchall()
    con.close()
    tf: dict[tuple[int, str], int] = {}
    kinds: dict[str, str] = {}
    for term_id, kind, row_id, n in postings:
        for qi, term_ids in enumerate(words):
            if term_id in term_ids:
                tf[(qi, row_id)] = tf.get((qi, row_id), 0) + n
                kinds[row_id] = kind
    df = {qi: sum(1 for q, _ in tf if q == qi) for qi in range(len(words))}
    n = sum(df.values())
    weight = {"D": 1.5, "A": 1.3, "B": 1.0}
    rows = {r for _, r in tf if all((qi, r) in tf for qi in range(len(words)))}
    return {r: weight[kinds[r]] * sum(math.log(1 + n / df[qi]) * (1 + math.log(tf[(qi, r)]))
                                      for qi in range(len(words))) for r in rows}


@pytest.mark.parametrize("query", ["budget", "socialnämnden budget", "socialnämnden fastställer budgeten",
                                   "ansökan remittentstöd"])
def test_search_scores_match_the_documented_tf_idf(warehouse, query):
    """Several words are looked up from the rarest one; the hits and scores must stay those of the formula."""
    from minutes.text.terms import query_terms
    from minutes.warehouse.search import search
    con = duckdb.connect(str(warehouse), read_only=True)
    words = [[tid for (tid,) in con.execute(
        "SELECT term_id FROM core.terms WHERE term = ? OR (? AND starts_with(term, ?))", [t, p, t]).fetchall()]
        for t, p in query_terms(query)]
    expected = _reference_scores(warehouse, words)
    hits = search(con, query, limit=1000)
    con.close()
    assert expected, "the query must find something for the comparison to mean anything"
    got = {h.row_id: h.score for h in hits}
    dropped = {r for r in expected if r not in got}  # text hits that repeat a decision are dropped on purpose
    assert all(r.rsplit("-", 1)[1].startswith("B") for r in dropped)
    for row_id, score in got.items():
        assert score == pytest.approx(expected[row_id])


def test_assigned_by_name_initials_role_with_status(runner, warehouse):
    res = runner.invoke(main, ["assigned", "nils wall", "--db", str(warehouse), "--today", "2024-09-20",
                               "-f", "json"])
    rows = json.loads(res.output)
    assert [(r["owner"], r["deadline"], r["status"]) for r in rows] == [
        ("Nils Wall", "2024-06-21", "overdue"), ("Nils Wall", "2024-09-30", "due in 10 days")] or \
        [(r["owner"], r["status"]) for r in rows] == [("Nils Wall", "overdue"), ("Nils Wall", "due in 10 days")]
    assert {r["file"] for r in rows} == {"styrgrupp.docx"} and all(r["page"] == 1 for r in rows)
    same = lambda who, *extra: json.loads(runner.invoke(  # noqa: E731
        main, ["assigned", who, "--db", str(warehouse), "--today", "2024-09-20", "-f", "json", *extra]).output)
    assert same("NW") == rows and same("processtöd") == rows and same("WALL") == rows
    assert [r["status"] for r in same("nils", "--open")] == ["due in 10 days"]
    annica = same("annica öhrn")  # the spelling variant 'Annika Öhrn' is the same person
    assert [(r["owner"], r["body"]) for r in annica] == [("Annika Öhrn", "Socialnämnden")]
    res = runner.invoke(main, ["assigned", "nobody here", "--db", str(warehouse)])
    assert res.exit_code == 0 and "No assignments" in res.output


def test_persons_merge_variants_but_not_namesakes(runner, warehouse):
    rows = json.loads(runner.invoke(main, ["people", "--db", str(warehouse), "-f", "json"]).output)
    people = {(r["name"], r["organisation"]): r for r in rows}
    assert ("Annica Öhrn", "Region Östergötland") in people or ("Annika Öhrn", "Region Östergötland") in people
    oehrn = [r for r in rows if "Öhrn" in r["name"]]
    assert len(oehrn) == 1 and oehrn[0]["meetings"] == 2 and oehrn[0]["assignments"] == 1
    assert "Annika Öhrn" in oehrn[0]["also_written"] or "Annica Öhrn" in oehrn[0]["also_written"]
    landergren = sorted((r["name"], r["organisation"]) for r in rows if "Landergren" in r["name"])
    assert landergren == [("Karl Landergren", "Region Kalmar län"), ("Karl Landergren", "Region Östergötland"),
                          ("Lotta Landergren", "Region Östergötland")]
    names = [r["name"] for r in rows]
    assert names == sorted(names, key=lambda n: n.replace("Å", "{").replace("Ä", "|").replace("Ö", "}"))
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select count(*) from attendees where person_id is null").fetchone()[0] == 0
    con.close()


def test_first_name_variants():
    assert same_first_name("Annica", "Annika") and same_first_name("Eric", "Erik")
    assert same_first_name("Mattias", "Matias")
    assert not same_first_name("Anna", "Anders") and not same_first_name("Karl", "Lotta")
    clusters = cluster([("Anna Berg", "Region Skåne", None, 3), ("Anna Berg", "Region Halland", None, 1),
                        ("Anna Berg", None, None, 1), ("Anders Berg", "Region Skåne", None, 1)])
    assert sorted((c.names.most_common(1)[0][0], c.org) for c in clusters) == [
        ("Anders Berg", "Region Skåne"), ("Anna Berg", "Region Halland"), ("Anna Berg", "Region Skåne")]


def test_decisions_command(runner, warehouse):
    res = runner.invoke(main, ["decisions", "--region", "sydöstra", "--year", "2025", "--db",
                               str(warehouse), "-f", "json"])
    rows = json.loads(res.output)
    assert [(r["body"], r["agenda_item"], r["text"][:35]) for r in rows] == [
        ("Socialnämnden", "Budget", "Socialnämnden fastställer budgeten.")]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_export(runner, warehouse, tmp_path, fmt):
    out = tmp_path / "export"
    res = runner.invoke(main, ["export", "--format", fmt, "--out", str(out), "--db", str(warehouse)])
    assert res.exit_code == 0, res.output
    if fmt == "xlsx":
        import openpyxl
        wb = openpyxl.load_workbook(out / "minutes.xlsx")
        assert "Beslut" in wb.sheetnames and wb["Beslut"].max_row == 5  # header + 4 decisions
    else:
        con = duckdb.connect()
        where = {"csv": "{view}.csv", "parquet": "{view}/**/*.parquet"}[fmt]
        reader = "read_csv_auto" if fmt == "csv" else "read_parquet"
        for view, n in (("decisions", 4), ("persons", 5)):
            path = out / where.format(view=view)
            assert con.execute(f"select count(*) from {reader}('{path}')").fetchone()[0] == n


def test_commands_have_help_with_examples(runner):
    for cmd in ("search", "assigned", "decisions", "people", "export"):
        res = runner.invoke(main, [cmd, "--help"])
        assert res.exit_code == 0 and "Examples:" in res.output and f"minutes {cmd}" in res.output


@pytest.mark.slow
def test_notebook_runs_top_to_bottom_on_the_demo_warehouse(demo_db, tmp_path, monkeypatch):
    """Started anywhere under the folder holding minutes.duckdb (as `make demo` leaves it), without settings."""
    import nbclient
    import nbformat
    from conftest import ROOT
    project = tmp_path / "projekt"
    (project / "anywhere").mkdir(parents=True)
    shutil.copy(demo_db, project / "minutes.duckdb")
    monkeypatch.delenv("MINUTES_DB", raising=False)
    monkeypatch.delenv("MINUTES_TODAY", raising=False)
    nb = nbformat.read(ROOT / "notebooks" / "decision_history.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                            resources={"metadata": {"path": str(project / "anywhere")}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    images = sum("image/png" in o.get("data", {}) for o in outputs)
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors and images >= 3
    deadlines = next(c for c in nb.cells if c.cell_type == "code" and c.source.startswith("deadlines ="))
    table = deadlines.outputs[-1]["data"]["text/plain"]
    assert "overdue" in table and "Helena Sjöberg" in table


def test_assigned_matches_names_literally(warehouse):
    """% and _ typed into a name are characters, not SQL wildcards."""
    import datetime as dt

    from minutes.warehouse.queries import assigned
    today = dt.date(2025, 1, 1)
    con = duckdb.connect(str(warehouse), read_only=True)
    assert {r["owner"] for r in assigned(con, "öhrn", today)} == {"Annika Öhrn"}
    assert {r["owner"] for r in assigned(con, "annika", today)} == {"Annika Öhrn"}
    assert assigned(con, "ö_rn", today) == []
    assert assigned(con, "%hrn", today) == []


PERSON_TABLES = ("persons", "person_aliases", "attendee_persons", "assignment_persons")


def _person_rows(con) -> dict[str, list]:
    return {t: sorted(con.execute(f"select * from core.{t}").fetchall(), key=repr) for t in PERSON_TABLES}


def test_an_import_rebuilds_the_persons_it_touched_as_a_full_rebuild_would(runner, tmp_path):
    """Each import rebuilds only the surnames of the documents it wrote or replaced (the old rows' too):
    after a first import, a new document and a replaced one, persons equal a rebuild of everything."""
    from minutes.warehouse.persons import rebuild
    from minutes.warehouse.store import Warehouse

    folder, db = tmp_path / "in", tmp_path / "w.duckdb"
    folder.mkdir()
    steps = [{"a.md": DOC_A},
             {"b.md": DOC_B},  # new: Öhrn and Landergren gain mentions
             {"b.md": DOC_B.replace("Lotta Landergren", "Lotta Wall").replace("Karl Landergren", "Karl Strand")}]
    for files in steps:
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        res = runner.invoke(main, ["import", str(folder), "--db", str(db), "--no-service"])
        assert res.exit_code == 0, res.output
    con = duckdb.connect(str(db), read_only=True)
    after_imports = _person_rows(con)
    assert any(r[1] == "Lotta Wall" for r in after_imports["persons"])
    landergren = sorted((r[1], r[2]) for r in after_imports["persons"] if "Landergren" in r[1])
    assert landergren == [("Karl Landergren", "Region Östergötland")]  # b's Landergrens were replaced
    con.close()
    wh = Warehouse(db)
    rebuild(wh)
    assert _person_rows(wh.con) == after_imports
    wh.close()


def test_linking_persons_joins_by_hash_not_by_looping_over_every_pair(warehouse):
    """Each join of the persons' links is a hash join: a nested-loop join costs seconds on a warehouse of
    50,000 assignments, on every import."""
    from minutes.warehouse.persons import _LINKS

    con = duckdb.connect(str(warehouse))
    for statement in (s.strip() for s in _LINKS.format(a="true", s="true").split(";") if s.strip()):
        if statement.startswith("INSERT"):
            plan = "\n".join(r[1] for r in con.execute("EXPLAIN " + statement.split("\n", 1)[1]).fetchall())
            assert "HASH_JOIN" in plan and "NL_JOIN" not in plan and "NESTED_LOOP" not in plan, plan
    con.close()
