"""The follow-up rule: every pattern of rules/sv/followups.yaml runs its Swedish examples, and the rule
reads statements, their status, references and new dates from small documents."""
import datetime as dt

import pytest

from minutes.rules import analyse
from minutes.rules.followups import rules
from minutes.rules.loader import load
from minutes.text import fold

DATA = load("followups")


def _cases(entries, check):
    for e in entries:
        for text in e["examples"]["match"]:
            yield pytest.param(e, text, True, check, id=f"{e.get('id', check)}+{text[:30]}")
        for text in e["examples"]["no_match"]:
            yield pytest.param(e, text, False, check, id=f"{e.get('id', check)}-{text[:30]}")


def _status_of(entry, text):
    found = rules().status(text)
    return found is not None and found[1] == entry["id"]


def _cell_of(entry, text):
    found = rules().cell(text)
    return found is not None and found[1] == entry["id"]


def _regex(name):
    return lambda entry, text: bool(getattr(rules(), name).search(fold(text)))


CASES = [
    *_cases(DATA["statuses"], "status"),
    *_cases(DATA["status_cells"], "cell"),
    *_cases(DATA["report_titles"], "title"),
    *_cases([DATA["item_ref"], DATA["previous_ref"]], "reference"),
    *_cases([DATA["paragraph_ref"]], "paragraph"),
    *_cases([DATA["label_status"]], "label_status"),
    *_cases([DATA["row_line"]], "row_line"),
    *(c for name in ("excluded_items", "skipped_labels", "followup_items", "information", "date_cues", "old_date")
      for c in _cases([dict(DATA[name], id=name)], name)),
]
CHECKS = {
    "status": _status_of,
    "cell": _cell_of,
    "title": lambda e, t: (rules().title_status(t) or (None, None))[1] == e["id"],
    "reference": lambda e, t: rules().item_of(t) is not None and (e["id"].endswith("previous") or
                                                                   bool(rules().item_of(t))),
    "paragraph": lambda e, t: bool(rules().paragraphs_of(t)),
    "label_status": lambda e, t: rules().label_status(t) is not None,
    "row_line": lambda e, t: bool(rules().line["status_label"].search(fold(t))),
    "excluded_items": _regex("excluded_items"),
    "skipped_labels": lambda e, t: bool(rules().skipped_labels.fullmatch(fold(t))),
    "followup_items": _regex("followup_items"),
    "information": lambda e, t: bool(rules().information.search(fold(t))),
    "date_cues": _regex("date_cues"),
    "old_date": _regex("old_date"),
}


@pytest.mark.parametrize("entry,text,expected,check", CASES)
def test_followup_patterns_match_their_examples(entry, text, expected, check):
    assert CHECKS[check](entry, text) is expected, (entry.get("id"), text)


def test_every_followup_pattern_has_positive_and_negative_examples():
    entries = DATA["statuses"] + DATA["status_cells"] + DATA["report_titles"] + [DATA[k] for k in (
        "item_ref", "previous_ref", "paragraph_ref", "label_status", "row_line", "excluded_items", "skipped_labels",
        "followup_items",
        "information", "date_cues", "old_date")]
    for e in entries:
        assert e["examples"]["match"] and e["examples"]["no_match"], e


def test_the_strongest_status_wins():
    r = rules()
    assert r.status("Ett utkast har tagits fram, men arbetet pågår.")[0] == "in_progress"
    assert r.status("Nämnden lägger redovisningen till handlingarna och anser uppdraget fullgjort. Arbetet "
                    "pågick länge.")[0] == "done"
    assert r.status("Arbetet har inte påbörjats. Ny redovisning i oktober.")[0] == "not_started"
    assert r.paragraphs_of("med anledning av beslut 2024-06-12, § 58, och § 7 2023-01-10") == \
        ["2024-06-12 § 58", "2023-01-10 § 7"]
    assert r.paragraphs_of("uppdraget enligt KS § 45/2024 och uppdraget enligt § 9") == ["2024 § 45", "§ 9"]
    assert r.paragraphs_of("Punkt 4 i minnesanteckningarna från 2024-03-21: pågår.") == ["2024-03-21 4"]


