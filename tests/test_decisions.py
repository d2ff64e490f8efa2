"""Decisions at document level: scopes, kinds, repeats, reports."""
import pytest

from minutes.extractors.text import parse_text
from minutes.rules import analyse
from minutes.rules.decisions import rules
from minutes.rules.loader import load


def decisions(md: str):
    return [(d.kind, d.text) for d in analyse(parse_text(md)).decisions]


def test_every_item_under_a_label_is_its_own_decision():
    md = ("## § 4 Budget\n\nEkonomichefen redovisar.\n\n**Arbetsutskottets beslut**\n\n"
          "1. Informationen läggs till handlingarna.\n2. Förvaltningen får i uppdrag att ta fram en plan.\n\n"
          "**Beslutet skickas till**\n\nEkonomiavdelningen\n")
    assert decisions(md) == [("beslut", "Informationen läggs till handlingarna."),
                             ("beslut", "Förvaltningen får i uppdrag att ta fram en plan.")]


def test_label_with_text_on_the_same_line_and_continuation():
    md = ("Beslut: Nämnden ställer sig bakom förslaget till direktiv. Förslaget överlämnas till fullmäktige.\n\n"
          "Vidare ger nämnden förvaltningen i uppdrag att utse en utredare.\n\n"
          "Förvaltningschefen tackar för diskussionen.\n")
    assert decisions(md) == [
        ("beslut", "Nämnden ställer sig bakom förslaget till direktiv. Förslaget överlämnas till fullmäktige."),
        ("beslut", "Vidare ger nämnden förvaltningen i uppdrag att utse en utredare.")]


def test_bare_label_then_one_paragraph():
    md = "Socialnämndens beslut\n\nSocialnämnden godkänner rapporten.\n\nHandläggaren svarar på frågor.\n"
    assert decisions(md) == [("beslut", "Socialnämnden godkänner rapporten.")]


def test_kinds():
    md = ("**Förslag till beslut**\n\nKommunstyrelsen föreslås besluta att\n\n- anta riktlinjerna.\n\n"
          "## 2. Uppföljning\n\n**Summering**\n\nGruppen tackar för informationen.\n\n"
          "## 3. Ställningstaganden\n\nFörslag till ställningstaganden vid mötet 2025-02-12\n\n"
          "Samverkansrådet ställer sig bakom följande:\n\n1. Planen revideras årligen.\n2. Rådet följer upp "
          "arbetet.\n")
    assert decisions(md) == [("förslag", "anta riktlinjerna."), ("summering", "Gruppen tackar för informationen."),
                             ("ställningstagande", "Planen revideras årligen."),
                             ("ställningstagande", "Rådet följer upp arbetet.")]


def test_running_text_triggers():
    md = ("Beslutades att anta dagordningen.\n\nStyrgruppen beslutade att skjuta upp frågan till hösten.\n\n"
          "Rapporten läggs till handlingarna.\n\nDelårsrapporten fastställs.\n\n"
          "Gruppen diskuterade länge men kom inte fram till något.\n")
    assert [t for _, t in decisions(md)] == ["Beslutades att anta dagordningen.",
                                             "Styrgruppen beslutade att skjuta upp frågan till hösten.",
                                             "Rapporten läggs till handlingarna.", "Delårsrapporten fastställs."]


def test_reports_of_earlier_decisions_are_not_decisions():
    md = ("Regionstyrelsen har tidigare ställt sig bakom målbilden.\n\n"
          "Ansökan avslogs eftersom inga projekt med upphandling godkändes.\n\n"
          "Fullmäktige beslutade den 12 mars 2024 att anta planen.\n")
    assert decisions(md) == []


def test_a_repeated_list_is_one_set_of_rows_and_near_twins_stay_apart():
    items = ("1. Koncernstab HR säkrar att avropstiderna är adekvata för den akuta verksamheten.\n"
             "2. Koncernstab HR säkrar att avropstiderna är adekvata för den elektiva verksamheten.\n")
    draft = items.replace("avropstiderna", "avropstiderrna", 1)  # a typo in the draft
    md = (f"Förslag till ställningstaganden\n\nRådet ställer sig bakom följande:\n\n{draft}\n"
          f"## Ren kopia\n\nFörslag till ställningstaganden\n\nRådet ställer sig bakom följande:\n\n{items}")
    texts = [t for _, t in decisions(md)]
    assert texts == ["Koncernstab HR säkrar att avropstiderna är adekvata för den akuta verksamheten.",
                     "Koncernstab HR säkrar att avropstiderna är adekvata för den elektiva verksamheten."]


def test_decisions_carry_section_page_and_rule():
    ex = analyse(parse_text("## § 7 Lokaler\n\nBeslut: Nämnden godkänner hyresavtalet.\n"))
    d = ex.decisions[0]
    assert (d.page, d.rule, ex.sections[d.section - 1].title) == (1, "sv.decision.label.beslut.inline", "Lokaler")
    assert d.source == "Nämnden godkänner hyresavtalet."


#: a protocol's first lines: the rules read running text as decisions in minutes of a meeting
HEAD = "# Protokoll\n\nSocialnämnden\n\nSammanträdesdatum 2024-03-12\n\n"


