"""Link follow-up statements to the earlier assignments they report on, one body at a time.

The rules find, in each document, the statements that may report on an earlier assignment
(core.followups, rules/followups.py). Here each is linked to an assignment given at an earlier
meeting of the same body (warehouse/bodies.py), by the strongest evidence it offers:

    row           an action-table row repeating an earlier row (same owner, the same task words)
    paragraph     the § and date of the meeting that gave it ("uppdraget enligt § 35 2024-04-17")
    item          "punkt 4 från föregående möte": what the previous meeting gave or followed up there
    case_number   the diarienummer of its agenda item, with some of the task's words or its owner
    owner_topic   the owner named, and enough of the task's words (search terms, each weighted by
                  how few blocks of text of the body's meetings so far use it: "ta fram förslag
                  till" says little, "riktlinjer" much)

An assignment reported done is closed: nothing later links to it. Two statements of one document
about one assignment are one follow-up (the stronger stands for both). An action-table row that
repeats an earlier row is that assignment again (`repeats_id`), not a new one.

`link` runs after an import over the bodies it touched, from the earliest meeting it changed:
importing the newest protocol links that protocol alone; a document imported out of date order
links the body's later meetings again. The result depends only on the documents, not on the order
they came in.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import duckdb

from . import bodies
from .linking import WEIGHING, Body, Link
from .transaction import transaction


def link(con: duckdb.DuckDBPyConnection, touched: set[str], ignored: frozenset[str] = frozenset(),
         in_transaction: bool = False) -> int:
    """Link the follow-ups of the bodies the `touched` documents belong to (or belonged to); one transaction,
    or the caller's when `in_transaction` (the lake links inside the transaction that publishes a run).

    `ignored` are words (folded) that tell nothing about a task, left out when words are compared: the
    importer passes the rules' Swedish stop words and generic task words. Returns the number of
    documents whose statements were linked again.
    """
    if not touched:
        return 0
    with transaction(con, joined=in_transaction):
        plan = bodies.assign(con, set(touched))
        linked: list[Link] = []
        documents: list[str] = []
        for body_id, rows in sorted(_load(con, plan).items()):
            body = Body(rows, plan[body_id], ignored)
            documents += [d for d in body.documents if plan[body_id] is None or body.dates[d] >= plan[body_id]]
            linked += body.relink(plan[body_id])
        _write(con, documents + sorted(touched), linked)
    return len(documents)


def _load(con: duckdb.DuckDBPyConnection, plan: dict[str, dt.date | None]) -> dict[str, dict[str, list[tuple]]]:
    """The rows of the planned bodies, each table read once: their documents in meeting order, assignments,
    statements (the words only of those to link again) and the blocks of text that weigh words."""
    ids = sorted(plan)
    con.execute("CREATE OR REPLACE TEMP TABLE _plan AS SELECT unnest(?) AS body_id, unnest(?)::DATE AS since",
                [ids, [plan[b].isoformat() if plan[b] else None for b in ids]])
    out: dict[str, dict[str, list[tuple]]] = {b: defaultdict(list) for b in ids}
    queries = {
        "documents": """
            SELECT b.body_id, d.document_id, d.meeting_date, b.names
            FROM core.document_bodies b JOIN _plan USING (body_id) JOIN core.documents d USING (document_id)
            WHERE d.meeting_date IS NOT NULL
            ORDER BY b.body_id, d.meeting_date, d.document_id""",
        "assignments": r"""
            SELECT b.body_id, a.assignment_id, a.document_id, s.number, s.case_key, a.owner_key, a.task, a.deadline,
                   regexp_extract(left(a.source_text, 12), '^\s*(\d{1,3})\s*\|', 1) AS row_number
            FROM core.assignments a JOIN core.document_bodies b USING (document_id) JOIN _plan USING (body_id)
            LEFT JOIN core.sections s ON s.section_id = a.section_id ORDER BY a.assignment_id""",
        "statements": """  -- the words of the statements to link again; the links of the others
            SELECT b.body_id, f.followup_id, f.document_id, f.kind, f.stated_status, f.rule, f.item,
                   CASE WHEN p.since IS NULL OR d.meeting_date >= p.since THEN f.text END, f.case_key,
                   f.paragraph_refs, f.item_ref, f.row_number,
                   CASE WHEN p.since IS NULL OR d.meeting_date >= p.since THEN f.task END, f.owners_key, f.deadline,
                   f.restates_id, f.assignment_id, f.status, f.repeats_id, f.merged_into
            FROM core.followups f JOIN core.document_bodies b USING (document_id) JOIN _plan p USING (body_id)
            JOIN core.documents d ON d.document_id = f.document_id
            WHERE d.meeting_date IS NOT NULL ORDER BY f.followup_id"""}
    for table, sql in queries.items():
        for r in con.execute(sql).fetchall():
            out[r[0]][table].append(r[1:])
    weighing = []  # the meetings that weigh words for those linked again: from WEIGHING before the first
    for body_id, rows in out.items():
        docs = [r[0] for r in rows["documents"]]
        first = next((i for i, r in enumerate(rows["documents"]) if plan[body_id] is None or r[1] >= plan[body_id]),
                     len(docs))
        weighing += docs[max(0, first - WEIGHING):]
    body_of = {d: b for b, rows in out.items() for d in (r[0] for r in rows["documents"])}
    for doc, text in con.execute("SELECT document_id, text FROM core.blocks WHERE document_id IN (SELECT unnest(?))",
                                 [weighing]).fetchall():
        out[body_of[doc]]["blocks"].append((doc, text))
    con.execute("DROP TABLE _plan")
    return out


def _write(con: duckdb.DuckDBPyConnection, documents: list[str], links: list[Link]) -> None:
    con.execute("UPDATE core.followups SET assignment_id = NULL, status = NULL, new_deadline = NULL, linked_by = NULL, "
                "repeats_id = NULL, merged_into = NULL WHERE document_id IN (SELECT unnest(?))", [documents])
    links = [ln for ln in links if ln.assignment_id or ln.repeats_id]
    if not links:
        return
    cols = ("followup_id", "assignment_id", "status", "new_deadline", "linked_by", "repeats_id", "merged_into")
    con.execute("CREATE OR REPLACE TEMP TABLE _links AS SELECT " + ", ".join(f"unnest(?) AS {c}" for c in cols),
                [[getattr(ln, c) for ln in links] for c in cols])
    con.execute("UPDATE core.followups f SET " + ", ".join(f"{c} = l.{c}" for c in cols[1:]) +
                " FROM _links l WHERE f.followup_id = l.followup_id")
    con.execute("DROP TABLE _links")
