"""Formal protocols: diarienummer, yrkanden, votes, reservations, jäv and attendance per paragraph."""
from __future__ import annotations

import duckdb
import pytest

from minutes.cli import main

KF = """# Protokoll Kommunfullmäktige

| Sammanträdesdatum | 2025-04-24 |
| Plats och tid | Stadshuset, Sessionssalen, kl. 18.00–21.15 |
| Beslutande | Anna Berg (S), ordförande |
| | Bo Lind (M) |
| | Carina Ek (S) |
| | David Holm (SD) |
| | Eva Nord (C) |
| Tjänstgörande ersättare | Fredrik Sand (M), ersätter Gun Ahl (M) från § 46 |
| | Helena Ros (S) §§ 44–45 |
| Övriga närvarande | Ivar Strand, kommunsekreterare |

## § 44 Budget 2026 för Ale kommun

Dnr KS 2025/112

Kommunstyrelsen föreslår att fullmäktige fastställer budget 2026.

**Yrkanden**

Anna Berg (S) yrkar bifall till kommunstyrelsens förslag.

Bo Lind (M) yrkar att fullmäktige återremitterar ärendet.

**Propositionsordning**

Ordföranden ställer proposition på bifall till kommunstyrelsens förslag mot Bo Linds yrkande och finner att fullmäktige bifaller kommunstyrelsens förslag. Votering begärs.

**Omröstning**

Ja-röst för kommunstyrelsens förslag, nej-röst för Bo Linds yrkande.

| Ledamot | Parti | Ja | Nej | Avstår |
| Anna Berg | S | x | | |
| Bo Lind | M | | x | |
| Carina Ek | S | x | | |
| David Holm | SD | | | x |
| Eva Nord | C | x | | |

Omröstningen utfaller med 3 ja-röster mot 1 nej-röst, 1 ledamot avstår.

**Beslut**

Kommunfullmäktige fastställer budget 2026 för Ale kommun.

**Reservationer**

Bo Lind (M) reserverar sig mot beslutet till förmån för eget yrkande.

## § 45 Detaljplan för Kvarnbacken

Dnr KS 2024/87

Eva Nord (C) anmäler jäv och deltar inte i handläggningen av ärendet.

**Beslut**

Kommunfullmäktige antar detaljplanen för Kvarnbacken.

## § 46 Motion om fler laddstolpar

Dnr KS 2025/3

David Holm (SD) yrkar bifall till motionen. Carina Ek (S) yrkar avslag på motionen.

Ordföranden ställer proposition på yrkandena och finner att fullmäktige avslår motionen.

Omröstningen utfaller med 4 ja-röster mot 2 nej-röster, 1 avstår.

**Beslut**

Motionen avslås.

Sverigedemokraternas ledamöter reserverar sig mot beslutet med hänvisning till att laddinfrastrukturen är eftersatt.
"""

AU = """\
# Protokoll Kommunstyrelsens arbetsutskott

| Datum | 2025-05-06 |
| Tid | kl. 08.30–11.00 |
| Plats | Kommunhuset, rum Ljusnan |
| Beslutande | Karin Dahl (S), ordförande |
| | Lars Öst (M) |
| | Maja Berg (V) |
| Övriga | Nils Ås, sekreterare |

## § 12 Yttrande över remiss om regional transportplan

Diarienummer: KS 2025/0231

Maja Berg (V) yrkar att yttrandet kompletteras med krav på nattrafik.

Karin Dahl (S) yrkar bifall till förvaltningens förslag.

Ordföranden ställer proposition på yrkandena och finner att arbetsutskottet beslutar enligt Karin Dahls yrkande.

**Arbetsutskottets förslag till kommunstyrelsen**

Kommunstyrelsen antar förvaltningens yttrande som sitt eget.

## § 13 Information om sommarens bemanning

Informationen läggs till handlingarna.
"""

NAMND = """\
# Protokoll Socialnämnden

| Sammanträdesdatum | 2025-06-10 |
| Plats och tid | Rådhuset, kl. 13.00–16.00 |
| Beslutande | Olle Ek (C), ordförande |
| | Pia Holm (S) |
| | Rune Lax (KD) |
| Tjänstgörande ersättare | Siv Ung (S), tjänstgör för Rune Lax (KD) under § 31 |
| | Tove Ring (M), från § 32 |

## § 31 Upphandling av hemtjänst i Norrby

Dnr SN 2025/77

Rune Lax (KD) anmäler jäv och deltar inte i handläggningen av ärendet.

**Socialnämndens beslut**

Socialnämnden godkänner tilldelningsbeslutet.

## § 32 Budgetuppföljning

Dnr SN 2025/12

Votering begärs. Omröstningen utfaller med 3 ja-röster mot 2 nej-röster och 1 ledamot avstår.

**Socialnämndens beslut**

Socialnämnden godkänner budgetuppföljningen.
"""


