"""Follow-ups across meetings: linking, status, one body however written, never across bodies, the same
links in any import order; and the commands over them (case, followup, assigned, explain)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from minutes.cli import main
from minutes.warehouse.bodies import abbreviates, names_of, same_name

TN_1 = """\
# Tekniska nämnden

| Sammanträdesdatum | 2024-03-06 |
| Beslutande | Ida Holm (S), ordförande<br>Per Ek (M)<br>Eva Sund (C) |
| Övriga närvarande | Lena Strand, förvaltningschef |

## § 5 Gatubelysning på landsbygden

Dnr TN 2024/7

**Tekniska nämndens beslut**

Tekniska nämnden ger förvaltningen i uppdrag att ta fram en plan för gatubelysning på landsbygden senast 2024-06-30.

## § 6 Vinterväghållning

Dnr TN 2024/8

**Tekniska nämndens beslut**

Tekniska nämnden uppdrar åt förvaltningschefen att utreda kostnaderna för vinterväghållningen senast 2024-04-30.
"""

TN_2 = """\
# Tekniska nämnden

| Sammanträdesdatum | 2024-05-08 |
| Beslutande | Ida Holm (S), ordförande<br>Per Ek (M)<br>Eva Sund (C) |
| Övriga närvarande | Lena Strand, förvaltningschef |

## § 21 Återrapportering av uppdrag om gatubelysning

Dnr TN 2024/7

Förvaltningschef Lena Strand återrapporterar uppdraget enligt § 5 2024-03-06. Arbetet pågår och planen redovisas i september.

**Tekniska nämndens beslut**

Nämnden lägger återrapporteringen till handlingarna.

## § 22 Vinterväghållning

Dnr TN 2024/8

Förvaltningschefen meddelar att utredningen om kostnaderna för vinterväghållningen ännu inte har påbörjats. Ny redovisning 2024-09-11.

**Yrkanden**

Per Ek (M) yrkar att nämnden ger förvaltningen i uppdrag att utreda vinterväghållningen med egen personal.

**Tekniska nämndens beslut**

Nämnden lägger informationen till handlingarna. Nämnden ger förvaltningen i uppdrag att ta fram en ny taxa för \
parkering senast 2024-12-31.

## § 23 Redovisning av delegationsbeslut

- Avtal om gatubelysning på landsbygden, klart, Dnr TN 2024/7

**Tekniska nämndens beslut**

Nämnden lägger redovisningen till handlingarna.
"""

TN_3 = """\
# Tekniska nämnden

| Sammanträdesdatum | 2024-09-11 |
| Beslutande | Ida Holm (S), ordförande<br>Per Ek (M)<br>Eva Sund (C) |
| Övriga närvarande | Lena Strand, förvaltningschef |

## § 40 Plan för gatubelysning på landsbygden

Dnr TN 2024/7

Förvaltningschef Lena Strand föredrar förvaltningens förslag till plan för gatubelysning på landsbygden.

**Tekniska nämndens beslut**

Tekniska nämnden antar planen för gatubelysning på landsbygden.

## § 41 Information om vinterväghållning

Förvaltningschef Lena Strand informerar om hur grannkommunerna har upphandlat vinterväghållningen.

**Tekniska nämndens beslut**

Informationen läggs till handlingarna.
"""

# Another body on the same day, with the same people and the same words: never a follow-up of the above.
KFN = """\
# Kultur- och fritidsnämnden

| Sammanträdesdatum | 2024-05-08 |
| Beslutande | Anna Ros (S), ordförande<br>Per Ek (M) |
| Övriga närvarande | Lena Strand, förvaltningschef |

## § 9 Belysning vid idrottsplatser

Dnr TN 2024/7

Förvaltningschef Lena Strand meddelar att arbetet med planen för gatubelysning på landsbygden pågår.

**Kultur- och fritidsnämndens beslut**

Informationen läggs till handlingarna.
"""

AU_1 = """\
# Protokoll Kommunstyrelsens arbetsutskott

| Sammanträdesdatum | 2024-02-01 |
| Beslutande | Stina Berg (S), ordförande<br>Olle Nyman (M) |
| Övriga närvarande | Karin Ahl, kommunsekreterare |

## § 3 Dokumenthanteringsplan

Dnr KS 2024/3

**Arbetsutskottets beslut**

