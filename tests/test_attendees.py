"""Attendees from every common layout, with positive and negative Swedish examples."""
import pytest

from minutes.extractors import extract
from minutes.extractors.text import parse_text
from minutes.rules.attendees import find_attendees, parse_person


def people(md: str, doc_type=None):
    return [(a.name, a.initials, a.role, a.organisation, a.party, a.status, a.attended)
            for a in find_attendees(parse_text(md), doc_type)]


def test_label_table_one_person_per_row():
    rows = people("| Närvarande: | Lena Bergvin Lundqvist, (LB) ordf.1025–1200 | RÖ |\n"
                  "| | Liselotte Joelsson, (LJ) processtödj | RÖ |\n"
                  "| | Andreas Käll (AK) | RJL |\n"
                  "| Frånvarande: | Erik Portelius (EP) | RKL |\n")
    assert rows == [
        ("Lena Bergvin Lundqvist", "LB", "ordförande", "Region Östergötland", None, "present", "10:25–12:00"),
        ("Liselotte Joelsson", "LJ", "processtöd", "Region Östergötland", None, "present", None),
        ("Andreas Käll", "AK", None, "Region Jönköpings län", None, "present", None),
        ("Erik Portelius", "EP", None, "Region Kalmar län", None, "absent", None),
    ]


def test_one_cell_of_names_beside_one_cell_of_organisations():
    rows = people("| Förhinder | Lina Isaksson<br>Ninnie Borendahl Wodlin<br>Sofia Persson | "
                  "Region Kalmar län<br>US, Region Östergötland<br>Region Jönköpings län |\n"
                  "| Adjungerade | Fredrik Rosmer (2)<br>Ingeborg Eriksson (10-17) | Region Kalmar län<br>VGR |\n")
    assert [(r[0], r[3], r[5], r[6]) for r in rows] == [
        ("Lina Isaksson", "Region Kalmar län", "absent", None),
        ("Ninnie Borendahl Wodlin", "Region Östergötland", "absent", None),
        ("Sofia Persson", "Region Jönköpings län", "absent", None),
        ("Fredrik Rosmer", "Region Kalmar län", "adjunct", "punkt 2"),
        ("Ingeborg Eriksson", "Västra Götalandsregionen", "adjunct", "punkt 10-17"),
    ]


def test_running_text_list():
    rows = people("Närvarande: Anna Svensson (AS, ordf.), Peter Ek (PE), Karin Lund (KL, sekr.)\n\n"
                  "Övriga närvarande: Jonas Berg, ekonomichef §§ 13–14\n")
    assert rows == [("Anna Svensson", "AS", "ordförande", None, None, "present", None),
                    ("Peter Ek", "PE", None, None, None, "present", None),
                    ("Karin Lund", "KL", "sekreterare", None, None, "present", None),
                    ("Jonas Berg", None, "ekonomichef", None, None, "adjunct", "§§ 13–14")]


def test_politicians_parties_and_substitutes():
    rows = people("| Beslutande | Eva Lindström (S), ordförande<br>Per Andersson (M), vice ordförande<br>"
                  "Mats Öberg (KD), tjänstgörande ersättare för Lars Holm (KD)<br>Sara Nilsson (C) |\n"
                  "| Ej tjänstgörande ersättare | Olle Berg (V) |\n")
    assert [(r[0], r[2], r[4], r[5]) for r in rows] == [
        ("Eva Lindström", "ordförande", "S", "present"),
        ("Per Andersson", "vice ordförande", "M", "present"),
        ("Mats Öberg", "tjänstgörande ersättare", "KD", "substitute"),
        ("Lars Holm", None, "KD", "absent"),
        ("Sara Nilsson", None, "C", "present"),
        ("Olle Berg", "ersättare", "V", "adjunct"),
    ]


def test_label_paragraph_followed_by_one_person_per_line():
    rows = people("Deltagare:\n\n- Maria Holm, samordnare, Region Halland\n- Johan Ek, Region Skåne\n\n"
                  "## 1. Inledning\n\nMaria Holm hälsar välkommen.\n")
    assert [(r[0], r[2], r[3]) for r in rows] == [("Maria Holm", "samordnare", "Region Halland"),
                                                  ("Johan Ek", None, "Region Skåne")]