@pytest.fixture
def warehouse(import_docs):
    db = import_docs({"kf_2025-04-24.docx": KF, "ksau_2025-05-06.pdf": AU, "sn_2025-06-10.pdf": NAMND})
    con = duckdb.connect(str(db), read_only=True)
    yield lambda sql: con.execute(sql).fetchall()
    con.close()


def by_file(name: str) -> str:
    return f"document_id = (select document_id from documents where file_name like '{name}%')"


def test_sections_keep_paragraph_numbers_and_diarienummer(warehouse):
    assert warehouse("select number, case_number from sections where case_number is not null order by 2") == [
        ("§ 45", "KS 2024/87"), ("§ 12", "KS 2025/0231"), ("§ 44", "KS 2025/112"), ("§ 46", "KS 2025/3"),
        ("§ 32", "SN 2025/12"), ("§ 31", "SN 2025/77")]


def test_kommunfullmaktige_roll_call_vote_table(warehouse):
    votes = warehouse(f"select paragraph, method, yes_count, no_count, abstain_count, absent_count, yes_means, "
                      f"no_means, outcome, counts_ok, flag from votes where {by_file('kf')} order by paragraph")
    assert votes == [
        ("§ 44", "votering", 3, 1, 1, None, "kommunstyrelsens förslag", "Bo Linds yrkande", "ja", True, None),
        ("§ 46", "votering", 4, 2, 1, None, None, None, "ja", True, None)]
    assert warehouse(f"select name, party, vote from person_votes where {by_file('kf')} order by ordinal") == [
        ("Anna Berg", "S", "ja"), ("Bo Lind", "M", "nej"), ("Carina Ek", "S", "ja"), ("David Holm", "SD", "avstår"),
        ("Eva Nord", "C", "ja")]
    # the vote belongs to the decision that follows it
    assert warehouse(f"select c.text from votes v join decisions c using (decision_id) where v.paragraph = '§ 44' "
                     f"and v.{by_file('kf')}") == [("Kommunfullmäktige fastställer budget 2026 för Ale kommun.",)]


def test_yrkanden_are_motions_with_outcomes_never_decisions(warehouse):
    assert warehouse(f"select paragraph, mover, party, text, outcome from motions where {by_file('kf')} "
                     "order by motion_id") == [
        ("§ 44", "Anna Berg", "S", "bifall till kommunstyrelsens förslag", "bifallet"),
        ("§ 44", "Bo Lind", "M", "att fullmäktige återremitterar ärendet", "avslaget"),
        ("§ 46", "David Holm", "SD", "bifall till motionen", "avslaget"),
        ("§ 46", "Carina Ek", "S", "avslag på motionen", "bifallet")]
    assert warehouse(f"select text from decisions where {by_file('kf')} order by ordinal") == [
        ("Kommunfullmäktige fastställer budget 2026 för Ale kommun.",),
        ("Kommunfullmäktige antar detaljplanen för Kvarnbacken.",),
        ("Motionen avslås.",)]
    assert warehouse("select count(*) from decisions where text ilike '%yrka%' or text ilike '%proposition%'") == [(0,)]


def test_reservations_by_person_and_by_party_group(warehouse):
    assert warehouse(f"select paragraph, name, party, reason, decision_id is not null from reservations "
                     f"where {by_file('kf')} order by reservation_id") == [
        ("§ 44", "Bo Lind", "M", "eget yrkande", True),
        ("§ 46", None, "SD", "att laddinfrastrukturen är eftersatt", True)]


def test_kommunfullmaktige_jav_and_substitutes_per_paragraph(warehouse):
    assert warehouse(f"select paragraph, case_number, name, party from recusals where {by_file('kf')}") == [
        ("§ 45", "KS 2024/87", "Eva Nord", "C")]
    assert warehouse(f"select name, party, status, from_paragraph, to_paragraph, except_paragraphs, replaces "
                     f"from paragraph_attendance where {by_file('kf')} order by name") == [
        ("Fredrik Sand", "M", "substitute", 46, None, None, "Gun Ahl"),
        ("Helena Ros", "S", "substitute", 44, 45, None, None)]
    assert warehouse(f"select count(*) from motions where {by_file('sn')}") == [(0,)]
    assert warehouse(f"select count(*) from reservations where not {by_file('kf')}") == [(0,)]


def test_arbetsutskott_yrkande_and_propositionsordning(warehouse):
    assert warehouse(f"select paragraph, case_number, mover, party, text, outcome from motions where {by_file('ksau')} "
                     "order by motion_id") == [
        ("§ 12", "KS 2025/0231", "Maja Berg", "V", "att yttrandet kompletteras med krav på nattrafik", "avslaget"),
        ("§ 12", "KS 2025/0231", "Karin Dahl", "S", "bifall till förvaltningens förslag", "bifallet")]
    assert warehouse(f"select method, finding, yes_count, outcome, counts_ok from votes where {by_file('ksau')}") == [
        ("acclamation", "arbetsutskottet beslutar enligt Karin Dahls yrkande", None, None, True)]
    assert warehouse(f"select kind, text from decisions where {by_file('ksau')} order by ordinal") == [
        ("förslag", "Kommunstyrelsen antar förvaltningens yttrande som sitt eget."),
        ("beslut", "Informationen läggs till handlingarna.")]


