"""The shape of the examples every file of the language pack carries, as pydantic models.

Examples are test data: the rules never read them, so loading the pack validates only that a
file has them; tests/test_rule_examples.py checks each one against its model here (`problems`)
before it runs them.
"""
import datetime as dt
from dataclasses import fields
from typing import Any, Iterator, get_type_hints

from pydantic import create_model, model_validator

from minutes.core.enums import AttendeeStatus, DocType, OwnerKind, Precision
from minutes.core.records import Meeting

from .loader import RuleDataError, load, validate, where
from .schema import Data, Words


class MatchExamples(Data):
    match: Words
    no_match: Words


class PersonNameExample(Data):
    text: str
    name: str | None


class LexiconExamples(Data):
    person_names: list[PersonNameExample]
    one_sentence: Words


class PeopleExample(Data):
    """One of: a `label` and the status/role it gives (or `stop`); a `not_label` that is no attendee
    label; a role `word` and its role; an attendee `cell` and the person read from it (`name: null`:
    no person); a `list` (a document in the Markdown dialect) and the `names` of its attendees; a
    table `header` and its `columns`; an `owner` and its `owner_kind`."""

    label: str | None = None
    not_label: str | None = None
    list: str | None = None
    names: Words | None = None
    word: str | None = None
    cell: str | None = None
    header: Words | None = None
    owner: str | None = None
    status: AttendeeStatus | None = None
    role: str | None = None
    stop: bool = False
    name: str | None = None
    initials: str | None = None
    party: str | None = None
    organisation: str | None = None
    columns: dict[str, int] | None = None
    owner_kind: OwnerKind | None = None

    @model_validator(mode="after")
    def _one_kind(self):
        given = [k for k in ("label", "not_label", "word", "cell", "list", "header", "owner")
                 if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("an example is one of label, not_label, word, cell, list, header or owner")
        return self


class OrganisationExample(Data):
    text: str
    found: Words


#: A document (Markdown, as tests render it) and the meeting facts read from it: every field of
#: the Meeting record, each optional (an example states only what it checks).
MeetingExample = create_model(
    "MeetingExample", __base__=Data, document=(str, ...), file_name=(str | None, None),
    **{f.name: ((DocType if f.name == "doc_type" else get_type_hints(Meeting)[f.name]) | None, None)
       for f in fields(Meeting) if f.name != "provenance"})


class OcrExample(Data):
    text: str
    mended: str


class DeadlineExample(Data):
    text: str
    meeting: dt.date | None = None
    next_meeting: dt.date | None = None
    date: dt.date | None
    precision: Precision | None = None  # the shape's own when not given
    words: str | None = None  # the deadline text found, when it is not the whole example


class AssignmentExample(Data):
    text: str | None = None
    owner: str | None = None
    task: str | None = None
    no_match: str | None = None

    @model_validator(mode="after")
    def _one_kind(self):
        if (self.no_match is None) == (self.text is None) or (self.text is not None and None in (self.owner,
                                                                                                 self.task)):
            raise ValueError("an example is a text with its owner and task, or a no_match text")
        return self


class ProtocolExample(Data):
    text: str | None = None
    expect: dict[str, str] | None = None
    no_match: str | None = None


#: where each file keeps its examples: top-level, or in each entry of the named lists
_PLACES: dict[str, tuple[tuple[str, ...], type[Data]]] = {
    "lexicon": ((), LexiconExamples), "people": ((), PeopleExample), "organisations": ((), OrganisationExample),
    "meeting": ((), MeetingExample), "ocr": ((), OcrExample), "calendar": (("shapes",), DeadlineExample),
    "decisions": (("labels", "triggers", "preambles"), MatchExamples), "assignments": (("rules", "owner_rules"), AssignmentExample),
    "protocol": (("rules",), ProtocolExample),
    "followups": (("statuses", "label_status", "report_titles", "status_cells", "row_line", "item_ref", "previous_ref",
                   "paragraph_ref", "excluded_items", "skipped_labels", "followup_items", "information", "date_cues",
                   "old_date"), MatchExamples),
}


def _examples(name: str) -> Iterator[tuple[str, Any, type[Data]]]:
    """(where, example, model) for every example of rules/sv/<name>.yaml."""
    data = load(name)
    lists, model = _PLACES[name]
    holders = [(f"{key}[{i}] ({entry.get('id')})", entry) for key in lists if isinstance(data[key], list)
               for i, entry in enumerate(data[key])]
    holders += [(key, data[key]) for key in lists if isinstance(data[key], dict)]  # one entry, not a list
    if name == "decisions":
        holders += [("not_labels", data["not_labels"]), ("clause", data["clause"])]
    for place, holder in holders or [("", data)]:
        found = holder["examples"]
        items = found if isinstance(found, list) else [found]
        for i, example in enumerate(items):
            yield f"{place}.examples[{i}]" if place else f"examples[{i}]", example, model


def problems(name: str) -> list[str]:
    """What is wrong with the examples of rules/sv/<name>.yaml, one message each (none: all well formed)."""
    out = []
    for place, example, model in _examples(name):
        try:
            validate(example, model, f"{where(name)}: {place}")
        except RuleDataError as e:
            out.append(str(e))
    return out
