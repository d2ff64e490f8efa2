"""Swedish-aware search over decisions, assignments and the documents' text.

The index (core.terms, core.postings) holds folded Snowball stems of every decision,
assignment and block of text, written with each document. A query word is stemmed, cut
back to its root and matched as a prefix (rules/terms.py), so the search ignores case and
accents and finds inflected forms: "ansökan" finds "ansökningarna". Hits must contain every
query word; they are ranked by a tf-idf score, decisions and assignments before the text they
came from. No DuckDB extension is needed.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import duckdb

from minutes.rules.terms import query_terms

from .queries import contains_folded
from .store import WarehouseError, connect

KINDS = {"decision": "D", "beslut": "D", "assignment": "A", "uppdrag": "A", "text": "B", "section": "B"}
DECISION_KINDS = ("beslut", "ställningstagande", "förslag", "summering")


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


def search(db: str, query: str, *, body: str | None = None, region: str | None = None,
           date_from: dt.date | None = None, date_to: dt.date | None = None, kind: str | None = None,
           limit: int = 20, con: duckdb.DuckDBPyConnection | None = None) -> list[Hit]:
    """Ranked hits for `query`, optionally filtered by body, region, meeting dates and kind."""
    qterms = query_terms(query)
    if not qterms:
        raise WarehouseError("The search needs at least one word of two letters or more.")
    own = con is None
    con = con or connect(db, read_only=True)
    try:
        return _search(con, qterms, body, region, date_from, date_to, kind, limit)
    except duckdb.Error as e:
        raise WarehouseError(f"The search failed: {str(e).splitlines()[0]}") from e
    finally:
        if own:
            con.close()


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
            (body, contains_folded("d.body", "?")),
            (region, contains_folded("d.region", "?")),
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
        SELECT h.kind, h.row_id, h.score, d.body, d.region, d.meeting_date, d.file_name
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
    from minutes.rules.text import fold
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
    for kind, row_id, *_ in top:
        ids[kind].append(row_id)
    texts: dict[str, tuple] = {}
    for kind, table, id_column, columns in (("D", "decisions", "decision_id", "text, page, kind"),
                                            ("A", "assignments", "assignment_id", "task, page, owner")):
        if ids[kind]:
            for r in con.execute(f"SELECT {id_column}, {columns} FROM core.{table} WHERE rowid IN (SELECT rowid "
                                 f"FROM core.{table} WHERE {id_column} IN (SELECT unnest(?)))", [ids[kind]]).fetchall():
                texts[r[0]] = r[1:]
    if ids["B"]:
        keys = [(rid.rsplit("-B", 1)[0], int(rid.rsplit("-B", 1)[1])) for rid in ids["B"]]
        cond = " OR ".join("(b.document_id = ? AND b.ordinal = ?)" for _ in keys)
        for r in con.execute("SELECT b.document_id, b.ordinal, b.text, b.page, s.title FROM core.blocks b "
                             f"LEFT JOIN core.sections s ON s.section_id = b.section_id WHERE {cond}",
                             [x for k in keys for x in k]).fetchall():
            texts[f"{r[0]}-B{r[1]:04d}"] = (r[2], r[3], r[4])
    names = {"D": "decision", "A": "assignment", "B": "text"}
    out = []
    for kind, row_id, score, body, region, meeting_date, file_name in top:
        text, page, detail = texts.get(row_id, ("", None, None))
        out.append(Hit(names[kind], row_id, float(score), text, body, region, meeting_date, file_name, page, detail))
    return out