Arbetsutskottet uppdrar åt kommunsekreteraren att ta fram en ny dokumenthanteringsplan senast 2024-04-30.
"""

AU_2 = """\
# Protokoll KSAU

| Organ | KSAU |
| Sammanträdesdatum | 2024-03-07 |
| Beslutande | Stina Berg (S), ordförande<br>Olle Nyman (M) |
| Övriga närvarande | Karin Ahl, kommunsekreterare |

## § 12 Dokumenthanteringsplan

Dnr KS 2024/3

Kommunsekreterare Karin Ahl redovisar förslaget till ny dokumenthanteringsplan.

**Arbetsutskottets beslut**

Arbetsutskottet lägger redovisningen till handlingarna och anser uppdraget fullgjort.
"""

NET_1 = """\
# Minnesanteckningar Nätverket för trygg skolväg

| Datum | 2024-02-06 |
| Närvarande | Ola Berg (OB)<br>Sara Lind (SL) |

## 1. Föräldramöte

Nätverket vill bjuda in föräldrarna till ett gemensamt möte om skolvägarna.

## 2. Åtgärdslista

| Nr | Åtgärd | Ansvarig | Klart senast | Status |
| 1 | Skicka ut inbjudan till föräldramötet | OB | 2024-03-15 | Ny |
| 2 | Sammanställa enkätsvaren från föräldrarna | SL | 2024-03-31 | Ny |
"""

NET_2 = """\
# Minnesanteckningar Nätverket för trygg skolväg

| Datum | 2024-04-02 |
| Närvarande | Ola Berg (OB)<br>Sara Lind (SL) |

## 1. Uppföljning av föregående möte

Punkt 1 från föregående möte: Ola har skickat ut inbjudan till föräldramötet.

Enkäten: SL har börjat sammanställa enkätsvaren och räknar med att de är klara i maj.

## 2. Åtgärdslista

