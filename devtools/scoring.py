"""Score a warehouse against gold annotations written for the project's own fixture documents.

The gold format and the matching are the evaluation's (one JSON per document, "optional" items
neither rewarded nor punished; text compared folded, without diacritics):
  decision    token-F1(gold text, found text) >= 0.5
  assignment  owner agrees (one side's words contain the other's, or no gold owner) and
              token-F1(gold task, found task or owner + task) >= 0.35
  attendee    the same name words in any order
  meeting     date, start and end exactly; place token-F1 >= 0.6; body: a gold spelling's words
              all in the found body
Formal-protocol items (votes, reservations, recusals, motions) are scored for documents whose
gold lists them. `score(db, gold_dir)` returns the figures as a dict; the tests hold them to floors.
"""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import duckdb

_WORD = re.compile(r"[0-9a-z]+")
_STOP = {"och", "att", "i", "av", "for", "till", "som", "den", "det", "en", "ett", "pa", "med", "om", "de", "ar",
         "inom", "vid", "fran", "the"}


def _fold(s: str | None) -> str:
    s = unicodedata.normalize("NFKD", s or "")
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


def _tokens(s: str | None, drop_stop: bool = True) -> set[str]:
    return {t for t in _WORD.findall(_fold(s)) if not (drop_stop and t in _STOP)}


def _f1(a: str, b: str) -> float:
    ta, tb = _tokens(a), _tokens(b)
    common = len(ta & tb)
    if not common:
        return 0.0
    p, r = common / len(tb), common / len(ta)
    return 2 * p * r / (p + r)


def _subset_either(a: str | None, b: str | None) -> bool:
    ta, tb = _tokens(a, False), _tokens(b, False)
    return bool(ta) and bool(tb) and (ta <= tb or tb <= ta)


def _owner_agrees(owners: list[str] | None, found: str | None) -> bool:
    return owners is None or any(_subset_either(o, found) for o in owners)


def _para(v) -> int | None:
    m = re.search(r"\d+", str(v or ""))
    return int(m.group()) if m else None


def _hhmm(v) -> str | None:
    m = re.match(r"^\s*(\d{1,2})[:.](\d{2})", str(v)) if v is not None else None
    return f"{int(m.group(1)):02d}:{m.group(2)}" if m else None


_PROTOCOL = {
    "votes": ("paragraph, method, yes_count, no_count, abstain_count",
              lambda g, p: _para(g.get("paragraph")) == _para(p["paragraph"])
              and all(g.get(k) is None or g[k] == p[c]
                      for k, c in (("yes", "yes_count"), ("no", "no_count"), ("abstain", "abstain_count")))
              and (g.get("method") is None or g["method"] == p["method"])),
    "reservations": ("paragraph, name, party",
                     lambda g, p: _para(g.get("paragraph")) == _para(p["paragraph"])
                     and (_subset_either(g["name"], p["name"]) if g.get("name")
                          else p["name"] is None and _fold(g.get("party")) == _fold(p["party"]))),
    "recusals": ("paragraph, name",
                 lambda g, p: _para(g.get("paragraph")) == _para(p["paragraph"]) and _subset_either(g["name"], p["name"])),
    "motions": ("paragraph, mover, party",
                lambda g, p: _para(g.get("paragraph")) == _para(p["paragraph"])
                and (_subset_either(g["mover"], p["mover"]) if g.get("mover")
                     else _fold(g.get("party")) == _fold(p["party"]))),
}


