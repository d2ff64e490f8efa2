"""Swedish-aware search over decisions, assignments and the documents' text: the index and its queries.

The index (core.terms, core.postings) holds folded Snowball stems of every decision,
assignment and block of text (minutes.text.terms). `postings` makes a document's postings
(in the worker that read it), `insert_postings` numbers new terms and writes them (in the
writer), `index_documents` indexes stored documents again (after an upgrade), and `search`
answers a query. A query word is stemmed, cut back to its root and matched as a prefix, so
the search ignores case and accents and finds inflected forms: "ansökan" finds
"ansökningarna". Hits must contain every query word; they are ranked by a tf-idf score,
decisions and assignments before the text they came from. No DuckDB extension is needed.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import duckdb

from minutes.core.enums import DecisionKind, values
from minutes.core.ids import parse, row_id
from minutes.text import fold, key
from minutes.text.terms import query_terms, terms

from .errors import WarehouseError

KINDS = {"decision": "D", "beslut": "D", "assignment": "A", "uppdrag": "A", "text": "B", "section": "B"}
DECISION_KINDS = values(DecisionKind)
POSTING_COLUMNS = ("term", "kind", "row_id", "document_id", "tf")


# The index ------------------------------------------------------------------------------

def postings(rows: dict[str, list[dict]]) -> dict[str, list]:
    """Search terms of a document's decisions, assignments and blocks of text, as columns of POSTING_COLUMNS.

    Columns rather than one tuple per posting: a document has thousands of postings, and the
    writer inserts columns as they are.
    """
    out: dict[str, list] = {c: [] for c in POSTING_COLUMNS}

    def add(kind: str, row: str, document_id: str, text: str) -> None:
        counts = terms(text)
        n = len(counts)
        out["term"].extend(counts)
        out["kind"].extend([kind] * n)
        out["row_id"].extend([row] * n)
        out["document_id"].extend([document_id] * n)
        out["tf"].extend([c if c < 32000 else 32000 for c in counts.values()])

    for d in rows.get("decisions", []):
        add("D", d["decision_id"], d["document_id"], d["text"])
    for a in rows.get("assignments", []):
        add("A", a["assignment_id"], a["document_id"], f"{a['owner'] or ''} {a['task']}")
    for b in rows.get("blocks", []):
        add("B", row_id(b["document_id"], "blocks", b["ordinal"]), b["document_id"], b["text"])
    return out


def insert_postings(wh, columns: dict[str, list] | None) -> None:
    """Write postings, numbering the terms never seen before; `wh` is the writable Warehouse.

    Only the one writer numbers terms, so the numbering needs no coordination; the numbers
    already given are kept on the Warehouse between batches (`wh.term_ids`).
    """
    if not columns or not columns["term"]:
        return
    if wh.term_ids is None:
        wh.term_ids = dict(wh.con.execute("SELECT term, term_id FROM core.terms").fetchall())
    ids = wh.term_ids
    found = columns["term"]
    new = sorted(set(found).difference(ids))
    if new:
        start = max(ids.values(), default=0) + 1
        ids.update((t, start + n) for n, t in enumerate(new))
        wh.insert_columns("terms", {"term_id": [ids[t] for t in new], "term": new})
    rest = {c: v for c, v in columns.items() if c != "term"}  # stored by its id, numbered here
    wh.insert_columns("postings", {"term_id": list(map(ids.__getitem__, found)), **rest})


def index_documents(wh) -> None:
    """Index every stored document again from its stored rows, one transaction per document."""
    for (doc_id,) in wh.con.execute("SELECT document_id FROM core.documents").fetchall():
        rows = {}
        for table, cols in (("decisions", "decision_id, document_id, text"),
                            ("assignments", "assignment_id, document_id, owner, task"),
                            ("blocks", "document_id, ordinal, text")):
            cur = wh.con.execute(f"SELECT {cols} FROM core.{table} WHERE document_id = ?", [doc_id])
            names = [d[0] for d in cur.description]
            rows[table] = [dict(zip(names, r)) for r in cur.fetchall()]
        wh.con.begin()
        wh.con.execute("DELETE FROM core.postings WHERE document_id = ?", [doc_id])
        insert_postings(wh, postings(rows))
        wh.con.commit()


# Queries --------------------------------------------------------------------------------


@dataclass
class Hit:
    kind: str  # decision | assignment | text
    row_id: str
    score: float
    text: str
    body: str | None
    region: str | None
    meeting_date: dt.date | None
    file_name: str
    page: int | None
    detail: str | None  # decision kind, assignment owner, or section title
    document_id: str = ""
    case_number: str | None = None  # a decision's diarienummer: the matter it belongs to


def search(con: duckdb.DuckDBPyConnection, query: str, *, body: str | None = None, region: str | None = None,
           date_from: dt.date | None = None, date_to: dt.date | None = None, kind: str | None = None,
           limit: int = 20) -> list[Hit]:
    """Ranked hits for `query`, optionally filtered by body, region, meeting dates and kind."""
    qterms = query_terms(query)
    if not qterms:
        raise WarehouseError("The search needs at least one word of two letters or more.")
    try:
        return _search(con, qterms, body, region, date_from, date_to, kind, limit)
    except duckdb.Error as e:
        raise WarehouseError(f"The search failed: {str(e).splitlines()[0]}") from e


def _search(con, qterms, body, region, date_from, date_to, kind, limit) -> list[Hit]:
    # 1. the term ids each query word matches (a small table: cheap even with prefixes)
    values = ", ".join(f"({i}, ?, ?)" for i in range(len(qterms)))
    params: list = []
    for term, prefix in qterms:
        params += [term, prefix]
    word_terms = con.execute(
        f"SELECT q.qi, t.term_id FROM (VALUES {values}) q(qi, term, prefix) "
        f"JOIN core.terms t ON (q.prefix AND starts_with(t.term, q.term)) OR t.term = q.term", params).fetchall()
    by_word: dict[int, list[int]] = {}
    for qi, tid in word_terms:
        by_word.setdefault(qi, []).append(tid)
    if len(by_word) < len(qterms):
        return []  # a word that occurs nowhere: no row can hold every word
    # 2. how many rows hold each word, and the idf weight that follows
    df = _row_counts(con, by_word)
    n = sum(df.values())
    idf = ", ".join(f"({qi}, {math.log(1 + n / df[qi])!r})" for qi in sorted(df))
    # 3. rows holding every word: start from the rows of the rarest word, so the postings of a
    #    word found in half the warehouse are only looked up for those rows, never grouped whole
    rarest = ", ".join(map(str, by_word[min(df, key=df.get)]))
    kinds, decision_kind = _kind_filter(kind)
    where, wparams = ["matched = ?"], [len(qterms)]
    if kinds:
        where.append("h.kind IN (SELECT unnest(?))")
        wparams.append(kinds)
    for value, condition in (
            (key(body), "contains(d.body_key, ?)"),
            (key(region), "contains(d.region_key, ?)"),
            (date_from, "d.meeting_date >= ?"),
            (date_to, "d.meeting_date <= ?"),
            (decision_kind, "h.kind = 'D' AND h.row_id IN (SELECT decision_id FROM core.decisions WHERE kind = ?)")):
        if value:
            where.append(condition)
            wparams.append(value)
    qt = ", ".join(f"({qi}, {tid})" for qi, tid in word_terms)
    sql = f"""
        WITH qt(qi, term_id) AS (VALUES {qt}),
        idf(qi, w) AS (VALUES {idf}),
        seed AS (SELECT DISTINCT row_id FROM core.postings WHERE term_id IN ({rarest})),
        hits AS (
            SELECT p.kind, p.row_id, p.document_id, qt.qi, sum(p.tf) AS tf
            FROM core.postings p JOIN qt USING (term_id)
            {"WHERE p.row_id IN (SELECT row_id FROM seed)" if len(by_word) > 1 else ""}
            GROUP BY ALL),
        scored AS (
            SELECT kind, row_id, document_id, count(DISTINCT qi) AS matched, sum(idf.w * (1 + ln(tf))) AS raw
            FROM hits JOIN idf USING (qi)
            GROUP BY kind, row_id, document_id),
        weighted AS (
            SELECT *, raw * CASE kind WHEN 'D' THEN 1.5 WHEN 'A' THEN 1.3 ELSE 1.0 END AS score FROM scored)
        SELECT h.kind, h.row_id, h.score, d.body, d.region, d.meeting_date, d.file_name, d.document_id
        FROM weighted h JOIN core.documents d USING (document_id)
        WHERE {' AND '.join(where)}
        ORDER BY h.score DESC, d.meeting_date DESC NULLS LAST, h.row_id
        LIMIT ?"""
    top = con.execute(sql, wparams + [limit * 2]).fetchall()
    return _drop_repeats(_with_texts(con, top))[:limit]


def _row_counts(con, by_word: dict[int, list[int]]) -> dict[int, int]:
    """Rows holding each query word. A row has one posting per term, so a word with one term
    counts its postings (fast); a prefix matching several terms counts distinct rows."""
    single = {tids[0]: qi for qi, tids in by_word.items() if len(tids) == 1}
    out: dict[int, int] = {}
    if single:
        for tid, count in con.execute(f"SELECT term_id, count(*) FROM core.postings WHERE term_id IN "
                                      f"({', '.join(map(str, single))}) GROUP BY term_id").fetchall():
            out[single[tid]] = count
    for qi, tids in by_word.items():
        if len(tids) > 1:
            out[qi] = con.execute(f"SELECT count(DISTINCT row_id) FROM core.postings WHERE term_id IN "
                                  f"({', '.join(map(str, tids))})").fetchone()[0]
    return out


def _drop_repeats(hits: list[Hit]) -> list[Hit]:
    """A text hit that only repeats a decision or assignment found in the same file adds nothing."""
    rows = [(h.file_name, fold(h.text)) for h in hits if h.kind != "text"]
    return [h for h in hits if h.kind != "text" or not any(
        f == h.file_name and t and (t in fold(h.text) or fold(h.text) in t) for f, t in rows)]


def _kind_filter(kind: str | None) -> tuple[list[str], str | None]:
    if not kind:
        return [], None
    k = kind.lower()
    if k in KINDS:
        return [KINDS[k]], None
    if k in DECISION_KINDS:
        return ["D"], k
    raise WarehouseError(f"Unknown kind {kind!r}; use decision, assignment, text, or a decision kind "
                         f"({', '.join(DECISION_KINDS)}).")


def _with_texts(con, top) -> list[Hit]:
    # The rows are found by their id column alone, then read whole by their place in the table
    # (rowid): reading the text column only for them halves the lookup on a million rows.
    ids = {"D": [], "A": [], "B": []}
    for kind, found, *_ in top:
        ids[kind].append(found)
    texts: dict[str, tuple] = {}
    for kind, table, id_column, columns in (("D", "decisions", "decision_id", "text, page, kind"),
                                            ("A", "assignments", "assignment_id", "task, page, owner")):
        if ids[kind]:
            for r in con.execute(f"SELECT {id_column}, {columns} FROM core.{table} WHERE rowid IN (SELECT rowid "
                                 f"FROM core.{table} WHERE {id_column} IN (SELECT unnest(?)))", [ids[kind]]).fetchall():
                texts[r[0]] = r[1:]
    if ids["B"]:
        blocks = [parse(rid) for rid in ids["B"]]
        cond = " OR ".join("(b.document_id = ? AND b.ordinal = ?)" for _ in blocks)
        for r in con.execute("SELECT b.document_id, b.ordinal, b.text, b.page, s.title FROM core.blocks b "
                             f"LEFT JOIN core.sections s ON s.section_id = b.section_id WHERE {cond}",
                             [x for b in blocks for x in (b.document_id, b.number)]).fetchall():
            texts[row_id(r[0], "blocks", r[1])] = (r[2], r[3], r[4])
    cases = dict(con.execute("SELECT c.decision_id, s.case_number FROM core.decisions c JOIN core.sections s "
                             "USING (section_id) WHERE s.case_number IS NOT NULL AND c.decision_id IN "
                             "(SELECT unnest(?))", [ids["D"]]).fetchall()) if ids["D"] else {}
    names = {"D": "decision", "A": "assignment", "B": "text"}
    out = []
    for kind, found, score, body, region, meeting_date, file_name, document_id in top:
        text, page, detail = texts.get(found, ("", None, None))
        out.append(Hit(names[kind], found, float(score), text, body, region, meeting_date, file_name, page, detail,
                       document_id, cases.get(found)))
    return out
