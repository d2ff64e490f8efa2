"""Assignments at document level: owners resolved against the attendees, tasks, deadlines."""
import datetime as dt

import pytest

from minutes.extractors.text import parse_text
from minutes.rules import analyse

HEADER = ("# Minnesanteckningar Styrgruppen för e-hälsa\n\n| Datum | 2024-06-14 |\n"
          "| Närvarande | Annica Öhrn (AÖ), ordförande | Region Östergötland |\n"
          "| | Nils Wall (NW) | RJL |\n| | Olle Hult (OH), processtöd | RKL |\n\nNästa möte: 2024-09-04\n\n")


def assignments(body: str):
    return [(a.owner, a.owner_kind, a.task, a.deadline) for a in analyse(parse_text(HEADER + body)).assignments]


def test_owner_forms_resolve_against_the_attendee_list():
    got = assignments("Beslut:\n\n- Ordf. ger NW i uppdrag att boka lokal senast 30/9.\n"
                      "- Processtöd kontaktar leverantören innan midsommar.\n"
                      "- Annika Öhrn tar med sig frågan om finansiering till nästa möte.\n")
    assert got == [("Nils Wall", "person", "boka lokal", dt.date(2024, 9, 30)),
                   ("Olle Hult", "person", "kontaktar leverantören", dt.date(2024, 6, 21)),
                   ("Annica Öhrn", "person", "tar med sig frågan om finansiering", dt.date(2024, 9, 4))]


def test_the_chair_and_roles():
    got = assignments("Ordföranden återkommer med ett förslag i augusti.\n\n"
                      "Ekonomichefen ansvarar för att budgeten stäms av v. 35.\n")
    assert got == [("Annica Öhrn", "person", "återkommer med ett förslag", dt.date(2024, 8, 31)),
                   ("Ekonomichefen", "role", "budgeten stäms av", dt.date(2024, 8, 30))]


def test_a_role_whose_words_share_an_ending_is_a_role():
    """'hälso- och sjukvårdsdirektören': the words before "och" share the last one's ending."""
    got = assignments("Beslut:\n\n- Styrgruppen ger hälso- och sjukvårdsdirektören i uppdrag att ta fram en plan.\n"
                      "- Vård-, omsorgs- och hälsochefen får i uppdrag att se över rutinen.\n"
                      "- Barn- och utbildningsnämnden ges i uppdrag att utreda skolskjutsen.\n")
    assert got == [("hälso- och sjukvårdsdirektören", "role", "ta fram en plan", None),
                   ("Vård-, omsorgs- och hälsochefen", "role", "se över rutinen", None),
                   ("Barn- och utbildningsnämnden", "group", "utreda skolskjutsen", None)]


@pytest.mark.parametrize("words, role", [
    ("hälso- och sjukvårdsdirektören", "hälso- och sjukvårdsdirektör"),
    ("vård-, omsorgs- och hälsochef", "vård-, omsorgs- och hälsochef"),
    ("barn- och utbildningschef", "barn- och utbildningschef"),  # not "barn- och skolchef"
    ("hälso- och sjukvård", None),  # the last word is no role: an area of work
    ("barn- och utbildningsnämnden", None),  # a body, not a role
])
def test_role_words_sharing_an_ending(words, role):
    from minutes.rules.vocab import vocab
    assert vocab().role(words) == role


def test_two_owners_are_two_rows():
    got = assignments("NW, OH tar fram en tidplan till nästa möte.\n")
    assert [(o, t) for o, _, t, _ in got] == [("Nils Wall", "tar fram en tidplan"), ("Olle Hult", "tar fram en tidplan")]


def test_groups_and_organisations_are_kept_as_written():
    got = assignments("Beslut:\n\n- Ledamöterna uppdras sondera intresset i regionerna.\n"
                      "- RCC ges i uppdrag att sammanställa statistiken under hösten 2024.\n"
                      "- Uppdrag ges till Koncernstab HR att se över bemanningen.\n")
    assert got == [("Ledamöterna", "group", "sondera intresset i regionerna", None),
                   ("RCC", "group", "sammanställa statistiken", dt.date(2024, 11, 30)),
                   ("Koncernstab HR", "group", "se över bemanningen", None)]


def test_ansvarig_label_and_initials_at_sentence_start():
    got = assignments("Rutinen revideras före sommaren. Ansvarig: OH.\n\nAÖ skickar ut kallelsen senast v. 33.\n\n"
                      "NW återberättar från konferensen.\n")
    assert got == [("Olle Hult", "person", "Rutinen revideras", dt.date(2024, 6, 21)),
                   ("Annica Öhrn", "person", "skickar ut kallelsen", dt.date(2024, 8, 16))]


def test_a_decision_with_a_deadline_but_no_owner():
    got = assignments("Beslut: Synpunkter på remissen lämnas till kansliet senast den 2 september.\n")
    assert got == [(None, None, "Synpunkter på remissen lämnas till kansliet", dt.date(2024, 9, 2))]


