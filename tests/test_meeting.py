"""Meeting facts: body, region, meeting date, times, place, document type."""
import datetime as dt

import pytest

from minutes.extractors.text import parse_text
from minutes.rules.meeting import body_from_title, meeting_facts
from minutes.rules.meeting_when import find_times


def facts(md: str, name: str = "x.md"):
    return meeting_facts(parse_text(md), name)


@pytest.mark.parametrize("title,body", [
    ("Mötesanteckningar RPO Medicinsk diagnostik inkl. bilagor", "RPO Medicinsk diagnostik"),
    ("Protokoll Kommunstyrelsens arbetsutskott", "Kommunstyrelsens arbetsutskott"),
    ("Socialnämndens protokoll", "Socialnämnden"),
    ("Rapport från RAG Kemi", "RAG Kemi"),
    ("Minnesanteckningar Styrgruppen för e-hälsa 2025-01-16", "Styrgruppen för e-hälsa"),
    ("Protokoll från Barn- och utbildningsnämnden", "Barn- och utbildningsnämnden"),
    ("Minnesanteckningar från möte 4 februari 2025 Samverkansrådet", "Samverkansrådet"),
])
def test_body_from_title(title, body):
    assert body_from_title(title) == body


def test_labelled_header_table():
    m = facts("Publicerad 2024-10-25\n\n# Mötesanteckningar Regionsjukvårdsledningen i Sydöstra sjukvårdsregionen\n\n"
              "| Datum | 2024-10-10 |\n| Tid | 09.30-15.40 |\n| Plats | Gränsö slott, Västervik |\n")
    assert (m.body, m.region) == ("Regionsjukvårdsledningen", "Sydöstra sjukvårdsregionen")
    assert m.meeting_date == dt.date(2024, 10, 10)  # not the publication date above the title
    assert (m.start_time, m.end_time, m.place) == ("09:30", "15:40", "Gränsö slott, Västervik")
    assert m.doc_type == "minnesanteckningar"


def test_plats_och_tid_with_adjournment_and_a_weekday():
    m = facts("# Protokoll Kommunfullmäktige\n\nSammanträdesdatum: 2025-03-24\n\n"
              "Plats och tid: Stadshuset, sessionssalen, måndagen den 24 mars 2025 kl. 18.00–21.30 "
              "(ajournering 19:45–20:00)\n")
    assert m.meeting_date == dt.date(2025, 3, 24)
    assert (m.start_time, m.end_time) == ("18:00", "21:30")
    assert m.place == "Stadshuset, sessionssalen"
    assert m.doc_type == "protokoll" and m.body == "Kommunfullmäktige"


@pytest.mark.parametrize("text,labelled,expected", [
    ("Kl. 0930–1200", True, ("09:30", "12:00")),
    ("kl 10–12", True, ("10:00", "12:00")),
    ("09.30-15.40", True, ("09:30", "15:40")),
    ("13:00 – 16:30 (paus 14:30–14:45)", True, ("13:00", "16:30")),
    ("kl. 13.15", False, ("13:15", None)),
    ("Mötet pågick kl 10–12 i rum 4.", False, ("10:00", "12:00")),
    ("Paragraferna 13–14 behandlades.", False, (None, None)),
    ("2024-10-10", True, (None, None)),
])
def test_times(text, labelled, expected):
    assert find_times(text, labelled) == expected


def test_date_from_title_and_subtitle():
    assert facts("# Minnesanteckningar från möte 4 februari 2025\n\nText.").meeting_date == dt.date(2025, 2, 4)
    m = facts("# Samordningsråd Hjärta och kärl\n\n## Möte 2025-01-16\n\nText.")
    assert m.meeting_date == dt.date(2025, 1, 16) and m.body == "Samordningsråd Hjärta och kärl"
    m = facts("## Rapport från RAG Klinisk fysiologi\n\n17 april 2024\n\n## Resultat\n\nText.")
    assert (m.meeting_date, m.body, m.doc_type) == (dt.date(2024, 4, 17), "RAG Klinisk fysiologi", "rapport")


