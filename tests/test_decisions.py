"""Decisions at document level: scopes, kinds, repeats, reports."""
from minutes.extractors.text import parse_text
from minutes.rules import analyse


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
