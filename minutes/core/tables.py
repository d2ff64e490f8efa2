"""The warehouse's tables and their public views, in one registry.

Every part that lists tables reads this: the writer (which tables hold a document's rows, in
what order), row ids (each table's letter), `minutes explain` (which view an id points into),
`minutes export` and the Parquet export (which views, partitioned or whole).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """One table in schema `core`, and the public view over it."""

    name: str
    letter: str | None = None  # the row-id letter: 3f2a9c1e7b55-D004 is a decision
    id_column: str | None = None  # the column holding the row's id
    per_document: bool = True  # its rows belong to one document and are replaced with it
    view: str | None = None  # the public view over it; None: internal
    exported: bool = True  # `minutes export` writes its view
    partitioned: bool = True  # the Parquet export splits it by the document's region and year
    digits: int = 3  # digits of the number in a row id
    keys: tuple[tuple[str, str], ...] = ()  # (key column, the column it is the key of): computed when written
    identity: tuple[str, ...] = ()  # columns whose text identifies a row in its document (row_key; corrections)

    @property
    def public(self) -> bool:
        return self.view is not None


#: Every table, a document's own rows in the order they are written.
TABLES: tuple[Table, ...] = (
    Table("documents", None, "document_id", view="documents", keys=(("body_key", "body"), ("region_key", "region"))),
    Table("blocks", "B", None, exported=False, digits=4),
    Table("sections", "S", "section_id", view="sections", keys=(("case_key", "case_number"),)),
    Table("attendees", "P", "attendee_id", view="attendees",
          keys=(("name_key", "name"), ("role_key", "role"), ("organisation_key", "organisation"),
                ("initials_key", "initials")), identity=("name",)),
    Table("decisions", "D", "decision_id", view="decisions", identity=("text",)),
    Table("assignments", "A", "assignment_id", view="assignments", keys=(("owner_key", "owner"),),
          identity=("owner", "task")),
    Table("followups", "F", "followup_id", view="assignment_followups",
          keys=(("owners_key", "owners"), ("case_key", "case_number"))),
    Table("motions", "M", "motion_id", view="motions"),
    Table("votes", "V", "vote_id", view="votes"),
    Table("person_votes", None, None, view="person_votes"),
    Table("reservations", "R", "reservation_id", view="reservations"),
    Table("recusals", "J", "recusal_id", view="recusals"),
    Table("paragraph_attendance", None, None, view="paragraph_attendance"),
    Table("postings", None, None, exported=False),
    Table("persons", None, "person_id", per_document=False, view="persons", partitioned=False,
          keys=(("name_key", "name"), ("variants_key", "variants"), ("initials_key", "initials"))),
    Table("imports", None, None, per_document=False, view="imports", partitioned=False),
    Table("terms", None, "term_id", per_document=False, exported=False),
    Table("person_aliases", None, None, per_document=False, exported=False),
    Table("attendee_persons", None, None, per_document=False, exported=False),
    Table("assignment_persons", None, None, per_document=False, exported=False),
    Table("runs", None, "run_id", per_document=False, exported=False),
    Table("corrections", None, "correction_id", per_document=False, view="corrections", partitioned=False),
    Table("document_bodies", None, None, per_document=False, exported=False),
)

#: The views for common questions, built on the others (not tables of their own).
ANALYST_VIEWS: tuple[str, ...] = ("decisions_full", "decisions_per_region_year", "assignments_by_owner",
                                  "attendance_per_person")

BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
BY_LETTER: dict[str, Table] = {t.letter: t for t in TABLES if t.letter}

#: The tables holding a document's own rows (besides `documents`), in the order they are written.
DOCUMENT_ROWS: tuple[Table, ...] = tuple(t for t in TABLES if t.per_document and t.name != "documents")


def public_views() -> tuple[str, ...]:
    """Every view of the contract: one per public table, then the analyst views."""
    return tuple(t.view for t in TABLES if t.view) + ANALYST_VIEWS


def exported_views() -> tuple[str, ...]:
    """The views `minutes export` writes, in order: every view of the contract."""
    return tuple(t.view for t in TABLES if t.view and t.exported) + ANALYST_VIEWS


def partitioned_views() -> tuple[str, ...]:
    """The exported views the Parquet export splits by their document's region and meeting year."""
    return tuple(t.view for t in TABLES if t.view and t.exported and t.partitioned)
