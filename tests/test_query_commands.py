"""The query commands as a new user tries them: sql, assigned, decisions and search on two sample protocols."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from conftest import ROOT
from minutes.cli import main


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    """The socialnämnd and kommunstyrelsens arbetsutskott samples (born-digital, so no OCR)."""
    folder = tmp_path_factory.mktemp("samples") / "in"
    folder.mkdir()
    for name in ("socialnamnden_2025-02-12.docx", "ks-au_2025-03-04.pdf"):
        shutil.copy(ROOT / "samples" / name, folder / name)
    path = folder.parent / "w.duckdb"
    assert CliRunner().invoke(main, ["import", str(folder), "--db", str(path)]).exit_code == 0
    return path


def run(db: Path, *args: str):
    return CliRunner().invoke(main, [*args, "--db", str(db)])


def test_sql_answers_every_statement_and_refuses_writes_in_one_sentence(db):
    res = run(db, "sql", "select 1 as a; select 2 as b")
    assert res.exit_code == 0 and "a\n─\n1\n(1 row)\n\nb\n─\n2\n(1 row)\n" in res.output
    for query in ("", "  ;  "):
        res = run(db, "sql", query)
        assert res.exit_code == 1 and res.output.startswith("Error: Give a query") and "Traceback" not in res.output
    for query in ("delete from decisions", "update decisions set text = 'x'", "insert into decisions values (1)"):
        res = run(db, "sql", query)
        assert res.exit_code == 1 and "minutes sql only reads the warehouse" in res.output, res.output
    res = run(db, "sql", "select 1; select 2", "-f", "csv")
    assert res.exit_code == 1 and "one statement" in res.output


@pytest.mark.parametrize("who", ["HS", "hs", "Socialchefen", "socialchef", "Helena Sjöberg", "sjöberg"])
def test_assigned_finds_a_person_by_initials_name_or_role_in_either_form(db, who):
    res = run(db, "assigned", who, "--today", "2025-03-01", "-f", "csv")
    assert res.exit_code == 0
    assert sorted(line.split(",")[2] for line in res.output.splitlines()[1:]) == ["Helena Sjöberg"] * 3, res.output


def test_open_says_how_many_it_hid(db):
    res = run(db, "assigned", "Nils Borg", "--today", "2025-12-01", "--open")
    assert res.exit_code == 0
    assert res.output == "No open assignments for 'Nils Borg': 1 is past its deadline (leave out --open to see them).\n"
    assert "Nils Borg" in run(db, "assigned", "Nils Borg", "--today", "2025-12-01").output


@pytest.mark.parametrize("typed", ["2025-03-01", "2025-3-1", "1/3/2025", "1 mars 2025", "1 Mars 2025"])
def test_dates_are_taken_as_swedes_write_them(db, typed):
    res = run(db, "assigned", "Helena", "--today", typed, "-f", "csv")
    assert res.exit_code == 0 and "due in 30 days" in res.output, (typed, res.output)


def test_a_date_that_is_none_says_how_to_write_one(db):
    res = run(db, "decisions", "--from", "31/2/2025")
    assert res.exit_code == 2 and "is not a date; write it as 2025-03-15, 15/3/2025 or 15 mars 2025" in res.output


def test_kind_means_the_same_in_search_and_decisions_whatever_its_case(db):
    every = run(db, "decisions", "-f", "csv").output.splitlines()
    assert run(db, "decisions", "--kind", "Decision", "-f", "csv").output.splitlines() == every
    beslut = run(db, "decisions", "--kind", "BESLUT", "-f", "csv").output.splitlines()
    assert 1 < len(beslut) < len(every)
    hits = run(db, "search", "budget", "--kind", "Förslag", "-f", "csv")
    assert hits.exit_code == 0 and all(",förslag," in line for line in hits.output.splitlines()[1:])
    assert run(db, "search", "budget", "--kind", "DECISION").exit_code == 0


def test_decisions_show_meeting_paragraph_and_diarienummer_in_document_order(db):
    res = run(db, "decisions", "--body", "arbetsutskott", "-f", "csv")
    lines = res.output.splitlines()
    assert lines[0] == ("meeting_date,body,region,paragraph,case_number,agenda_item,kind,text,file_name,page,"
                        "decision_id,document_id")
    ks = [line.split(",") for line in lines[1:]]
    assert [(r[3], r[4]) for r in ks] == [("§ 12", ""), ("§ 13", "KS 2025/31"), ("§ 13", "KS 2025/31"),
                                           ("§ 13", "KS 2025/31"), ("§ 14", "KS 2024/188")]
    assert [r[-2][-4:] for r in ks] == ["D001", "D002", "D003", "D004", "D005"]
    con = duckdb.connect(str(db), read_only=True)
    full = con.execute("select paragraph, case_number, body, meeting_date, decision_id from decisions_full "
                       "where body like 'Kommunstyrelsen%' order by ordinal").fetchall()
    assert [(p, c) for p, c, *_ in full] == [(r[3], r[4] or None) for r in ks]
    assert [d[-4:] for *_, d in full] == ["D001", "D002", "D003", "D004", "D005"]
    linked = con.execute("select a.decision_id, c.text from assignments a join decisions c using (decision_id) "
                         "where c.text like 'Ekonomichefen%'").fetchall()
    assert linked and linked[0][0].endswith("D004")


@pytest.mark.parametrize("who,name,found", [
    ("hs", "helena sjoberg", True), ("hs", "helena berg svensson", True), ("jek", "jan-erik karlsson", True),
    ("jk", "jan-erik karlsson", True), ("sh", "helena sjoberg", False), ("hs", "hans", False),
    ("helena", "helena sjoberg", False)])
def test_initials_are_read_from_names(who, name, found):
    import re

    from minutes.warehouse.queries import _initials_pattern
    assert bool(re.search(_initials_pattern(who), name)) is found


def test_csv_for_a_terminal_cannot_drive_it_and_csv_for_a_file_keeps_the_text():
    from minutes.cli.output import render

    text = "Beslut\x1b[31m röd\x1b]0;titel\x07 slut"
    assert "\x1b" not in render(["text"], [(text,)], "csv", terminal=True)
    assert "\x07" not in render(["text"], [(text,)], "csv", terminal=True)
    assert text in render(["text"], [(text,)], "csv", terminal=False)
    assert "\\u001b" in render(["text"], [(text,)], "json")
