"""Every file of the language pack (rules/sv/*.yaml) carries Swedish examples; each one is a test case here.

Adding a pattern, a word or a shape means editing the YAML and adding its example; this file
needs no change.
"""
import copy
import datetime as dt

import pytest

from minutes.rules.assignments import rules as assignment_rules
from minutes.rules.decisions import rules as decision_rules
from minutes.rules.loader import RuleDataError, load, validate
from minutes.rules.schema_patterns import AssignmentsFile, CalendarFile, DecisionsFile
from minutes.text import fold

DEC = load("decisions")
ASSIGN = load("assignments")


def _cases(kind):
    for rule in DEC[kind]:
        for text in rule["examples"]["match"]:
            yield pytest.param(rule["id"], text, True, id=f"{rule['id']}+{text[:30]}")
        for text in rule["examples"]["no_match"]:
            yield pytest.param(rule["id"], text, False, id=f"{rule['id']}-{text[:30]}")


@pytest.mark.parametrize("rule_id,text,expected", list(_cases("labels")))
def test_decision_labels(rule_id, text, expected):
    label = decision_rules().label_of(text)
    found = label is not None and label.rule.startswith(rule_id)
    assert found is expected, (rule_id, text, label)


@pytest.mark.parametrize("text", DEC["not_labels"]["examples"]["match"])
def test_not_labels_close_a_scope(text):
    label = decision_rules().label_of(text)
    assert label is not None and label.kind is None


@pytest.mark.parametrize("rule_id,text,expected", list(_cases("triggers")))
def test_decision_triggers(rule_id, text, expected):
    hits = [h.rule for h in decision_rules().triggers.find(text)]
    assert (rule_id in hits) is expected, (text, hits)


@pytest.mark.parametrize("rule_id,text,expected", list(_cases("preambles")))
def test_decision_preambles(rule_id, text, expected):
    assert (decision_rules().preamble(text) is not None) is expected


def _assignment_cases():
    for rule in ASSIGN["rules"]:
        for ex in rule["examples"]:
            if "no_match" in ex:
                yield pytest.param(rule["id"], ex["no_match"], None, None, id=f"{rule['id']}-no")
            else:
                yield pytest.param(rule["id"], ex["text"], ex["owner"], ex["task"], id=f"{rule['id']}+{ex['owner']}")


@pytest.mark.parametrize("rule_id,text,owner,task", list(_assignment_cases()))
def test_assignment_rules(rule_id, text, owner, task):
    from minutes.rules.assignments import _Context, _from_text
    from minutes.rules.owners import OwnerResolver

    found = [a for a in _from_text(text, _Context(None, None, OwnerResolver([])), in_decision=True, decision=None,
                                   section=None, page=1, running=True) if a.rule == rule_id]
    if owner is None:
        assert not found, [(a.owner, a.task) for a in found]
        return
    assert found, f"{rule_id} did not match: {text}"
    owners = " och ".join(a.owner or "" for a in found)  # "AK och FE" is two rows, one per owner
    assert fold(owners) == fold(owner.replace(" (RÖ)", "")), owners
    assert all(fold(a.task).startswith(fold(task)) for a in found), [a.task for a in found]


@pytest.mark.parametrize("name", ["lexicon", "calendar", "decisions", "assignments", "people", "organisations",
                                  "meeting", "protocol", "ocr", "followups"])
def test_every_example_is_well_formed(name):
    from minutes.rules.examples import problems
    assert problems(name) == []


def test_a_malformed_example_is_reported_with_its_place(monkeypatch):
    from minutes.rules import examples
    data = copy.deepcopy(load("calendar"))
    data["shapes"][1]["examples"][0]["meeting"] = "igår"
    monkeypatch.setattr(examples, "load", lambda name: data)
    [problem] = examples.problems("calendar")
    assert problem.startswith("rules/sv/calendar.yaml: shapes[1] (day_month).examples[0]: meeting: Input should be a valid date")


def test_every_rule_has_positive_and_negative_examples():
    for kind in ("labels", "triggers", "preambles"):
        for rule in DEC[kind]:
            assert rule["examples"]["match"] and rule["examples"]["no_match"], rule["id"]
    for rule in ASSIGN["rules"]:
        assert any("text" in e for e in rule["examples"]) and any("no_match" in e for e in rule["examples"]), rule["id"]
    for shape in load("calendar")["shapes"]:
        assert shape["examples"], shape["id"]


def _protocol_cases():
    for rule in load("protocol")["rules"]:
        for ex in rule["examples"]:
            if "no_match" in ex:
                yield pytest.param(rule["id"], ex["no_match"], None, id=f"{rule['id']}-no")
            else:
                yield pytest.param(rule["id"], ex["text"], ex["expect"], id=f"{rule['id']}+{ex['text'][:30]}")


