"""Persons across documents: attendees and named owners clustered into one person each.

Two mentions are the same person when their surnames are the same, their first names are
the same or spelling variants of each other ("Annica"/"Annika", "Eric"/"Erik"), and their
organisations agree (or one of them has none). Two people who share a surname but not a
first name, or the same name in two organisations, stay apart. An import that changed something
clusters the surnames it touched again, so a person's id depends only on the data.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from minutes.text import fold, key

from .transaction import transaction

_PHONETIC = [("ph", "f"), ("th", "t"), ("ck", "k"), ("c", "k"), ("w", "v"), ("z", "s"), ("q", "k")]


@lru_cache(maxsize=65536)
def _first_key(first: str) -> str:
    k = fold(first)
    for a, b in _PHONETIC:
        k = k.replace(a, b)
    return re.sub(r"(.)\1", r"\1", k)  # "mattias" ~ "matias"


def same_first_name(a: str, b: str) -> bool:
    """'Annica'/'Annika', 'Eric'/'Erik', 'Mattias'/'Matias': yes; 'Anna'/'Anders': no."""
    return _same_key(_first_key(a), _first_key(b))


def _same_key(ka: str, kb: str) -> bool:
    return ka == kb or (ka[:1] == kb[:1] and _alike(ka, kb))


@lru_cache(maxsize=65536)
def _alike(ka: str, kb: str) -> bool:
    return SequenceMatcher(None, ka, kb).ratio() >= 0.85


@dataclass
class _Cluster:
    first: str
    org: str | None
    key: str = ""  # _first_key(first), computed once
    names: Counter = field(default_factory=Counter)
    orgs: Counter = field(default_factory=Counter)
    initials: Counter = field(default_factory=Counter)
    members: list[tuple[str, str | None]] = field(default_factory=list)


def cluster(mentions: list[tuple[str, str | None, str | None, int]]) -> list[_Cluster]:
    """Group (name, organisation, initials, count) mentions into persons."""
    by_surname: dict[str, list] = defaultdict(list)
    for name, org, initials, n in mentions:
        parts = name.split()
        if len(parts) < 2:
            continue  # a first name alone cannot be told apart from another person's
        by_surname[fold(parts[-1])].append((name, org, initials, n))
    clusters: list[_Cluster] = []
    for items in by_surname.values():
        local: list[_Cluster] = []
        # the most frequent spellings, and mentions with an organisation, found clusters first
        for name, org, initials, n in sorted(items, key=lambda x: (x[1] is None, -x[3], x[0])):
            first = name.split()[0]
            key = _first_key(first)
            home = None
            for c in local:
                if (org is None or c.org is None or fold(org) == fold(c.org)) and _same_key(c.key, key):
                    home = c
                    break
            if home is None:
                home = _Cluster(first, org, key)
                local.append(home)
            if home.org is None and org is not None:
                home.org = org
            home.names[name] += n
            if org:
                home.orgs[org] += n
            if initials:
                home.initials[initials] += n
            home.members.append((name, org))
        clusters.extend(local)
    return clusters


# Attendee rows link by name and organisation (or by name alone when only one person has it);
# an assignment links to the person of the attendee with the owner's name in the same document,
# or by name alone. {a} and {s} limit the attendee and assignment rows relinked ("true": all).
# Join conditions name columns of both sides only: a condition on one side in an ON clause
# (owner_kind) turns DuckDB's hash join into a loop over every pair of rows.
_LINKS = """
DELETE FROM core.attendee_persons WHERE attendee_id IN (SELECT attendee_id FROM core.attendees a WHERE {a});
INSERT INTO core.attendee_persons
SELECT a.attendee_id, coalesce(exact.person_id, loose.person_id)
FROM core.attendees a
LEFT JOIN core.person_aliases exact
       ON exact.name_key = a.name_key AND exact.org_key = coalesce(a.organisation_key, '')
LEFT JOIN (SELECT name_key, any_value(person_id) AS person_id FROM core.person_aliases
           GROUP BY name_key HAVING count(DISTINCT person_id) = 1) loose
       ON loose.name_key = a.name_key