def test_each_att_clause_after_a_bare_preamble_is_a_decision():
    md = (HEAD + "## § 12 Detaljplan för Ängsbacken\n\nKommunfullmäktige beslutar\n\n"
          "att anta detaljplanen för Ängsbacken 2:4,\n\n"
          "att ge kommunstyrelsen i uppdrag att teckna avtal med exploatören.\n\n"
          "## § 13 Taxa\n\nRegionstyrelsen beslutar\n\natt anta taxan, samt att ge regiondirektören i uppdrag "
          "att följa upp den.\n")
    assert [t for _, t in decisions(md)] == [
        "att anta detaljplanen för Ängsbacken 2:4,",
        "att ge kommunstyrelsen i uppdrag att teckna avtal med exploatören.",
        "att anta taxan", "att ge regiondirektören i uppdrag att följa upp den."]


def test_an_att_clause_first_under_an_item_is_its_decision():
    md = (HEAD + "## § 2 Fastställande av dagordning\n\natt fastställa dagordningen\n\n"
          "## § 3 Ekonomichefens rapport\n\natt notera informationen till protokollet.\n\n"
          "## § 4 Övrigt\n\nOrdföranden berättade om kurserna. Att många anmält sig är glädjande.\n\n"
          "## § 5 Mål\n\nAtt fler unga deltar är ett mål för året.\n")
    assert [t for _, t in decisions(md)] == ["att fastställa dagordningen",
                                             "att notera informationen till protokollet."]


def test_appointments_and_older_verbs():
    md = (HEAD + "## 2. Sekreterare\n\nTill sekreterare utsågs Mona Berglund.\n\n"
          "## 3. Justering\n\nAtt jämte ordföranden justera dagens protokoll utsågs Dragan Ilić. "
          "Justeringen beslutades ske den 4 maj.\n\n"
          "## 4. Bokslut\n\nFörelåg bokslut för 2011. Styrelsen beslöt godkänna bokslutet.\n\n"
          "## 5. Dagordning\n\nDagordningen godkännes i befintligt skick.\n\n"
          "## 6. Gemensam enkät\n\nMötet enades om att skicka en enkät till företagen.\n")
    assert [t for _, t in decisions(md)] == [
        "Till sekreterare utsågs Mona Berglund.", "Att jämte ordföranden justera dagens protokoll utsågs Dragan Ilić.",
        "Justeringen beslutades ske den 4 maj.", "Förelåg bokslut för 2011. Styrelsen beslöt godkänna bokslutet.",
        "Dagordningen godkännes i befintligt skick.", "Mötet enades om att skicka en enkät till företagen."]


def test_the_same_words_under_two_items_are_two_decisions():
    md = (HEAD + "## 1. Information om färdtjänst\n\nKim Ek informerade.\n\nInformationen noteras.\n\n"
          "## 2. Information om parkering\n\nUlla Ås informerade.\n\nInformationen noteras.\n")
    assert [t for _, t in decisions(md)] == ["Informationen noteras.", "Informationen noteras."]


def test_not_decisions_form_labels_accounts_and_tasks_in_running_text():
    md = (HEAD + "Utses att justera: Eva Ek\n\nParagrafer 33-38, Ivo Rask, § 34 Utses att justera: Tor Ek\n\n"
          "## 3. Förbundet\n\nPer Holm berättade om förbundet. Ett styrelsemöte ägde rum i mars. "
          "Sju ledamöter valdes. Vidare antogs en tidplan.\n\n"
          "Ordföranden ger kansliet i uppdrag att boka lokal.\n\n"
          "Till justerare ska utses en ledamot från oppositionen.\n")
    assert decisions(md) == []


def test_a_task_paragraph_goes_on_deciding_under_a_label():
    md = (HEAD + "## § 4 Motion om solceller\n\nBeslut\n\nKommunstyrelsen föreslår fullmäktige besluta att motionen "
          "anses besvarad.\n\nKommunstyrelsen ger tekniska förvaltningen i uppdrag att ta fram en plan.\n\n"
          "Reservation\n\nEva Ek (V) reserverar sig mot beslutet.\n")
    assert [t for _, t in decisions(md)] == [
        "Kommunstyrelsen föreslår fullmäktige besluta att motionen anses besvarad.",
        "Kommunstyrelsen ger tekniska förvaltningen i uppdrag att ta fram en plan."]


@pytest.mark.parametrize("text,expected", [(t, True) for t in load("decisions")["clause"]["examples"]["match"]]
                         + [(t, False) for t in load("decisions")["clause"]["examples"]["no_match"]])
def test_clause_examples(text, expected):
    """The examples of decisions.yaml's att-clause shape."""
    assert rules().is_clause(text) is expected


@pytest.mark.parametrize("sentence, decided", [
    ("Nämnden beslutade att avgiften gäller från den 1 juli 2025.", True),  # a date inside what is decided
    ("Styrelsen beslutade att ändringen träder i kraft den 1 januari 2026.", True),
    ("Kommunstyrelsen beslutade den 12 maj 2024 att anta planen.", False),  # an earlier decision, reported
])
def test_a_date_makes_a_report_only_before_what_is_decided(sentence, decided):
    md = f"# Protokoll Socialnämnden 2025-03-10\n\n## § 1 Taxor\n\n{sentence}\n"
    assert bool(decisions(md)) == decided