@pytest.mark.parametrize("rule_id,text,expect", list(_protocol_cases()))
def test_protocol_rules(rule_id, text, expect):
    from minutes.rules.protocol import rules as protocol_rules
    m = protocol_rules().rx[rule_id.rsplit(".", 1)[1]].search(text)
    if expect is None:
        assert m is None, (text, m)
    else:
        assert m is not None, text
        for group, value in expect.items():
            assert (m.group(group) or "").strip() == value, (group, m.groupdict())


def _shape_cases():
    for shape in load("calendar")["shapes"]:
        for ex in shape["examples"]:
            yield pytest.param(shape, ex, id=f"{shape['id']}+{ex['text']}")


@pytest.mark.parametrize("shape,example", list(_shape_cases()))
def test_deadline_shapes(shape, example):
    from minutes.rules.deadlines import resolve
    d = resolve(example["text"], example.get("meeting"), example.get("next_meeting"))
    assert d is not None and d.shape == shape["id"], (example, d)
    precision = example["precision"] if "precision" in example else shape["precision"]
    assert (d.date, d.precision) == (example["date"], precision), d
    assert d.text == example.get("words", example["text"])


def test_every_deadline_resolver_has_its_function():
    from minutes.rules.deadlines import RESOLVERS
    from minutes.rules.schema_patterns import Resolver
    assert set(RESOLVERS) == set(Resolver)


@pytest.mark.parametrize("example", load("lexicon")["examples"]["person_names"], ids=lambda e: e["text"][:30])
def test_names_in_every_latin_alphabet(example):
    from minutes.rules.text import PERSON_NAME
    m = PERSON_NAME.search(example["text"])
    assert (m.group() if m else None) == example["name"]


@pytest.mark.parametrize("text", load("lexicon")["examples"]["one_sentence"])
def test_abbreviations_do_not_end_a_sentence(text):
    from minutes.rules.text import sentences
    assert [s.text for s in sentences(text)] == [text]


def test_every_abbreviation_is_one_token():
    from minutes.rules.matcher import tokens
    for abbr in load("lexicon")["abbreviations"]:
        assert abbr in [t.text for t in tokens(f"Se {abbr} nu")], abbr


@pytest.mark.parametrize("example", load("organisations")["examples"], ids=lambda e: e["text"][:30])
def test_organisations(example):
    from minutes.rules.vocab import vocab
    assert [org.name for _, _, org in vocab().find_orgs(example["text"])] == example["found"]


@pytest.mark.parametrize("example", load("meeting")["examples"], ids=lambda e: e["document"][:30])
def test_meeting_facts(example):
    from minutes.extractors.text import parse_text
    from minutes.rules.meeting import meeting_facts
    facts = meeting_facts(parse_text(example["document"]), example.get("file_name"))
    for fact, expected in example.items():
        if fact not in ("document", "file_name"):
            assert getattr(facts, fact) == expected, (fact, facts)


@pytest.mark.parametrize("example", load("people")["examples"], ids=lambda e: str(next(iter(e.values())))[:30])
def test_people(example):
    from minutes.rules.attendees import _column_header, classify_label, parse_person
    from minutes.rules.owners import OwnerResolver
    from minutes.rules.vocab import vocab
    if "label" in example:
        label = classify_label(example["label"])
        assert label is not None, example
        got = {"stop": True} if label.kind == "stop" else {"status": label.status, "role": label.role}
        assert got == {k: example.get(k) for k in got}, got
    elif "word" in example:
        assert vocab().role(example["word"]) == example["role"]
    elif "not_label" in example:
        assert classify_label(example["not_label"]) is None, example
    elif "list" in example:
        from minutes.extractors.text import parse_text
        from minutes.rules.attendees import find_attendees
        assert [a.name for a in find_attendees(parse_text(example["list"]))] == example["names"]
    elif "cell" in example and example.get("name", "") is None:
        assert parse_person(example["cell"], political=True) == [], example
    elif "cell" in example:
        person = parse_person(example["cell"], political=True)[0]
        for key in ("name", "initials", "party", "role", "organisation", "status"):
            if key in example:
                assert getattr(person, key) == example[key], (key, person)
    elif "header" in example:
        assert _column_header(example["header"]) == example["columns"]
    else:
        assert OwnerResolver([]).resolve(example["owner"])[1] == example["owner_kind"]


@pytest.mark.parametrize("example", load("ocr")["examples"], ids=lambda e: e["text"][:30])
def test_ocr_confusions(example):
    from minutes.core.document import Block, Document
    from minutes.rules.ocrfix import repair
    doc = Document([Block("paragraph", example["text"])])
    repair(doc)
    assert doc.blocks[0].text == example["mended"]


# The data files are validated when loaded ---------------------------------------------------------

