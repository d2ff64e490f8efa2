"""Which documents are meetings of one body, however its name is written.

A document's names come from its `body`, extended by its title, or else a heading among its first
lines, when that holds the body's words ("Regional arbetsgrupp" in "Regional arbetsgrupp (RAG)
rehabilitering, Mellersta sjukvårdsregionen"), without dates and what follows a comma, and without a place after "i"
("Socialnämnden i Lövåker" is also "Socialnämnden", in Lövåker). Two names are the same when their
words are, where an abbreviation may stand for the words it abbreviates ("KSAU" for
"Kommunstyrelsens arbetsutskott", "RAG rehabilitering" for "Regional arbetsgrupp rehabilitering"),
and a name in parentheses is one more way of writing the name before it. Documents of one name
are one body when their region (or the place their name gives) is the same or when they share
attendees; two municipalities' Socialnämnden stay apart, and so do the meetings of unrelated
organisations whose body the documents only call "Styrgruppen". A body's id is the smallest id
among its documents.

`assign` recomputes the bodies of the names an import touched and says which bodies need their
follow-ups linked again, and from which meeting date.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

import duckdb

from minutes.text import fold, fold_same_length, key, squash

_CUT = re.compile(r",\s|\s[–—-]\s|\s\d{4}-\d{2}-\d{2}\b|\s\d{1,2} [a-zåäö]+ \d{4}\b")
_ALIAS = re.compile(r"\(([A-ZÅÄÖ]{2,8})\)")
_PARENS = re.compile(r"\s*\([^)]*\)")
_PLACE = re.compile(r"\s+i\s+(?P<place>[A-ZÅÄÖ][\w-]+(?:\s+[A-ZÅÄÖ][\w-]+)*(?:s?\s+(?:kommun|län|region))?)$")
FIRST_LINES = 6  # the blocks of a document's start where its body's name may be written in full
SHARED_ATTENDEES = 2  # documents of one name in two regions (or of no region) are one body when they share this many


def names_of(body: str | None, title: str | None, lines: tuple[str, ...] = ()) -> list[str]:
    """The ways a document writes its body's name: ["Kommunstyrelsens arbetsutskott", "KSAU"]. The title,
    or else one of the document's first `lines`, may name the body more fully than `body` does."""
    if not body or not body.strip():
        return []
    base = squash(body)
    heads = [squash(x) for x in lines if len(x) <= 100 and not x.rstrip().endswith((".", "!", "?"))]
    for t in [squash(title or ""), *heads]:  # a heading or a first line, not a sentence that names the body
        found = re.search(rf"(?<!\w){re.escape(fold_same_length(base))}(?!\w)", fold_same_length(t))  # not "…s beslut"
        at = found.start() if found else -1
        if at >= 0 and len(t) > len(base):
            base = t[at:]  # "Regional arbetsgrupp (RAG) rehabilitering, Mellersta sjukvårdsregionen"
            break
    cut = _CUT.search(base)
    if cut and cut.start() > 0:
        base = base[:cut.start()]
    plain = squash(_PARENS.sub("", base)).strip(" .:;-–")
    out = [plain] if plain else []
    place = _PLACE.search(plain)
    if place and place.start() > 0:  # "Socialnämnden i Lövåker" is also "Socialnämnden"
        out.append(plain[:place.start()])
    alias = _ALIAS.search(base)
    if alias:
        before, after = base[:alias.start()].split(), base[alias.end():].split()
        k = next((k for k in range(len(before), 0, -1) if abbreviates(alias.group(1), before[-k:])), len(before))
        variant = " ".join(before[:-k] + [alias.group(1)] + after) if k else " ".join([alias.group(1)] + after)
        if variant not in out:
            out.append(variant)
    return out


def place_of(names: list[str]) -> str | None:
    """The place a name says its body is in ("Socialnämnden i Lövåker"): a region when the document's is unknown."""
    for name in names:
        m = _PLACE.search(name)
        if m and m.start() > 0:
            return key(m.group("place"))
    return None


def is_abbreviation(word: str) -> bool:
    return 2 <= len(word) <= 8 and word.isalpha() and word.isupper()


def abbreviates(short: str, words: list[str]) -> bool:
    """Whether `short` is made of the first letters of `words`, letters in between starting later parts
    of a word ("KSAU": kommun-styrelsens arbets-utskott); a word of three letters or fewer ("för", "i")
    may be left out."""
    letters, ws = fold(short), [fold(w) for w in words if w]
    if not ws or not letters:
        return False

    def go(li: int, wi: int) -> bool:
        if wi == len(ws):
            return li == len(letters)
        w = ws[wi]
        if li < len(letters) and w[:1] == letters[li]:
            for end in range(len(letters), li, -1):
                if _subsequence(letters[li + 1:end], w[1:]) and go(end, wi + 1):
                    return True
        return len(w) <= 3 and go(li, wi + 1)

    return go(0, 0)