PROTOCOL = """\
# Tekniska nämnden

| Sammanträdesdatum | 2024-05-08 |
| Närvarande | Ida Holm (S), ordförande<br>Per Ek (M) |
| Övriga närvarande | Lena Strand, förvaltningschef |

## § 21 Återrapportering av uppdrag om gatubelysning

Dnr TN 2024/7

Förvaltningschef Lena Strand återrapporterar uppdraget enligt § 5 2024-03-06. Arbetet pågår och planen redovisas i september.

**Tekniska nämndens beslut**

Nämnden lägger återrapporteringen till handlingarna.

## § 22 Parkeringsutredning

Dnr TN 2024/9

**Yrkanden**

Per Ek (M) yrkar att nämnden ger förvaltningen i uppdrag att genomföra en parkeringsutredning.

**Tekniska nämndens beslut**

Nämnden avslår yrkandet. Nämnden ger förvaltningen i uppdrag att ta fram en ny taxa senast 2024-12-31.

## § 23 Redovisning av delegationsbeslut

- Avtal om gatubelysning, Dnr TN 2024/7

**Tekniska nämndens beslut**

Nämnden lägger redovisningen till handlingarna.
"""

MINUTES = """\
# Minnesanteckningar Nätverket för trygg skolväg

| Datum | 2024-04-02 |
| Närvarande | Ola Berg (OB)<br>Sara Lind (SL) |

## 1. Uppföljning av föregående möte

Punkt 3 från föregående möte: Ola har skickat ut inbjudan till föräldramötet.

Enkäten: SL har börjat sammanställa svaren och räknar med att de är klara i maj.

## 2. Åtgärdslista

| Nr | Åtgärd | Ansvarig | Klart senast | Status |
| 1 | Skicka ut inbjudan till föräldramötet | OB | 2024-03-15 | Klar |
| 2 | Sammanställa enkätsvaren | SL | 2024-05-31 (tidigare 2024-03-31) | Pågår |
| 3 | Ta fram en karta över skolvägarna | OB | 2024-06-30 | Ny |
"""


def extract_document(md, name):
    """The Document of a Markdown text, as the importer reads a .md file."""
    import tempfile
    from pathlib import Path

    from minutes.extractors import extract
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / name
        p.write_text(md, encoding="utf-8")
        return extract(p)


def test_a_protocol_reports_back_under_its_paragraph_with_a_new_date():
    found = analyse(extract_document(PROTOCOL, "tn_2024-05-08.md"), "tn_2024-05-08.md").followups
    assert len(found) == 1, [(f.item, f.status, f.source) for f in found]  # no yrkande, no delegationsbeslut
    f = found[0]
    assert (f.kind, f.status, f.item, f.case_number) == ("text", "in_progress", "§ 21", "TN 2024/7")
    assert f.paragraph_refs == ["2024-03-06 § 5"]
    assert f.deadline == dt.date(2024, 9, 30) and f.owners == ["Lena Strand"]
    assert "yrkar" not in f.source and "taxa" not in f.source  # a motion and a new assignment are not reports


def test_minutes_report_by_item_and_by_action_list_rows():
    ex = analyse(extract_document(MINUTES, "trygg_2024-04-02.md"), "trygg_2024-04-02.md")
    by_kind = {(f.kind, f.status, f.item_ref, f.row_number): f for f in ex.followups}
    assert ("text", "done", "3", None) in by_kind and by_kind[("text", "done", "3", None)].owners == ["Ola Berg"]
    prose = by_kind[("text", "in_progress", None, None)]
    assert prose.owners == ["Sara Lind"] and prose.deadline == dt.date(2024, 5, 31)
    done_row, open_row = by_kind[("row", "done", None, "1")], by_kind[("row", "in_progress", None, "2")]
    assert done_row.owners == ["Ola Berg"] and done_row.task == "Skicka ut inbjudan till föräldramötet"
    assert open_row.deadline == dt.date(2024, 5, 31)  # the new date, not the one "tidigare"
    assert ex.assignments[open_row.restates - 1].task.startswith("Sammanställa enkätsvaren")
    assert not any(f.row_number == "3" for f in ex.followups)  # "Ny": given at this meeting


def test_of_two_status_columns_the_status_column_is_read():
    md = MINUTES.replace("| Nr | Åtgärd | Ansvarig | Klart senast | Status |",
                         "| Nr | Åtgärd | Ansvarig | Kommentar | Status |")
    md = md.replace("| 2024-03-15 | Klar |", "| Inbjudan pågår att skrivas om | Klar |")
    ex = analyse(extract_document(md, "trygg_2024-04-02.md"), "trygg_2024-04-02.md")
    assert [(f.row_number, f.status) for f in ex.followups if f.kind == "row"] == [("1", "done"), ("2", "in_progress")]