class _Tally:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, gold: list[dict], found: list, agree, threshold: float) -> list[tuple[int, int]]:
        """Match one-to-one, best first; optional gold items count neither way. Returns the pairs."""
        pairs = sorted(((agree(g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(found)),
                       key=lambda x: -x[0])
        used_g: set[int] = set()
        used_p: set[int] = set()
        out = []
        for s, gi, pi in pairs:
            if s >= threshold and gi not in used_g and pi not in used_p:
                used_g.add(gi)
                used_p.add(pi)
                out.append((gi, pi))
        self.tp += sum(1 for gi, _ in out if not gold[gi].get("optional"))
        self.fn += sum(1 for gi, g in enumerate(gold) if gi not in used_g and not g.get("optional"))
        self.fp += len(found) - len(used_p)
        return out

    def f1(self) -> float | None:
        if not self.tp + self.fp + self.fn:
            return None
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return round(2 * p * r / (p + r), 3) if p + r else 0.0


def score(db: str | Path, gold_dir: str | Path) -> dict:
    """Figures of the warehouse at `db` against every gold file in `gold_dir`."""
    con = duckdb.connect(str(db), read_only=True)

    def rows(sql: str, *params) -> list[dict]:
        cur = con.execute(sql, list(params))
        return [dict(zip([d[0] for d in cur.description], r)) for r in cur.fetchall()]

    docs = {r["file_name"]: r for r in rows("SELECT * FROM documents")}
    kinds = {k: _Tally() for k in ("decisions", "assignments", "attendees", "protocol")}
    counts = {"deadline": [0, 0], "meeting": [0, 0], "status": [0, 0]}
    for path in sorted(Path(gold_dir).glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        d = docs.get(gold["file"])
        if d is None:
            raise AssertionError(f"{gold['file']} was not imported")
        did = d["document_id"]
        _meeting(gold.get("meeting", {}), d, counts["meeting"])
        kinds["decisions"].add(gold.get("decisions", []), [r["text"] for r in rows(
            "SELECT text FROM decisions WHERE document_id = ?", did)], lambda g, p: _f1(g["text"], p), 0.5)
        found = rows("SELECT owner, task, deadline FROM assignments WHERE document_id = ?", did)
        gold_a = gold.get("assignments", [])
        for gi, pi in kinds["assignments"].add(gold_a, found, _assignment_agrees, 0.35):
            g, p = gold_a[gi], found[pi]
            if g.get("deadline") and not g.get("optional"):
                counts["deadline"][0] += str(p["deadline"]) in g["deadline"] if p["deadline"] else False
                counts["deadline"][1] += 1
        found = rows("SELECT name, status FROM attendees WHERE document_id = ?", did)
        gold_p = gold.get("attendees", [])
        for gi, pi in kinds["attendees"].add(gold_p, found, lambda g, p: float(
                sorted(_tokens(g["name"], False)) == sorted(_tokens(p["name"], False))), 1.0):
            counts["status"][0] += found[pi]["status"] == gold_p[gi]["status"]
            counts["status"][1] += 1
        for view, (cols, agree) in _PROTOCOL.items():
            if view in gold:
                kinds["protocol"].add(gold[view], rows(f"SELECT {cols} FROM {view} WHERE document_id = ?", did),
                                      lambda g, p, a=agree: float(a(g, p)), 1.0)
    con.close()
    out = {k: t.f1() for k, t in kinds.items()}
    for k, (ok, n) in counts.items():
        out[k] = round(ok / n, 3) if n else None
    return out


def _assignment_agrees(g: dict, p: dict) -> float:
    if not _owner_agrees(g.get("owner"), p["owner"]):
        return 0.0
    return max(_f1(g["task"], p["task"] or ""), _f1(g["task"], f"{p['owner'] or ''} {p['task'] or ''}"))


def _meeting(gold: dict, d: dict, tally: list[int]) -> None:
    checks = []
    if "date" in gold:
        checks.append((str(d["meeting_date"]) if d["meeting_date"] else None) == gold["date"])
    for key, column in (("start", "start_time"), ("end", "end_time")):
        if key in gold:
            checks.append(_hhmm(d[column]) == gold[key])
    if "place" in gold:
        checks.append(_f1(gold["place"], d["place"] or "") >= 0.6)
    if "body" in gold:
        checks.append(any(_tokens(b, False) <= _tokens(d["body"], False) for b in gold["body"]))
    tally[0] += sum(checks)
    tally[1] += len(checks)