def _subsequence(part: str, word: str) -> bool:
    it = iter(word)
    return all(ch in it for ch in part)


def same_name(a: str, b: str) -> bool:
    """Whether two names are the same body's: the same words, an abbreviation standing for words."""
    if key(a) == key(b):
        return True
    return _same(a.split(), 0, b.split(), 0)


def _same(a: list[str], i: int, b: list[str], j: int) -> bool:
    if i == len(a) or j == len(b):
        return i == len(a) and j == len(b)
    if key(a[i]) == key(b[j]) and _same(a, i + 1, b, j + 1):
        return True
    for x, xi, y, yj, flip in ((a, i, b, j, False), (b, j, a, i, True)):
        if is_abbreviation(x[xi]):
            for k in range(len(y), yj, -1):
                if abbreviates(x[xi], y[yj:k]) and (_same(y, k, x, xi + 1) if flip else _same(x, xi + 1, y, k)):
                    return True
    return False


@dataclass
class _Doc:
    document_id: str
    region: str | None
    date: dt.date | None
    names: list[str]


def assign(con: duckdb.DuckDBPyConnection, touched: set[str]) -> dict[str, dt.date | None]:
    """Recompute the bodies of the names the `touched` documents bear (now or before) and store them.

    Returns the bodies whose follow-ups must be linked again, each with the meeting date from which
    (None: all of it, because the body gained or lost documents other than the touched ones). Reads
    only the documents of those names.
    """
    touched = set(touched) | {d for (d,) in con.execute(  # documents no longer in the warehouse
        "SELECT document_id FROM core.document_bodies WHERE document_id NOT IN (SELECT document_id FROM "
        "core.documents)").fetchall()}
    ids = sorted(touched)
    now = {r[0]: _Doc(r[0], r[3], r[4], names_of(r[1], r[2], tuple(r[5] or ()))) for r in con.execute(
        f"SELECT document_id, body, title, region_key, meeting_date, (SELECT list(b.text ORDER BY b.ordinal) FROM "
        f"core.blocks b WHERE b.document_id = d.document_id AND b.ordinal < {FIRST_LINES}) FROM core.documents d "
        "WHERE document_id IN (SELECT unnest(?))", [ids]).fetchall()}
    old = {r[0]: (r[1], r[2]) for r in con.execute(
        "SELECT document_id, body_id, meeting_date FROM core.document_bodies WHERE document_id IN (SELECT unnest(?))",
        [ids]).fetchall()}
    seeds = {n for d in now.values() for n in d.names} | {n for (n,) in con.execute(  # and their former bodies'
        "SELECT DISTINCT unnest(names) FROM core.document_bodies WHERE body_id IN (SELECT unnest(?))",
        [sorted({b for b, _ in old.values()})]).fetchall()}
    written = {n for (n,) in con.execute("SELECT DISTINCT unnest(names) FROM core.document_bodies").fetchall()}
    names = _name_class(seeds, written | seeds)
    rows = con.execute("""
        SELECT b.document_id, b.body_id, b.meeting_date, b.names, d.region_key FROM core.document_bodies b
        JOIN core.documents d USING (document_id) WHERE list_has_any(b.names, ?)""", [sorted(names)]).fetchall()
    stored = {r[0]: r[1] for r in rows if r[0] not in touched}
    docs = {r[0]: _Doc(r[0], r[4], r[2], list(r[3])) for r in rows if r[0] not in touched}
    docs.update((d, doc) for d, doc in now.items() if doc.names)
    for d in docs.values():
        d.region = d.region or place_of(d.names)
    by_name: dict[str, list[str]] = defaultdict(list)
    for d in docs.values():
        for n in d.names:
            by_name[n].append(d.document_id)
    bodies = _partition(con, docs, names & set(by_name), by_name)
    plan: dict[str, dt.date | None] = {}
    for group in bodies:
        untouched = group - touched
        before = {stored[d] for d in untouched}
        whole_before = {d for d, body in stored.items() if body in before}
        changed = len(before) > 1 or whole_before != untouched  # merged, split, or new to the table
        dates = [docs[d].date for d in group & touched] + [day for d, (body, day) in old.items() if body in before]
        dates = [x for x in dates if x is not None]
        if changed or dates:
            plan[min(group)] = None if changed else min(dates)
    _store(con, docs, bodies, stored, touched)
    return plan


