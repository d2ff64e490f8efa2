"""The shape of the files of named patterns of the Swedish language pack (rules/sv/*.yaml) as
pydantic models: calendar (deadline shapes), decisions, assignments, protocol and followups; see
rules/schema.py for the vocabulary files and the shared types.
"""
import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import model_validator

from minutes.core.enums import DecisionKind, FollowupStatus, Precision, Vote

from .schema import Data, Examples, FoldedRegex, MatchExamples, Pattern, Regex, Rules, Words


# calendar.yaml --------------------------------------------------------------------------------
class DayRule(StrEnum):
    """Days computed for each year."""

    MIDSUMMER_EVE = "midsummer_eve"  # the Friday between 19 and 25 June
    EASTER = "easter"  # Easter Sunday


class Unit(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class Resolver(StrEnum):
    """How a deadline shape's match becomes a date (the functions of rules/deadlines.py)."""

    ISO_DATE = "iso_date"  # groups year, month, day
    DAY_MONTH = "day_month"  # day (last_day), month name, year
    NUMERIC_DATE = "numeric_date"  # day, month, year or year2 (two digits)
    ISO_WEEK = "iso_week"  # week, year: the Friday of that week
    MONTH_END = "month_end"  # month name, year
    PERIOD_END = "period_end"  # number or ordinal, year: the end of the shape's `ends` month
    NAMED_DAY = "named_day"  # name (of named_days), year
    SEASON_END = "season_end"  # season or season2, year or year2
    YEAR_END = "year_end"  # year: 31 December
    MEETING_YEAR_END = "meeting_year_end"  # 31 December of the meeting's year plus `years_ahead`
    WITHIN = "within"  # count, unit: counted from the meeting
    NEXT_MEETING = "next_meeting"  # the next meeting's date stated in the document
    NO_DATE = "no_date"  # words that ask for something at once: no date


class Undated(StrEnum):
    """What happens to a match that resolves to no date."""

    DROP = "drop"
    KEEP = "keep"  # the words still say when ("snarast", "till nästa möte")
    WITHOUT_MEETING_DATE = "without_meeting_date"  # kept when there is no meeting date to find the year from


class NamedDay(Data):
    rule: DayRule | None = None
    month: int | None = None
    day: int | None = None
    offset: int = 0
    precision: Precision = Precision.DAY

    @model_validator(mode="after")
    def _a_day(self):
        if (self.rule is None) == (self.month is None or self.day is None):
            raise ValueError("give either a rule or a month and a day")
        return self


class Season(Data):
    month: int
    day: int
    next_year: bool = False


class Shape(Data):
    id: str
    resolver: Resolver
    precision: Precision | None
    pattern: str
    leads: bool = False  # its own words introduce a deadline, as "senast" does ("i maj", "inom två veckor")
    undated: Undated = Undated.DROP
    ends: dict[int, int] | None = None  # period_end: the month each period ends
    years_ahead: int = 0  # meeting_year_end
    examples: Examples

    @model_validator(mode="after")
    def _period(self):
        if (self.resolver == Resolver.PERIOD_END) != (self.ends is not None):
            raise ValueError("`ends` goes with the period_end resolver, and only with it")
        return self


class CalendarFile(Rules):
    lead_words: Words
    lead: str
    named_days: dict[str, NamedDay]
    seasons: dict[str, Season]
    next_meeting_words: Words
    no_date_words: Words
    schedule_words: Words
    units: dict[str, Unit]
    no_day_month: Words
    shapes: list[Shape]

    def _with_ids(self) -> list:
        return self.shapes


# decisions.yaml -------------------------------------------------------------------------------
class DecisionLabel(Data):
    id: str
    kind: DecisionKind
    regex: FoldedRegex
    standalone: bool = False  # counts in a document that is not about a meeting too
    examples: MatchExamples


class NotLabels(Data):
    regex: FoldedRegex
    examples: MatchExamples


class Trigger(Data):
    id: str
    pattern: str
    label_only: bool = False  # continues a decision under a label; in running text alone it decides nothing
    examples: MatchExamples


class Preamble(Data):
    id: str
    kind: DecisionKind
    regex: FoldedRegex
    bare: bool = False  # opens a scope without a colon when att-clauses follow
    examples: MatchExamples


class Clause(Data):
    id: str
    regex: FoldedRegex
    statement_verbs: Words  # "Att många kom är glädjande": a statement, not a clause standing for a decision
    examples: MatchExamples


class DecisionsFile(Rules):
    labels: list[DecisionLabel]
    not_labels: NotLabels
    continuation_words: Words
    triggers: list[Trigger]
    report_markers: list[FoldedRegex]
    motion_markers: list[FoldedRegex]
    preambles: list[Preamble]
    preamble_endings: Words
    clause: Clause
    clause_breaks: Regex
    report_openers: list[FoldedRegex]
    reported_verbs: Words

    def _with_ids(self) -> list:
        return [*self.labels, *self.triggers, *self.preambles, self.clause]


# assignments.yaml -----------------------------------------------------------------------------
class OwnerAt(StrEnum):
    """Where an assignment rule finds the owner, relative to its match."""

    BEFORE = "before"
    INSIDE = "inside"
    AFTER = "after"
    NONE = "none"


class TaskAt(StrEnum):
    """Where an assignment rule finds the task, relative to its match."""

    AFTER = "after"
    FROM = "from"
    FROM_VERB = "from_verb"
    CONTEXT = "context"


class Scope(StrEnum):
    """Where an assignment rule applies."""

    ANY = "any"
    DECISION = "decision"
    INITIALS = "initials"


class AssignmentRule(Data):
    id: str
    pattern: str
    requires: Regex | None = None
    owner: OwnerAt
    task: TaskAt
    scope: Scope
    score: float
    standalone: bool = False  # counts in a document that is not about a meeting too
    examples: Examples


class ActionTable(Data):
    id: str
    standalone: bool = False
    task_headers: Words
    owner_headers: Words
    deadline_headers: Words


class OwnerRule(Data):
    """An assignment found through its owner (someone of the meeting) rather than through a pattern."""

    id: str
    verbs: Words = []  # what the owner does next: "tar fram", "ska"
    not_owners: Words = []  # owners ending in these do not count for this rule ("Nämnden ska enligt lagen ...")
    not_with: Words = []  # a sentence holding one of these words is not read by this rule
    examples: Examples


class AssignmentsFile(Rules):
    rules: list[AssignmentRule]
    owner_rules: list[OwnerRule]
    distributive_words: Words
    unit_heads: Words
    task_verbs: Words
    report_verbs: Words
    action_table: ActionTable
    subject_starts_after: Words
    cleft: Pattern
    strong_deadline_words: Words
    past_tense: Words
    history_markers: list[Pattern]
    perfect_auxiliaries: Words
    participle_endings: Words
    not_participles: Words
    runs_over_after: Words
    task_leading: Words

    def _with_ids(self) -> list:
        return [*self.rules, *self.owner_rules, self.action_table]


# protocol.yaml --------------------------------------------------------------------------------
class ProtocolRule(Data):
    id: str
    regex: str  # pieces such as {NAME} are filled in before it is compiled
    examples: Examples


class VoteTable(Data):
    columns: dict[Vote, Words]
    party_headers: Words
    sum_rows: Words


class MotionOutcome(Data):
    opens: str  # "bifall till X" ...
    finding: Words  # ... wins when the chair's finding names X with one of these


class MotionOutcomes(Data):
    motion_word: str
    joined_by: Words
    kinds: list[MotionOutcome]


class ProtocolFile(Rules):
    pieces: dict[str, str]
    gate_words: Words
    vote_table: VoteTable
    motion_outcomes: MotionOutcomes
    rules: list[ProtocolRule]

    def _with_ids(self) -> list:
        return self.rules


# followups.yaml -------------------------------------------------------------------------------
class FollowupPhrase(Data):
    """A phrase that says how far a task has come (a statement's sentence, or an item's title)."""

    id: str
    status: FollowupStatus
    regex: FoldedRegex
    examples: MatchExamples


class StatusCell(Data):
    """An action table's status cell, matched from its start; `new` marks a row given at this meeting."""

    id: str
    status: FollowupStatus | Literal["new"]
    regex: FoldedRegex
    examples: MatchExamples


class Referenced(Data):
    id: str
    status: FollowupStatus


class Named(Data):
    id: str
    examples: MatchExamples


class NamedPattern(Data):
    id: str
    regex: FoldedRegex
    examples: MatchExamples


class PatternWithExamples(Data):
    regex: FoldedRegex
    examples: MatchExamples


class ParagraphRef(Data):
    id: str
    before: FoldedRegex  # a § or item right before a date
    after: FoldedRegex  # right after it
    with_year: FoldedRegex  # "KS § 45/2024"
    without_date: FoldedRegex  # "uppdraget enligt § 35"
    examples: MatchExamples


class RowLine(Data):
    status_label: FoldedRegex
    owner_label: FoldedRegex
    deadline_label: FoldedRegex
    number: FoldedRegex
    examples: MatchExamples


class FollowupsFile(Rules):
    statuses: list[FollowupPhrase]  # strongest first
    label_status: Named
    report_titles: list[FollowupPhrase]
    referenced: Referenced
    status_cells: list[StatusCell]
    status_headers: Words
    number_headers: Words
    row_line: RowLine
    item_ref: NamedPattern
    previous_ref: NamedPattern
    paragraph_ref: ParagraphRef
    excluded_items: PatternWithExamples
    skipped_labels: PatternWithExamples
    followup_items: PatternWithExamples
    information: PatternWithExamples
    generic_words: Words
    date_cues: PatternWithExamples
    old_date: PatternWithExamples

    def _with_ids(self) -> list:
        return [*self.statuses, *self.report_titles, *self.status_cells, self.label_status, self.referenced,
                self.item_ref, self.previous_ref, self.paragraph_ref]