def test_plan_without_a_meeting_has_no_date():
    m = facts("# Handlingsplan 2025 för RPO Ögonsjukvård\n\nÅtgärderna följs upp under 2025. Rapport i mars.\n",
              "handlingsplan.md")
    assert m.meeting_date is None and m.doc_type == "handlingsplan"


@pytest.mark.parametrize("header,region", [
    ("Region Västerbotten", "Region Västerbotten"),
    ("Ale kommun", "Ale kommun"),
    ("Göteborgs Stad", "Göteborgs stad"),
])
def test_region_printed_above_the_title(header, region):
    from minutes.rules import analyse
    doc = parse_text(f"{header}\n\n# Protokoll Kommunstyrelsen\n\nSammanträdesdatum: 2025-05-05\n")
    assert analyse(doc).meeting.region == region


@pytest.mark.parametrize("text,found", [
    ("Beslutet fattades av Kommunstyrelsen i Ale i maj.", ["Ale kommun"]),
    ("Ärendet gick till Socialnämnden i Sjöbo.", ["Sjöbo kommun"]),
    ("Representanter för Lunds stad och Region Skåne deltog.", ["Lunds stad", "Region Skåne"]),
    ("Eslövs kommun och REGION ÖSTERGÖTLAND", ["Eslövs kommun", "Region Östergötland"]),
    ("Region':Kalmar län (OCR)", ["Region Kalmar län"]),
    ("Kommunen i stort och staden i övrigt.", []),  # the words alone name no municipality
    ("Styrgruppen för vårdnära service", []),
])
def test_organisations_named_in_text(text, found):
    from minutes.rules.vocab import vocab
    assert [org.name for _, _, org in vocab().find_orgs(text)] == found


def test_every_municipality_match_holds_one_of_its_words():
    """A pattern's `words` must be in each of its matches, or a text would skip a match it holds."""
    from minutes.rules.vocab import vocab
    from minutes.text import fold
    text = ("Ale kommun, Upplands-Bro kommun, Lilla Edet kommun, Kommunfullmäktige i Ale, kommunstyrelsen i Tjörn, "
            "Barn- och utbildningsnämnden i Kungälv, Socialnämnden i Lerum, Göteborgs Stad, Lunds stad")
    hits = 0
    for rx, words, _ in vocab()._shape_res:
        for m in rx.finditer(text):
            hits += 1
            assert any(w in fold(m.group()) for w in words), (m.group(), words)
    assert hits >= 9


def test_region_from_abbreviated_attendee_organisations():
    from minutes.rules import analyse
    doc = parse_text("# Minnesanteckningar RPO Ortopedi\n\n| Datum | 2025-05-05 |\n"
                     "| Närvarande | Anna Ek (AE) | RJL |\n| | Bo Lind (BL) | RKL |\n| | Cia Berg (CB) | RÖ |\n")
    ex = analyse(doc)
    assert [a.organisation for a in ex.attendees] == ["Region Jönköpings län", "Region Kalmar län",
                                                      "Region Östergötland"]
    assert ex.meeting.region == "Sydöstra sjukvårdsregionen"  # three regions of one healthcare region


def test_next_meeting_date():
    m = facts("# Protokoll Styrgruppen\n\nDatum: 2025-01-20\n\nNästa möte: 17 mars 2025 kl. 10.00.\n")
    assert m.next_meeting == dt.date(2025, 3, 17)


@pytest.mark.parametrize("title,doc_type", [
    ("Kallelse till Socialnämnden", "kallelse"),
    ("Föredragningslista Kommunstyrelsen", "kallelse"),
    ("Justerat protokoll Miljönämnden", "protokoll"),
    ("Lägesrapport digitaliseringsprogrammet", "rapport"),
    ("Välkommen till sommaren", "other"),
])
def test_doc_types(title, doc_type):
    assert facts(f"# {title}\n\nText.\n").doc_type == doc_type