def test_namnd_jav_substitutes_and_a_vote_that_does_not_add_up(warehouse):
    assert warehouse(f"select paragraph, case_number, name, party from recusals where {by_file('sn')}") == [
        ("§ 31", "SN 2025/77", "Rune Lax", "KD")]
    assert warehouse(f"select name, party, status, from_paragraph, to_paragraph, replaces from paragraph_attendance "
                     f"where {by_file('sn')} order by name") == [
        ("Siv Ung", "S", "substitute", 31, 31, "Rune Lax"),
        ("Tove Ring", "M", "substitute", 32, None, None)]
    assert warehouse(f"select yes_count, no_count, abstain_count, outcome, counts_ok, flag from votes "
                     f"where {by_file('sn')}") == [
        (3, 2, 1, "ja", False, "6 votes counted but only 5 members could vote")]
    assert warehouse(f"select text from decisions where {by_file('sn')} order by ordinal") == [
        ("Socialnämnden godkänner tilldelningsbeslutet.",), ("Socialnämnden godkänner budgetuppföljningen.",)]


def test_a_vote_table_whose_sum_row_disagrees_is_flagged(runner, make_doc, tmp_path):
    md = KF.split("**Omröstning**")[0] + """**Omröstning**

| Ledamot | Parti | Ja | Nej | Avstår |
| Anna Berg | S | x | | |
| Bo Lind | M | | x | |
| Carina Ek | S | x | x | |
| Summa | | 3 | 1 | 0 |

**Beslut**

Kommunfullmäktige fastställer budget 2026.
"""
    db = tmp_path / "w.duckdb"
    runner.invoke(main, ["import", str(make_doc(md, "kf.md")), "--db", str(db)])
    con = duckdb.connect(str(db), read_only=True)
    (ok, flag), = con.execute("select counts_ok, flag from votes").fetchall()
    assert ok is False
    assert flag == "Carina Ek has 2 marks; the sum row says 3 ja but the table has 1"
    con.close()


def test_protocol_views_are_documented():
    from pathlib import Path
    contract = (Path(__file__).parent.parent / "docs" / "warehouse-contract.md").read_text(encoding="utf-8")
    for view in ("motions", "votes", "person_votes", "reservations", "recusals", "paragraph_attendance"):
        assert f"## {view}" in contract, view


def _protocol(md: str):
    from minutes.extractors.text import parse_text
    from minutes.rules import analyse
    ex = analyse(parse_text(md))
    return ex.protocol, {s.ordinal: s.number for s in ex.sections}


SN = """# Protokoll

Socialnämnden

Sammanträdesdatum 2016-11-23

SN § 115 Riktlinjer för färdtjänst

Gunnel Rask, C, yrkar bifall till förvaltningens förslag.

Tommy Borg, SD, yrkar avslag på förvaltningens förslag.

Ordföranden ställer proposition på yrkandena och finner att nämnden bifaller förvaltningens förslag.

Samtliga närvarande ledamöter för sverigedemokraterna reserverar sig mot beslutet.

SN § 116 Avtal om städning

Mats Ek anmälde jäv och deltog inte i handläggningen av ärendet.

Omröstningen utfaller med 6 ja-röster mot 4 nej-röster. 1 ledamot avstår.

Kristdemokraternas och Moderaternas ledamöter reserverar sig mot beslutet.

| Ledamot | Närvarande | Ja | Nej | Avstår |
|---|---|---|---|---|
| Gunnel Rask (C) | X | | | |
| Tommy Borg (SD) | X | | | |
"""


def test_comma_parties_party_groups_jav_without_party_and_counts_over_two_sentences():
    p, number = _protocol(SN)
    assert [(m.mover, m.party, number[m.section]) for m in p.motions] == [("Gunnel Rask", "C", "§ 115"),
                                                                          ("Tommy Borg", "SD", "§ 115")]
    assert [(r.name, r.party, number[r.section]) for r in p.reservations] == [
        (None, "SD", "§ 115"), (None, "KD", "§ 116"), (None, "M", "§ 116")]
    assert [(r.name, r.paragraph) for r in p.recusals] == [("Mats Ek", "§ 116")]
    assert [(number[v.section], v.method, v.yes, v.no, v.abstain) for v in p.votes] == [
        ("§ 115", "acclamation", None, None, None), ("§ 116", "votering", 6, 4, 1)]


def test_an_empty_ja_nej_grid_is_no_vote():
    p, _ = _protocol(SN.split("SN § 116")[0] + "| Ledamot | Ja | Nej | Avstår |\n|---|---|---|---|\n"
                     "| Gunnel Rask (C) | | | |\n| Tommy Borg (SD) | | | |\n")
    assert [(v.method, v.yes) for v in p.votes] == [("acclamation", None)]