def test_statuses_from_labels():
    md = ("| Närvarande | Anna Ek |\n| Anmält förhinder | Bo Lind |\n| Tjänstemän | Cia Berg |\n"
          "| Gäst | Dan Ek |\n| Tjänstgörande ersättare | Eva Berg |\n| Övriga deltagare | Fia Holm |\n")
    assert [(r[0], r[5]) for r in people(md)] == [("Anna Ek", "present"), ("Bo Lind", "absent"),
                                                  ("Cia Berg", "adjunct"), ("Dan Ek", "adjunct"),
                                                  ("Eva Berg", "substitute"), ("Fia Holm", "adjunct")]


def test_column_header_table_with_presence_marks():
    md = ("| Namn | Organisation | Närvarande | Frånvarande |\n| Anna Ek | Region Halland | x | |\n"
          "| Bo Lind | Region Skåne | | x |\n")
    assert [(r[0], r[3], r[5]) for r in people(md)] == [("Anna Ek", "Region Halland", "present"),
                                                        ("Bo Lind", "Region Skåne", "absent")]


def test_signatures_and_running_text_are_not_attendees():
    md = ("| Närvarande | Anna Ek, ordförande<br>Bo Lind |\n\n## 1. Budget\n\nCarl Holm presenterar budgeten "
          "och Dora Berg ställer frågor.\n\nVid anteckningarna\n\nErik Sund\n\n**Underskrifter**\n\n"
          "| Ordförande | Anna Ek |\n| Justerare | Frida Lund |\n")
    assert [r[0] for r in people(md)] == ["Anna Ek", "Bo Lind"]


def test_justerare_adds_a_role_to_a_listed_person_only():
    md = "| Beslutande | Anna Ek (S), ordförande<br>Bo Lind (M) |\n| Justerare | Bo Lind |\n"
    assert [(r[0], r[2]) for r in people(md)] == [("Anna Ek", "ordförande"), ("Bo Lind", "justerare")]


def test_a_kallelse_lists_no_attendees():
    assert people("| Ledamöter | Anna Ek<br>Bo Lind |", doc_type="kallelse") == []


def test_organisations_are_not_people():
    assert parse_person("Region Kalmar län") == []
    assert parse_person("Kommunstyrelsen i Ale") == []
    assert parse_person("Inga övriga frågor") == []


def test_side_by_side_pdf_table(make_doc):
    md = ("# Minnesanteckningar RAG Patologi\n\n<!-- table: plain -->\n"
          "| Närvarande | Åsa Öberg, ordförande<br>Göran Ärlig<br>Märta Ådahl | "
          "Region Örebro län<br>Region Värmland<br>Region Dalarna |\n")
    found = find_attendees(extract(make_doc(md, "rag.pdf")))
    assert [(a.name, a.role, a.organisation) for a in found] == [
        ("Åsa Öberg", "ordförande", "Region Örebro län"), ("Göran Ärlig", None, "Region Värmland"),
        ("Märta Ådahl", None, "Region Dalarna")]


def test_a_person_with_two_roles_keeps_both():
    md = ("| Beslutande | Eva Ek (S), ordförande<br>Bo Lind (M)<br>Cia Berg (V) |\n"
          "| Utses att justera | Eva Ek (S), Cia Berg (V) |\n")
    found = {a.name: (a.role, a.roles) for a in find_attendees(parse_text(md))}
    assert found == {"Eva Ek": ("ordförande", ["ordförande", "justerare"]), "Bo Lind": (None, []),
                     "Cia Berg": ("justerare", ["justerare"])}


@pytest.mark.slow
def test_roles_reach_the_warehouse(runner, make_doc, tmp_path):
    import duckdb

    from minutes.cli import main
    doc = make_doc("# Protokoll\n\nSammanträdesdatum 2025-03-04\n\n"
                   "| Beslutande | Eva Ek (S), ordförande<br>Bo Lind (M) |\n| Utses att justera | Eva Ek (S) |\n",
                   "ks_2025-03-04.docx")
    db = tmp_path / "w.duckdb"
    result = runner.invoke(main, ["import", str(doc.parent), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("select name, role, roles from attendees order by name").fetchall()
    assert rows == [("Bo Lind", None, None), ("Eva Ek", "ordförande", "ordförande, justerare")]
