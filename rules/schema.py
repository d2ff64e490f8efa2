"""The shape of the vocabulary files of the Swedish language pack (rules/sv/*.yaml) as pydantic
models: lexicon, people, organisations, meeting and ocr; the files of named patterns are in
rules/schema_patterns.py.

`loader.load_model(name, Model)` validates a file against its model when a rule first needs
it. Unknown keys are refused, closed vocabularies are the enums of minutes/core/enums.py (or
the rule engines' own), and a regular expression must compile. Every file carries examples,
which tests/test_rule_examples.py runs.
"""
import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator, model_validator

from minutes.core.enums import AttendeeStatus, DocType, OwnerKind

from .loader import lookahead_problem, regex_problem
from .regex import fold_regex


def _regex(pattern: str) -> str:
    problem = regex_problem(pattern)
    if problem:
        raise ValueError(problem)
    return pattern


def _compiler(folded: bool):
    def compiled(pattern: object) -> re.Pattern:
        if not isinstance(pattern, str):
            raise ValueError("expected a regular expression")
        problem = lookahead_problem(pattern)
        try:
            rx = re.compile(fold_regex(pattern) if folded else pattern)
        except re.error as e:
            problem = f"bad regular expression {pattern!r}: {e}"
        if problem:
            raise ValueError(problem)
        return rx
    return compiled


#: a regular expression, checked (see `loader.regex_problem`) and kept as written
Regex = Annotated[str, AfterValidator(_regex)]
#: a regular expression, checked and compiled (flags are written in it: "(?i)" ignores case)
Pattern = Annotated[re.Pattern, PlainValidator(_compiler(folded=False))]
#: a regular expression over folded text: written with å ä ö, compiled folded (see `regex.fold_regex`)
FoldedRegex = Annotated[re.Pattern, PlainValidator(_compiler(folded=True))]
Words = list[str]
#: a file's examples: test data, checked by tests/test_rule_examples.py against the models of
#: rules/examples.py (the rules never read them, so loading the pack does not build those models)
Examples = list[dict[str, Any]]
MatchExamples = dict[str, Words]  # match: [...], no_match: [...]


class Data(BaseModel):
    """A part of a data file: unknown keys are refused; enum fields hold the enum's plain value."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True, validate_default=True)


class Rules(Data):
    """A file whose rules (each with an `id`) must not share an id."""

    @model_validator(mode="after")
    def _unique_ids(self):
        seen: set[str] = set()
        for rule in self._with_ids():
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id!r} is used twice")
            seen.add(rule.id)
        return self

    def _with_ids(self) -> list:
        return []


# lexicon.yaml ---------------------------------------------------------------------------------
class Letters(Data):
    upper: str
    lower: str
    accented: str
    name_upper: str
    name_lower: str


class FunctionWords(Data):
    pronouns: Words
    prepositions: Words
    particles: Words
    determiners: Words
    owner_leading: Words
    owner_trailing: Words
    subordinators: Words
    and_: Words = Field(alias="and")  # "and" is a Python keyword
    name_particles: Words


class LexiconFile(Data):
    letters: Letters
    function_words: FunctionWords
    numbers: dict[str, int]
    ordinals: dict[str, int]
    months: dict[int, Words]
    weekdays: dict[int, Words]
    parties: dict[str, str | None]
    abbreviations: Words
    query_root_endings: Words
    examples: dict[str, list[Any]]  # shapes: rules/examples.py LexiconExamples


# people.yaml ----------------------------------------------------------------------------------
class ColumnHeader(Data):
    words: Words = []
    starts: Words = []  # a header cell starting with one of these


class ColumnHeaders(Data):
    name: ColumnHeader
    organisation: ColumnHeader
    party: ColumnHeader = ColumnHeader()
    role: ColumnHeader
    substitute: ColumnHeader = ColumnHeader()
    not_serving: ColumnHeader = ColumnHeader()
    serving: ColumnHeader = ColumnHeader()
    present: ColumnHeader
    absent: ColumnHeader


class Marks(Data):
    attended: Words
    not_attended: Words
    vote: Words


class AgendaItems(Data):
    words: Words
    written: str


class PeopleFile(Data):
    status_labels: dict[AttendeeStatus, Words]
    nonvoting_labels: dict[str, str]
    role_labels: dict[str, str]
    stop_labels: Words
    roles: dict[str, Words]
    role_suffixes: Words
    role_endings: Words
    substitute_for: dict[str, str | None]
    entry_status: dict[AttendeeStatus, Words] = {}
    label_qualifiers: Words = []
    label_prepositions: Words = []
    no_cut_after: Words = []
    label_compound_heads: Words = []
    adjunct_label_prefixes: Words = []
    prose_roles: Words = []
    academic_titles: Words = []
    not_first_names: Words
    groups: Words
    group_endings: Words
    group_acronyms: Words
    chair_words: Words
    through_words: Words
    owner_leading_dates: list[Regex]
    definite_endings: Words
    column_headers: ColumnHeaders
    marks: Marks
    agenda_items: AgendaItems
    paragraphs: Pattern
    examples: Examples


# organisations.yaml ---------------------------------------------------------------------------
class Region(Data):
    name: str
    aliases: Words
    abbreviations: Words
    healthcare_region: str


class HealthcareRegion(Data):
    name: str
    aliases: Words
    abbreviations: Words


class ShapePattern(Data):
    pattern: Pattern
    words: Words
    suffix: str  # the name found is "<name> <suffix>"


class OrganisationsFile(Data):
    regions: list[Region]
    healthcare_regions: list[HealthcareRegion]
    municipality_patterns: list[ShapePattern]
    city_patterns: list[ShapePattern]
    known_units: Words
    examples: Examples


# meeting.yaml ---------------------------------------------------------------------------------
class DocTypeWords(Data):
    type: DocType
    words: Words


class Labels(Data):
    date: Words
    time: Words
    place: Words
    body: Words
    next_meeting: Words


class MeetingFile(Data):
    doc_types: list[DocTypeWords]
    title_doc_types: list[DocType]
    labels: Labels
    title_prefixes: Words
    title_date: Pattern
    title_cuts: list[Pattern]
    title_doc_words: Words
    body_suffixes: Words
    body_heads: Words
    genitive_endings: Words
    region_words: Words
    page_header_date_words: Words
    time_range: Pattern
    time_one: Pattern
    place_trailing: Words
    date_written: Regex
    date_iso: Regex
    date_numeric: Regex
    year_refs: Pattern
    not_meeting_words: Words
    break_words: Words
    not_body_words: Words
    banner_words: Words
    place_lead_words: Words
    time_joiners: Words
    page_number: Pattern
    breadcrumb_separator: Pattern
    summons: list[Regex]
    examples: Examples


# ocr.yaml -------------------------------------------------------------------------------------
class OcrFile(Data):
    confusions: dict[str, str]
    likeliest: dict[str, str]
    suspicious: str
    examples: Examples