def test_action_table():
    got = assignments("| Åtgärd | Ansvarig | Klart senast |\n| Boka lokal | NW | v. 36 |\n"
                      "| Skicka kallelse | Processtöd | snarast |\n")
    assert got == [("Nils Wall", "person", "Boka lokal", dt.date(2024, 9, 6)),
                   ("Olle Hult", "person", "Skicka kallelse", None)]
    ex = analyse(parse_text(HEADER + "| Åtgärd | Ansvarig | Klart senast |\n| Skicka kallelse | OH | snarast |\n"))
    a = ex.assignments[0]
    assert (a.deadline_text, a.deadline_precision, a.rule) == ("snarast", None, "sv.assignment.action_table")


def test_reports_and_non_tasks_are_not_assignments():
    got = assignments("Regionstyrelsen gav den 12 mars förvaltningen i uppdrag att utreda frågan.\n\n"
                      "Vi ber om ursäkt för förseningen.\n\nDet tar tid att rekrytera.\n")
    assert got == []


def test_every_row_carries_page_rule_and_source():
    ex = analyse(parse_text(HEADER + "Beslut: NW uppdras att boka lokal.\n"))
    a = ex.assignments[0]
    assert a.page == 1 and a.rule == "sv.assignment.uppdras" and a.source == "NW uppdras att boka lokal."
    assert a.decision == ex.decisions[0].ordinal


def _owner_rule_cases():
    from minutes.rules.loader import load
    for rule in load("assignments")["owner_rules"]:
        for n, ex in enumerate(rule["examples"]):
            yield pytest.param(rule["id"], ex.get("text") or ex["no_match"], ex.get("owner"), ex.get("task"),
                               id=f"{rule['id']}-{n}")


@pytest.mark.parametrize("rule_id,text,owner,task", list(_owner_rule_cases()))
def test_owner_rule_examples(rule_id, text, owner, task):
    """The examples of assignments.yaml's owner_rules, each read as a whole document of a meeting."""
    found = [a for a in analyse(parse_text(MINUTES + text)).assignments if a.rule == rule_id]
    if owner is None:
        assert not found, [(a.owner, a.task) for a in found]
    else:
        assert (found[0].owner, found[0].task) == (owner, task), [(a.owner, a.task) for a in found]


#: a meeting's first lines: the rules read running text as tasks only in minutes of a meeting
MINUTES = "# Minnesanteckningar\n\nStyrgruppen för kustfiske\n\nDatum 2023-03-08\n\n"


def test_first_names_shared_owners_units_and_owner_headings():
    got = [(a.owner, a.task, a.deadline) for a in analyse(parse_text(MINUTES + (
        "Närvarande: Lena Holm, Ivo Rask, Per Olsson, Ahmed Yusuf\n\n## 2. Webbplatsen\n\n"
        "Ivo var inte med. Lena kontaktar Ivo om webbplatsen. Per och Ahmed tar fram ett förslag till struktur "
        "senast den 30 april.\n\n## 3. Åtgärder\n\nKansliet:\n\n- Boka lokal för höstens träff.\n\n"
        "Tekniska förvaltningen ska se över skyltningen.\n"))).assignments]
    assert got == [("Lena Holm", "kontaktar Ivo om webbplatsen", None),
                   ("Per Olsson", "tar fram ett förslag till struktur", dt.date(2023, 4, 30)),
                   ("Ahmed Yusuf", "tar fram ett förslag till struktur", dt.date(2023, 4, 30)),
                   ("Tekniska förvaltningen", "se över skyltningen", None),
                   ("Kansliet", "Boka lokal för höstens träff", None)]


def test_a_yrkande_proposes_a_task_and_a_delegation_gives_one():
    got = [(a.owner, a.task) for a in analyse(parse_text(
        "# Protokoll\n\nMiljönämnden\n\nSammanträdesdatum 2008-03-13\n\n## § 14 Yttrande\n\n"
        "Eva Lund (V) yrkar att förvaltningen får i uppdrag att utreda frågan.\n\n"
        "Kjell Ek (M) yrkade att nämnden skulle besluta:\n\n-Att ge kontoret i uppdrag att återkomma.\n\n"
        "Beslut\n\nMiljönämnden beslutade delegera till miljöchefen att avge yttrande över förslaget.\n")).assignments]
    assert got == [("miljöchefen", "avge yttrande över förslaget")]


def test_a_task_given_before_the_meeting_is_history_but_one_due_after_it_is_not():
    got = [(a.owner, a.deadline) for a in analyse(parse_text(MINUTES + (
        "Närvarande: Lena Holm, Ivo Rask\n\nLena Holm fick i uppdrag att sammanställa statistiken till mötet den "
        "20 april.\n\nStyrelsen gav den 12 januari Ivo Rask i uppdrag att ta fram en karta.\n"))).assignments]
    assert got == [("Lena Holm", dt.date(2023, 4, 20))]


def test_a_first_name_resolves_to_the_one_full_name_the_document_writes():
    got = [(a.owner, a.task) for a in analyse(parse_text(MINUTES + (
        "Närvarande: Lena Holm, Ivo Rask\n\nFrån kansliet: Ingrid Mårtensson, processledare\n\n"
        "## 2. Rekrytering\n\nIngrid tar fram ett förslag till kampanj. Uppdras åt kansliet att boka lokal.\n"
        "\nGöran tar fram en karta.\n"))).assignments]
    assert sorted(got) == [("Ingrid Mårtensson", "tar fram ett förslag till kampanj"), ("kansliet", "boka lokal")]