| Nr | Åtgärd | Ansvarig | Klart senast | Status |
| 1 | Skicka ut inbjudan till föräldramötet | OB | 2024-03-15 | Klar |
| 2 | Sammanställa enkätsvaren från föräldrarna | SL | 2024-05-31 (tidigare 2024-03-31) | Pågår |
| 3 | Ta fram en karta över skolvägarna | OB | 2024-06-30 | Ny |
"""

DOCS = {"tn_2024-03-06.md": TN_1, "tn_2024-05-08.md": TN_2, "tn_2024-09-11.md": TN_3, "kfn_2024-05-08.md": KFN,
        "ksau_2024-02-01.md": AU_1, "ksau_2024-03-07.md": AU_2, "trygg_2024-02-06.md": NET_1,
        "trygg_2024-04-02.md": NET_2}
LINKS = """
    SELECT d.file_name, f.status, f.new_deadline, f.linked_by, a.task, ad.file_name AS given_in
    FROM assignment_followups f JOIN documents d USING (document_id)
    JOIN assignments a USING (assignment_id) JOIN documents ad ON ad.document_id = a.document_id
    ORDER BY d.file_name, f.followup_id"""


def _rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _status(db: Path, task_start: str, file_name: str) -> tuple:
    return _rows(db, "SELECT a.status, sd.file_name FROM assignments a JOIN documents d USING (document_id) "
                     "LEFT JOIN documents sd ON sd.document_id = a.status_document_id "
                     "WHERE starts_with(a.task, ?) AND d.file_name = ?", [task_start, file_name])[0]


def followup_warehouse(where: Path) -> Path:
    """DOCS written to `where`/in and imported into `where`/w.duckdb (also the web tests' warehouse)."""
    from click.testing import CliRunner
    folder = where / "in"
    folder.mkdir()
    for name, md in DOCS.items():
        (folder / name).write_text(md, encoding="utf-8")
    res = CliRunner().invoke(main, ["import", str(folder), "--db", str(where / "w.duckdb"), "-q"])
    assert res.exit_code == 0, res.output
    return where / "w.duckdb"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return followup_warehouse(tmp_path_factory.mktemp("followups"))


@pytest.fixture(scope="module")
def folder(db) -> Path:
    return db.parent / "in"


def test_reports_are_linked_to_the_assignments_they_report_on(db):
    links = _rows(db, LINKS)
    assert [(r[0], r[1], r[3], r[5]) for r in links] == [
        ("ksau_2024-03-07.md", "done", "case_number", "ksau_2024-02-01.md"),
        ("tn_2024-05-08.md", "in_progress", "paragraph", "tn_2024-03-06.md"),
        ("tn_2024-05-08.md", "not_started", "case_number", "tn_2024-03-06.md"),
        ("tn_2024-09-11.md", "done", "case_number", "tn_2024-03-06.md"),
        ("trygg_2024-04-02.md", "done", "row", "trygg_2024-02-06.md"),
        ("trygg_2024-04-02.md", "in_progress", "row", "trygg_2024-02-06.md"),
    ], links
    assert links[1][2] == dt.date(2024, 9, 30) and links[2][2] == dt.date(2024, 9, 11)  # "i september", a new date
    assert links[5][2] == dt.date(2024, 5, 31)  # the action list's new "Klart senast"
    assert _status(db, "ta fram en plan för gatubelysning", "tn_2024-03-06.md") == ("done", "tn_2024-09-11.md")
    assert _status(db, "utreda kostnaderna", "tn_2024-03-06.md") == ("not_started", "tn_2024-05-08.md")
    assert _status(db, "ta fram en ny taxa", "tn_2024-05-08.md") == ("open", None)  # new, on a similar matter
    assert _status(db, "ta fram en ny dokumenthanteringsplan", "ksau_2024-02-01.md") == ("done", "ksau_2024-03-07.md")


def test_a_repeated_action_list_row_is_the_earlier_assignment(db):
    rows = _rows(db, "SELECT a.task, a.status, r.document_id IS NOT NULL FROM assignments a "
                     "JOIN documents d USING (document_id) LEFT JOIN assignments r ON r.assignment_id = a.repeats_id "
                     "WHERE d.file_name = 'trygg_2024-04-02.md' ORDER BY a.assignment_id")
    assert rows == [("Skicka ut inbjudan till föräldramötet", "done", True),
                    ("Sammanställa enkätsvaren från föräldrarna", "in_progress", True),
                    ("Ta fram en karta över skolvägarna", "open", False)]
    # the prose and the row about the same task are one follow-up; the other statement stands merged into it
    merged = _rows(db, "SELECT count(*) FROM core.followups f JOIN documents d USING (document_id) "
                       "WHERE d.file_name = 'trygg_2024-04-02.md' AND f.merged_into IS NOT NULL")
    assert merged == [(2,)]


def test_never_across_bodies(db):
    assert _rows(db, LINKS.replace("ORDER BY", "WHERE d.file_name LIKE 'kfn%' ORDER BY")) == []
    crossing = _rows(db, """
        SELECT count(*) FROM assignment_followups f JOIN assignments a USING (assignment_id)
        JOIN core.document_bodies fb ON fb.document_id = f.document_id
        JOIN core.document_bodies ab ON ab.document_id = a.document_id WHERE fb.body_id <> ab.body_id""")
    assert crossing == [(0,)]
    bodies = _rows(db, "SELECT count(DISTINCT body_id) FROM core.document_bodies")
    assert bodies == [(4,)]  # Tekniska nämnden, Kultur- och fritidsnämnden, KSAU written two ways, the network


def _imported(runner, tmp_path: Path, docs: dict[str, str]) -> Path:
    """`docs` (file name -> Markdown) written to a folder and imported together; the warehouse."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name, md in docs.items():
        (folder / name).write_text(md, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    assert runner.invoke(main, ["import", str(folder), "--db", str(db), "-q"]).exit_code == 0
    return db


def _import_one_by_one(runner, files: list[Path], db: Path) -> None:
    for f in files:
        res = runner.invoke(main, ["import", str(f), "--db", str(db), "-q"])
        assert res.exit_code == 0, res.output


def _link_set(db: Path) -> list[tuple]:
    return _rows(db, "SELECT followup_id, assignment_id, status, new_deadline, repeats_id, merged_into "
                     "FROM core.followups WHERE assignment_id IS NOT NULL OR repeats_id IS NOT NULL ORDER BY 1")


@pytest.mark.slow
def test_the_same_links_in_any_order_and_imported_twice(runner, folder, db, tmp_path):
    expected = _link_set(db)
    assert len(expected) >= 8
    files = sorted(folder.iterdir())
    interleaved = tmp_path / "interleaved.duckdb"  # each body's meetings out of order, the bodies mixed
    _import_one_by_one(runner, files[1::2] + files[::2], interleaved)
    assert _link_set(interleaved) == expected
    backwards = tmp_path / "backwards.duckdb"  # every meeting arrives before the ones it reports on
    _import_one_by_one(runner, files[::-1], backwards)
    assert _link_set(backwards) == expected
    for again in (["import", str(folder), "--db", str(backwards), "-q"],
                  ["import", str(folder), "--db", str(backwards), "-q", "--force"]):
        assert runner.invoke(main, again).exit_code == 0
        assert _link_set(backwards) == expected


def test_a_changed_report_is_linked_again(runner, folder, tmp_path):
    work = tmp_path / "in"
    work.mkdir()
    for f in folder.iterdir():
        if f.name.startswith("tn_"):
            (work / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "w.duckdb"
    assert runner.invoke(main, ["import", str(work), "--db", str(db), "-q"]).exit_code == 0
    second = work / "tn_2024-05-08.md"
    second.write_text(TN_2.replace("Arbetet pågår och planen redovisas i september.",
                                   "Arbetet har inte påbörjats."), encoding="utf-8")
    (work / "tn_2024-09-11.md").unlink()
    assert runner.invoke(main, ["import", str(work), "--db", str(db), "-q"]).exit_code == 0
    assert [r[1] for r in _rows(db, LINKS) if r[0] == "tn_2024-05-08.md"] == ["not_started", "not_started"]


SERVICE_1 = """\
# Servicenämnden

| Sammanträdesdatum | 2024-02-01 |
| Beslutande | Åke Lind (S), ordförande<br>Mona Berg (M) |

## § 3 Lokalvård

Dnr SEN 2024/2

**Servicenämndens beslut**

Servicenämnden ger förvaltningen i uppdrag att ta fram en ny städpolicy senast 2024-06-30.
"""

SERVICE_2 = """\
# Servicenämnden

| Sammanträdesdatum | 2024-04-04 |
| Beslutande | Åke Lind (S), ordförande<br>Mona Berg (M) |

## § 14 Beslutsuppföljning

| Beslut | Uppdrag | Ansvarig | Status |
| § 3 2024-02-01 | Policy för lokalvård i kommunens lokaler | Förvaltningen | Pågår, klar i juni |
"""


def test_a_list_of_decisions_links_by_the_paragraph_it_names(runner, tmp_path):
    db = _imported(runner, tmp_path, {"sen_2024-02-01.md": SERVICE_1, "sen_2024-04-04.md": SERVICE_2})
    assert [(r[0], r[1], r[3], r[4]) for r in _rows(db, LINKS)] == [
        ("sen_2024-04-04.md", "in_progress", "paragraph", "ta fram en ny städpolicy")]


STYR = """\
# Minnesanteckningar Styrgruppen

| Datum | {date} |
| Närvarande | Anna Holm (AH)<br>{other} |

## 2. Digitala möten

{text}
"""


def test_a_plain_body_name_is_not_one_body_across_organisations(runner, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    first = STYR.format(date="2024-01-10", other="Bo Ek (BE)<br>Eva Dahl (ED)",
                        text="Beslut: AH tar fram en plan för digitala möten senast 2024-03-01.")
    other_org = STYR.format(date="2024-02-10", other="Carl Ny (CN)<br>Lisa Ros (LR)",
                            text="Punkt 2 från föregående möte: AH har tagit fram en plan för digitala möten.")
    same_org = STYR.format(date="2024-02-12", other="Bo Ek (BE)<br>Eva Dahl (ED)",
                           text="Punkt 2 från föregående möte: AH har tagit fram en plan för digitala möten.")
    (folder / "styr-a_2024-01-10.md").write_text(first, encoding="utf-8")
    (folder / "styr-b_2024-02-10.md").write_text(other_org, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    assert runner.invoke(main, ["import", str(folder), "--db", str(db), "-q"]).exit_code == 0
    assert _rows(db, LINKS) == []  # one attendee in common is a coincidence: two bodies
    (folder / "styr-a_2024-02-12.md").write_text(same_org, encoding="utf-8")
    assert runner.invoke(main, ["import", str(folder), "--db", str(db), "-q"]).exit_code == 0
    assert [(r[0], r[1], r[5]) for r in _rows(db, LINKS)] == [
        ("styr-a_2024-02-12.md", "done", "styr-a_2024-01-10.md")]


def test_body_names_written_several_ways():
    assert abbreviates("KSAU", ["Kommunstyrelsens", "arbetsutskott"])
    assert abbreviates("RAG", ["Regional", "arbetsgrupp"])
    assert not abbreviates("KS", ["Kultur-", "och", "fritidsnämnden"])
    assert same_name("KSAU", "Kommunstyrelsens arbetsutskott")
    assert same_name("RAG Rehabilitering", "Regional arbetsgrupp rehabilitering")
    assert not same_name("RAG Rehabilitering", "RAG Kemi")
    assert not same_name("Socialnämnden", "Kultur- och fritidsnämnden")
    assert names_of("Kommunstyrelsens arbetsutskott (KSAU)", None) == ["Kommunstyrelsens arbetsutskott", "KSAU"]
    assert names_of("Regional arbetsgrupp", "Regional arbetsgrupp (RAG) rehabilitering, Mellersta sjukvårdsregionen") \
        == ["Regional arbetsgrupp rehabilitering", "RAG rehabilitering"]
    assert names_of("Nätverket för anhörigstöd, möte 2024-06-13", "Minnesanteckningar") == ["Nätverket för anhörigstöd"]
    assert names_of("Socialnämnden i Lövåker", None) == ["Socialnämnden i Lövåker", "Socialnämnden"]
    first_lines = ("Regional arbetsgrupp (RAG) rehabilitering, Mellersta sjukvårdsregionen",)
    assert names_of("Regional arbetsgrupp", "Anteckningar från möte 2024-03-21", first_lines) == \
        ["Regional arbetsgrupp rehabilitering", "RAG rehabilitering"]  # the name in full on the first line
    assert names_of("Socialnämnden", None, ("Socialnämnden utser Göran Ek att justera protokollet.",)) == \
        ["Socialnämnden"]  # a sentence that names the body is not its name
    assert names_of("Kommunstyrelsen", None, ("Kommunstyrelsens beslut",)) == ["Kommunstyrelsen"]


def test_case_shows_the_life_of_a_matter(runner, db):
    res = runner.invoke(main, ["case", "TN 2024/7", "--db", str(db), "-f", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    kinds = [(r["meeting_date"], r["paragraph"], r["kind"], r["status"]) for r in rows]
    assert ("2024-03-06", "§ 5", "assignment", "done") in kinds
    assert ("2024-05-08", "§ 21", "followup", "in_progress") in kinds
    assert ("2024-09-11", "§ 40", "beslut", None) in kinds
    assert [k for k in kinds if k[2] == "followup"] == [("2024-05-08", "§ 21", "followup", "in_progress"),
                                                         ("2024-09-11", "§ 40", "followup", "done")]
    assert {r["body"] for r in rows} == {"Tekniska nämnden", "Kultur- och fritidsnämnden"}  # the matter, everywhere
    res = runner.invoke(main, ["case", "2024/", "--db", str(db)])
    assert res.exit_code == 1 and "give the whole diarienummer" in res.output
    res = runner.invoke(main, ["case", "XY 1999/1", "--db", str(db)])
    assert res.exit_code == 1 and "No agenda item has the diarienummer" in res.output


def test_followup_report_counts_and_writes_a_workbook(runner, db, tmp_path):
    out = tmp_path / "uppfoljning.xlsx"
    res = runner.invoke(main, ["followup", "--body", "tekniska", "--from", "2024-01-01", "--today", "2024-10-01",
                               "--db", str(db), "--xlsx", str(out)])
    assert res.exit_code == 0, res.output
    summary = res.output.splitlines()[2].split()
    # given, done, in progress, not started, never reported on, overdue (the rejected yrkande gives nothing)
    assert summary[-6:] == ["3", "1", "0", "1", "1", "1"]
    from openpyxl import load_workbook
    wb = load_workbook(out)
    assert wb.sheetnames == ["Sammanfattning", "Uppdrag"]
    assert [c.value for c in wb["Sammanfattning"][4]] == ["Tekniska nämnden", 3, 1, 0, 1, 1, 1]
    tasks = {r[3].value: (r[6].value, r[9].value) for r in wb["Uppdrag"].iter_rows(min_row=2)}
    assert tasks["utreda kostnaderna för vinterväghållningen"] == ("ej påbörjad", "ja")  # new date 2024-09-11 passed
    res = runner.invoke(main, ["followup", "--body", "KSAU", "--db", str(db), "-f", "csv"])
    assert res.output.splitlines()[1].startswith("Kommunstyrelsens arbetsutskott,2024-02-01,Karin Ahl,")
    res = runner.invoke(main, ["followup", "--body", "Kommunstyrelsens", "--db", str(db), "-f", "csv"])
    assert len(res.output.splitlines()) == 2  # the same body, one assignment
    res = runner.invoke(main, ["followup", "--body", "ingen sådan", "--db", str(db)])
    assert res.exit_code == 1 and "No meetings of a body" in res.output


def test_assigned_and_explain_show_where_a_task_was_reported(runner, db):
    res = runner.invoke(main, ["assigned", "Karin Ahl", "--db", str(db), "--today", "2024-05-01", "-f", "json"])
    (row,) = json.loads(res.output)
    assert (row["progress"], row["reported"], row["status"]) == ("done", "2024-03-07", "overdue")
    fid = _rows(db, "SELECT followup_id FROM assignment_followups f JOIN documents d USING (document_id) "
                    "WHERE d.file_name = 'ksau_2024-03-07.md'")[0][0]
    res = runner.invoke(main, ["explain", fid, "--db", str(db)])
    assert res.exit_code == 0 and f"followup {fid}" in res.output
    assert "reports on" in res.output and "ta fram en ny dokumenthanteringsplan" in res.output
    assert "anser uppdraget fullgjort" in res.output and "linked_by:case_number" in res.output


GRUPP_1 = """\
# Minnesanteckningar Arbetsgruppen för anhörigstöd

| Datum | 2024-02-08 |
| Närvarande | Anna Berglund (AB)<br>Per Nyman (PN)<br>Eva Holm (EH) |

## 3. Enkät om anhörigas behov

Gruppen går igenom enkäten. Anna Berglund tar fram en folder om anhörigstöd till vårdcentralerna.

## 4. Åtgärdslista

| Nr | Åtgärd | Ansvarig | Klart senast | Status |
| 1 | Skicka ut enkäten om anhörigas behov till kommunerna | AB | 2024-03-15 | Ny |
"""

GRUPP_2 = """\
# Minnesanteckningar Arbetsgruppen för anhörigstöd

| Datum | 2024-04-11 |
| Närvarande | Anna Berglund (AB)<br>Per Nyman (PN)<br>Eva Holm (EH) |

## 2. Uppföljning av föregående möte

Punkt 3 från föregående möte: Anna har skickat ut enkäten om anhörigas behov till kommunerna.
"""


def test_an_item_named_weighs_beside_the_persons_other_tasks(runner, tmp_path):
    """'Punkt 3 från föregående möte' where the task reported on was written in the action list, not in item 3:
    the words decide between the person's tasks of that meeting, the item named weighing in."""
    db = _imported(runner, tmp_path, {"grupp_2024-02-08.md": GRUPP_1, "grupp_2024-04-11.md": GRUPP_2})
    assert [(r[0], r[1], r[4]) for r in _rows(db, LINKS)] == [
        ("grupp_2024-04-11.md", "done", "Skicka ut enkäten om anhörigas behov till kommunerna")]


@pytest.mark.slow
def test_a_lake_links_follow_ups_as_the_warehouse_does(runner, db, folder, tmp_path):
    """An import into a lake (docs/scaling.md) links in the transaction that publishes the run: the same links."""
    from lakefix import needs_lake
    needs_lake()
    from minutes.warehouse.lake import reader
    lake = f"ducklake:sqlite:{tmp_path / 'lake.sqlite'}"
    assert runner.invoke(main, ["import", str(folder), "--db", lake, "-q"]).exit_code == 0
    sql = ("SELECT f.followup_id, f.assignment_id, f.status, f.new_deadline, a.status FROM assignment_followups f "
           "JOIN assignments a USING (assignment_id) ORDER BY 1")
    con = reader(lake)
    try:
        got = con.execute(sql).fetchall()
    finally:
        con.close()
    assert got == _rows(db, sql) and len(got) >= 6
