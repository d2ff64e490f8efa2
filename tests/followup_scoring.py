"""Scores follow-up tracking against a series' links.json, by the rules of tests/fixtures/series/README.md.

Each links.json entry is matched to a predicted assignment of its file (the owner agrees, task
token-F1 >= 0.35, one-to-one, best first); then status accuracy over the entries and precision
and recall of the assignment_followups rows.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import duckdb

_WORD = re.compile(r"[0-9a-z]+")
_STOP = {"och", "att", "i", "av", "for", "till", "som", "den", "det", "en", "ett", "pa", "med", "om", "de", "ar", "inom",
         "vid", "fran", "the"}


def _tokens(text: str | None, drop_stop: bool = True) -> list[str]:
    folded = "".join(c for c in unicodedata.normalize("NFKD", text or "") if not unicodedata.combining(c)).casefold()
    return [t for t in _WORD.findall(folded) if not (drop_stop and t in _STOP)]


def token_f1(a: str, b: str) -> float:
    ta, tb = set(_tokens(a)), set(_tokens(b))
    common = len(ta & tb)
    if not common:
        return 0.0
    p, r = common / len(tb), common / len(ta)
    return 2 * p * r / (p + r)


def owner_agrees(gold: list[str] | None, pred: str | None) -> bool:
    if gold is None:
        return True
    pt = set(_tokens(pred, drop_stop=False))
    return bool(pt) and any((gt := set(_tokens(g, drop_stop=False))) and (gt <= pt or pt <= gt) for g in gold)


@dataclass
class Score:
    status_right: int
    entries: int
    tp: int
    fp: int
    gold_links: int
    wrong: list[str]

    @property
    def status_accuracy(self) -> float:
        return self.status_right / self.entries if self.entries else 1.0

    @property
    def f1(self) -> float:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        recall = self.tp / self.gold_links if self.gold_links else 1.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score(db: str | Path, links_file: str | Path) -> Score:
    links = json.loads(Path(links_file).read_text(encoding="utf-8"))["links"]
    con = duckdb.connect(str(db), read_only=True)
    try:
        docs = dict(con.execute("select file_name, document_id from documents").fetchall())
        file_of = {v: k for k, v in docs.items()}
        cur = con.execute("select assignment_id, document_id, owner, task, status, status_document_id from assignments")
        preds = [dict(zip([d[0] for d in cur.description], r)) for r in cur.fetchall()]
        fups = con.execute("select assignment_id, document_id, status from assignment_followups").fetchall()
    finally:
        con.close()
    match: dict[str, dict] = {}
    for file in {g["file"] for g in links}:
        gold = [g for g in links if g["file"] == file]
        pred = [p for p in preds if p["document_id"] == docs.get(file)]
        pairs = sorted(((max(token_f1(g["task"], p["task"] or ""), token_f1(g["task"], f"{p['owner'] or ''} "
                                                                                         f"{p['task'] or ''}")), gi, pi)
                        for gi, g in enumerate(gold) for pi, p in enumerate(pred)
                        if owner_agrees(g.get("owner"), p["owner"])), reverse=True)
        used_g, used_p = set(), set()
        for s, gi, pi in pairs:
            if s >= 0.35 and gi not in used_g and pi not in used_p:
                used_g.add(gi)
                used_p.add(pi)
                match[pred[pi]["assignment_id"]] = gold[gi]
    by_entry = {id(g): aid for aid, g in match.items()}
    pred_by_id = {p["assignment_id"]: p for p in preds}
    right, wrong = 0, []
    for g in links:
        p = pred_by_id.get(by_entry.get(id(g)))
        ok = p is not None and p["status"] == g["status"] and (
            g["status"] == "open" or file_of.get(p["status_document_id"]) == g.get("last_followup"))
        right += ok
        if not ok:
            wrong.append(f"{g['file']}: {g['task'][:50]} want {g['status']}, got {p and p['status']}")
    tp = fp = 0
    for assignment_id, document_id, status in fups:
        g = match.get(assignment_id)
        if g and any(x["file"] == file_of.get(document_id) and x["status"] == status for x in g["followups"]):
            tp += 1
        else:
            fp += 1
            wrong.append(f"extra follow-up in {file_of.get(document_id)} ({status}) for {assignment_id}")
    return Score(right, len(links), tp, fp, sum(len(g["followups"]) for g in links), wrong)