WHERE coalesce(exact.person_id, loose.person_id) IS NOT NULL AND {a};

DELETE FROM core.assignment_persons WHERE assignment_id IN (SELECT assignment_id FROM core.assignments s WHERE {s});
INSERT INTO core.assignment_persons
SELECT s.assignment_id, coalesce(same_doc.person_id, loose.person_id)
FROM core.assignments s
LEFT JOIN (SELECT a.document_id, a.name_key, any_value(p.person_id) AS person_id
           FROM core.attendees a JOIN core.attendee_persons p USING (attendee_id)
           GROUP BY ALL) same_doc
       ON same_doc.document_id = s.document_id AND same_doc.name_key = s.owner_key
LEFT JOIN (SELECT name_key, any_value(person_id) AS person_id FROM core.person_aliases
           GROUP BY name_key HAVING count(DISTINCT person_id) = 1) loose
       ON loose.name_key = s.owner_key
WHERE s.owner_kind = 'person' AND coalesce(same_doc.person_id, loose.person_id) IS NOT NULL AND {s};
"""

#: The rows of one surname: every person, alias and link of a surname depends only on the mentions
#: with that surname, so an import updates the surnames it touched (`surnames`) and nothing else.
_IN_SCOPE = "list_last(string_split({col}, ' ')) IN (SELECT surname FROM _scope)"

_MENTIONS = """
    SELECT name, organisation, any_value(initials), count(*) FROM core.attendees a WHERE {a}
    GROUP BY name, organisation
    UNION ALL
    SELECT owner, NULL, NULL, count(*) FROM core.assignments s
    WHERE owner_kind = 'person' AND {s} AND NOT EXISTS (
        SELECT 1 FROM core.attendees a
        WHERE a.document_id = s.document_id AND a.name_key = s.owner_key)
    GROUP BY owner
"""


def surname(name_key: str | None) -> str | None:
    """The surname key of a name key: what persons are clustered by."""
    parts = (name_key or "").split()
    return parts[-1] if parts else None


def person_id(name: str, org: str | None) -> str:
    return hashlib.sha1(f"{fold(name)}|{fold(org or '')}".encode()).hexdigest()[:12]


def rebuild(wh, surnames: list[str] | None = None, in_transaction: bool = False) -> int:
    """Recompute core.persons, core.person_aliases and the links from attendees and named owners.

    `wh` is the writable `Warehouse`; `surnames` (surname keys) limits the work to the persons
    of those surnames, the rest stay as they are. The work is one transaction (the caller's
    when `in_transaction`). Returns the persons written.
    """
    con = wh.con
    scope = {"a": "true", "s": "true", "p": "true", "q": "true"}
    if surnames is not None:
        con.execute("CREATE OR REPLACE TEMP TABLE _scope AS SELECT unnest(?::VARCHAR[]) AS surname", [sorted(surnames)])
        scope = {"a": _IN_SCOPE.format(col="a.name_key"), "s": _IN_SCOPE.format(col="s.owner_key"),
                 "p": _IN_SCOPE.format(col="name_key"), "q": _IN_SCOPE.format(col="name_key")}
    mentions = con.execute(_MENTIONS.format(**scope)).fetchall()
    persons, aliases = [], []
    for c in cluster([(m[0], m[1], m[2], m[3]) for m in mentions]):
        name = c.names.most_common(1)[0][0]
        org = c.orgs.most_common(1)[0][0] if c.orgs else None
        pid = person_id(name, org)
        initials = c.initials.most_common(1)[0][0] if c.initials else None
        persons.append({"person_id": pid, "name": name, "organisation": org, "initials": initials,
                        "variants": sorted(c.names)})
        for member_name, member_org in c.members:
            aliases.append({"name_key": key(member_name), "org_key": key(member_org) or "", "person_id": pid})
    with transaction(con, joined=in_transaction):
        con.execute(f"DELETE FROM core.persons WHERE {scope['p']}")
        con.execute(f"DELETE FROM core.person_aliases WHERE {scope['q']}")
        wh.insert_rows("persons", persons)
        wh.insert_rows("person_aliases", aliases)
        con.execute(_LINKS.format(**scope))
    return len(persons)
