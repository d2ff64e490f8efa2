"""Every rule in rules/sv/*.yaml carries Swedish examples; each one is a test case here.

Adding a pattern means editing the YAML and adding its examples; this file needs no change.
"""
import pytest

from minutes.rules.assignments import rules as assignment_rules
from minutes.rules.decisions import rules as decision_rules
from minutes.rules.loader import RuleDataError, check, load
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


def test_every_rule_has_positive_and_negative_examples():
    for kind in ("labels", "triggers", "preambles"):
        for rule in DEC[kind]:
            assert rule["examples"]["match"] and rule["examples"]["no_match"], rule["id"]
    for rule in ASSIGN["rules"]:
        assert any("text" in e for e in rule["examples"]) and any("no_match" in e for e in rule["examples"]), rule["id"]


def test_rule_data_is_validated_with_a_clear_message():
    spec = {"rules": [{"id": str, "score": float, "owner": ("before", "inside")}]}
    with pytest.raises(RuleDataError, match=r"x\.yaml\.rules\[0\]\.owner: must be one of before, inside; got 'bfore'"):
        check({"rules": [{"id": "a", "score": 1, "owner": "bfore"}]}, spec, "x.yaml")
    with pytest.raises(RuleDataError, match="missing required key 'score'"):
        check({"rules": [{"id": "a", "owner": "before"}]}, spec, "x.yaml")
    with pytest.raises(RuleDataError, match="bad regular expression"):
        check("([", "regex", "x.yaml.regex")


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
    with pytest.raises(RuleDataError, match=r"x\.yaml\.regex: the leading lookahead .* leaves out 'e'"):
        check(r"(?=[d])(?:dnr|ext)", "regex", "x.yaml.regex")  # every rule file's regexes are checked


def test_all_rule_files_load():
    assert decision_rules().labels and assignment_rules().rules


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