def _name_class(seeds: set[str], names: set[str]) -> set[str]:
    """Every name among `names` that is, directly or through others, the same as one of `seeds`."""
    by_letter: dict[str, list[str]] = defaultdict(list)
    for n in names:
        by_letter[fold(n)[:1]].append(n)
    found, todo = set(), list(seeds)
    while todo:
        n = todo.pop()
        if n in found:
            continue
        found.add(n)
        todo.extend(m for m in by_letter[fold(n)[:1]] if m not in found and same_name(n, m))
    return found


def _partition(con: duckdb.DuckDBPyConnection, docs: dict[str, _Doc], names: set[str],
               by_name: dict[str, list[str]]) -> list[set[str]]:
    """The documents bearing `names`, as bodies: connected by their names (the same name, or two names one
    document bears), then apart by region unless they share attendees."""
    groups = _connected(sorted(names), lambda a, b: same_name(a, b) or bool(set(by_name[a]) & set(by_name[b])))
    return [body for g in groups for body in _by_region(con, [docs[d] for d in sorted({d for n in g
                                                                                       for d in by_name[n]})])]


def _by_region(con: duckdb.DuckDBPyConnection, docs: list[_Doc]) -> list[set[str]]:
    """Documents of one name as bodies: one per region, joined when they share attendees; a document of no
    known region joins the documents it shares attendees with (or, naming no attendees, the only body that
    names some), so that a name as plain as "Styrgruppen" is not one body across organisations."""
    groups: dict[tuple[str, str], set[str]] = defaultdict(set)
    for d in docs:
        groups[("region", d.region) if d.region else ("document", d.document_id)].add(d.document_id)
    if len(groups) == 1:
        return list(groups.values())
    key_of = {d: k for k, ids in groups.items() for d in ids}
    people: dict[tuple[str, str], set[str]] = {k: set() for k in groups}
    for doc_id, name in con.execute("SELECT DISTINCT document_id, name_key FROM core.attendees "
                                    "WHERE document_id IN (SELECT unnest(?))", [sorted(key_of)]).fetchall():
        people[key_of[doc_id]].add(name)
    parts = _sharing(sorted(groups), people)
    named = [p for p in parts if any(people[k] for k in p)]
    silent = [k for p in parts if not any(people[k] for k in p) for k in p]
    if silent and len(named) <= 1:  # documents naming nobody: with the one body that names people, if one
        named = [(named[0] if named else []) + silent]
        silent = []
    return [set().union(*(groups[k] for k in p)) for p in named] + [groups[k] for k in silent]


def _sharing(keys: list, people: dict) -> list[list]:
    """`keys` grouped by the attendees their documents share: a key joins a group with which it shares
    SHARED_ATTENDEES names. Read through an index of names, so a body of hundreds of meetings is quick."""
    parent = {k: k for k in keys}

    def root(k):
        while parent[k] != k:
            k = parent[k]
        return k

    index: dict[str, set] = defaultdict(set)  # name -> the groups (by a key of theirs) that name it
    for k in keys:
        shared: Counter = Counter()  # names k shares with each group so far
        for name in people[k]:
            shared.update({root(g) for g in index[name]})
        for r, n in shared.items():
            if n >= SHARED_ATTENDEES and root(r) != root(k):
                parent[root(r)] = root(k)
        for name in people[k]:
            index[name] = {root(g) for g in index[name]} | {root(k)}
    groups: dict = defaultdict(list)
    for k in keys:
        groups[root(k)].append(k)
    return list(groups.values())


def _connected(items: list, together) -> list[list]:
    """`items` in groups, two of them in one group when `together(a, b)` says so, directly or through others."""
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if root(i) != root(j) and together(items[i], items[j]):
                parent[root(j)] = root(i)
    groups: dict[int, list] = defaultdict(list)
    for i, item in enumerate(items):
        groups[root(i)].append(item)
    return list(groups.values())


def _store(con: duckdb.DuckDBPyConnection, docs: dict[str, _Doc], bodies: list[set[str]], stored: dict[str, str],
           touched: set[str]) -> None:
    """Write the bodies of the touched documents, and of others whose body changed; forget the touched ones
    that have no body now (or are no longer in the warehouse)."""
    rows = [(d, min(group), docs[d].date, docs[d].names) for group in bodies for d in sorted(group)
            if d in touched or stored.get(d) != min(group)]
    gone = sorted(touched | {r[0] for r in rows})
    con.execute("DELETE FROM core.document_bodies WHERE document_id IN (SELECT unnest(?))", [gone])
    if rows:
        con.execute("INSERT INTO core.document_bodies SELECT unnest(?), unnest(?), unnest(?), unnest(?)",
                    [list(c) for c in zip(*rows)])