def test_rule_data_is_validated_with_a_clear_message():
    good = load("assignments")
    where = "rules/sv/assignments.yaml"

    def refused(change, message):
        data = copy.deepcopy(good)
        change(data)
        with pytest.raises(RuleDataError, match=message):
            validate(data, AssignmentsFile, where)

    refused(lambda d: d["rules"][0].update(owner="bfore"),
            r"rules/sv/assignments\.yaml: rules\[0\] \(sv\.assignment\.uppdras\)\.owner: Input should be 'before', "
            r"'inside', 'after' or 'none'; got 'bfore'")
    refused(lambda d: d["rules"][1].pop("score"),
            r"rules\[1\] \(sv\.assignment\.far_i_uppdrag\)\.score: field required")
    refused(lambda d: d["rules"][0].update(requires="(["), r"\.requires: bad regular expression")
    refused(lambda d: d["action_table"].update(owner_header=["vem"]), r"action_table\.owner_header: unknown key")
    refused(lambda d: d["rules"][2].update(id=d["rules"][0]["id"]), "rule id 'sv.assignment.uppdras' is used twice")
    refused(lambda d: d.update(task_verbs="tar"), r"task_verbs: Input should be a valid list; got 'tar'")


def test_closed_vocabularies_are_the_enums_of_minutes():
    data = copy.deepcopy(load("decisions"))
    data["labels"][0]["kind"] = "beslt"
    with pytest.raises(RuleDataError, match=r"labels\[0\] \(sv\.decision\.label\.beslut\)\.kind: Input should be "
                                            r"'beslut', 'ställningstagande', 'förslag' or 'summering'"):
        validate(data, DecisionsFile, "rules/sv/decisions.yaml")
    data = copy.deepcopy(load("calendar"))
    data["shapes"][0]["precision"] = "hour"
    with pytest.raises(RuleDataError, match=r"shapes\[0\] \(iso\)\.precision: Input should be 'day', 'week'"):
        validate(data, CalendarFile, "rules/sv/calendar.yaml")


def test_a_lookahead_that_leaves_out_a_first_letter_is_refused():
    from minutes.rules.loader import check_lookahead
    check_lookahead(r"(?=[DdÄä])(?i:dnr|ärendenr)\s*(?P<value>\d+)", "x.yaml")  # every first letter named
    check_lookahead(r"(?i:dnr|ärendenr)", "x.yaml")  # no lookahead: nothing to check
    with pytest.raises(RuleDataError, match=r"x\.yaml: the leading lookahead .* leaves out 'Ää'"):
        check_lookahead(r"(?=[Dd])(?i:dnr|ärendenr)", "x.yaml")  # "Ärendenr 12" would be missed
    with pytest.raises(RuleDataError, match="leaves out 'e'"):
        check_lookahead(r"(?=[Dd])d?e", "x.yaml")  # an optional first letter lets the next one start
    with pytest.raises(RuleDataError, match="cannot tell which letters"):
        check_lookahead(r"(?=[Dd])\w+", "x.yaml")
    data = copy.deepcopy(DEC)
    data["report_markers"][0] = r"(?=[d])(?:dnr|ext)"  # every rule file's regexes are checked
    with pytest.raises(RuleDataError, match=r"report_markers\[0\]: the leading lookahead .* leaves out 'e'"):
        validate(data, DecisionsFile, "rules/sv/decisions.yaml")


def test_a_pattern_naming_no_word_list_is_refused():
    from minutes.rules.lexicon import lexicon
    assert lexicon().fill(r"\b{MONTHS}\b", "x.yaml", folded=True).startswith(r"\b(?:")
    with pytest.raises(RuleDataError, match=r"x\.yaml: .* names \{MONTH\}, which is no word list"):
        lexicon().fill(r"\b{MONTH}\b", "x.yaml")


def test_all_rule_files_load():
    assert decision_rules().labels and assignment_rules().rules


def test_a_word_written_with_diacritics_matches_folded_text():
    """The loader folds the language pack's words: "före" in calendar.yaml finds "fore" in OCR'd text."""
    from minutes.rules.deadlines import resolve
    assert resolve("fore midsommar", dt.date(2025, 3, 1)).date == dt.date(2025, 6, 20)
    assert resolve("före semestern", dt.date(2025, 3, 1)).precision == "season"


@pytest.mark.parametrize("text,longest,expected", [
    ("Plats: Kommunhuset, sal A", 40, ("Plats", "Kommunhuset, sal A")),
    ("Beslut:\tStyrelsen godkänner budgeten", 60, ("Beslut", "Styrelsen godkänner budgeten")),
    ("Närvarande\tAnna Ek, Per Lind", 45, ("Närvarande", "Anna Ek, Per Lind")),
    ("Justering:", 45, ("Justering", "")),
    ("Ordföranden föreslår att nämnden beslutar följande: att godkänna", 40, None),  # a sentence, not a label
    ("Tid 13.00–15.00", 40, None),  # no colon or tab
    ("X: ett", 40, None),  # one letter is no label
])
def test_split_label_takes_the_words_before_the_first_colon_or_tab(text, longest, expected):
    from minutes.rules.vocab import split_label
    assert split_label(text, longest) == expected
