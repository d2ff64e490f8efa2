"""Formal protocols: diarienummer, yrkanden, votes, reservations, jäv and per-paragraph attendance.

The patterns live in rules/sv/protocol.yaml. They are regular expressions rather than spaCy
token patterns: each one captures named pieces (a name with its party, counts, a reason) from a
sentence, and capitalised names plus "(M)" are clearer as a regex than as token attributes.
"""
from __future__ import annotations

import re

from minutes.core.document import Block, Document
from minutes.core.records import (
    Attendee,
    Decision,
    Motion,
    Participation,
    PersonVote,
    Protocol,
    Recusal,
    Reservation,
    Section,
    Vote,
)
from minutes.core import enums
from minutes.core.enums import AttendeeStatus
from minutes.text import fold, squash

from .lexicon import lexicon
from .loader import built_once, load_model, where
from .schema_patterns import ProtocolFile
from .text import sentences
from .vocab import vocab

#: the attributes of a Vote that count each way of voting, in the order of the Vote enum
_COUNTED = dict(zip(enums.Vote, ("yes", "no", "abstain", "absent")))
_VOTERING = enums.VoteMethod.VOTERING.value


class ProtocolRules:
    def __init__(self) -> None:
        data = load_model("protocol", ProtocolFile)
        self.data = data
        lex = lexicon()
        self.numbers = lex.numbers
        self.party_names = lex.party_of_name
        self.rx = {r.id.rsplit(".", 1)[1]: self.compile(r.regex, f"{where('protocol')}: {r.id}") for r in data.rules}
        self.person = self.compile(r"(?P<name>{NAME})\s*{PARTY}", where("protocol"))
        self.party_name = self.compile(r"(?i:{PARTY_NAMES})", where("protocol"))
        self.gate = lex.compile("{GATE}", where("protocol"), folded=True, words={"GATE": data.gate_words})
        table = data.vote_table
        self.vote_columns = {vote: [fold(w) for w in words] for vote, words in table.columns.items()}
        self.party_headers = frozenset(fold(w) for w in table.party_headers)
        self.sum_rows = tuple(fold(w) for w in table.sum_rows)
        self.marks = frozenset(fold(m) for m in vocab().people.marks.vote)
        o = data.motion_outcomes
        self.motion_word = fold(o.motion_word)
        self.finding_words = {fold(k.opens): tuple(fold(w) for w in k.finding) for k in o.kinds}
        self.motion_asks = lex.compile(r"({OPENS})\s+{JOINED}\s+(.+)$", where("protocol"), folded=True,
                                       words={"OPENS": [k.opens for k in o.kinds], "JOINED": o.joined_by})

    def compile(self, pattern: str, source: str) -> re.Pattern:
        """A rule's regex with the pieces of protocol.yaml and the lexicon's lists filled in."""
        return lexicon().compile(pattern, source, pieces=self.data.pieces)

    def count(self, value: str | None) -> int | None:
        if value is None:
            return None
        return int(value) if value.isdigit() else self.numbers.get(fold(value))

    def persons(self, text: str) -> list[tuple[str, str]]:
        """Every 'Name Surname (P)' in a sentence."""
        return [(m.group("name"), party_letters(m.group("party"))) for m in self.person.finditer(text)]

    def party_groups(self, text: str) -> list[str]:
        """The parties whose group acts: 'Sverigedemokraternas ledamöter', 'ledamöter för vänsterpartiet',
        'Kristdemokraternas och Moderaternas ledamöter' (both)."""
        m = self.rx["party_group"].search(text)
        if not m:
            return []
        if m.group("partyname2") or m.group("partyname3"):
            return [m.group("partyname2") or m.group("partyname3")]
        names = [self.party_names.get(fold(n.group(0))) for n in self.party_name.finditer(text[:m.end()])]
        return list(dict.fromkeys(n for n in names if n))


def party_letters(party: str | None) -> str | None:
    """A party as its capital letters: older protocols write "(s)", "(kd)"."""
    return party.upper() if party and party.islower() else party


@built_once
def rules() -> ProtocolRules:
    return ProtocolRules()


def case_numbers(doc: Document, sections: list[Section], block_section: list[int | None]) -> None:
    """Set `case_number` (the diarienummer) on sections whose heading or first blocks state one."""
    r = rules()
    by_ordinal = {s.ordinal: s for s in sections}
    seen: dict[int, int] = {}
    for b, sec in zip(doc.blocks, block_section):
        if sec is None or by_ordinal[sec].case_number or b.furniture:
            continue
        seen[sec] = seen.get(sec, 0) + 1
        if seen[sec] > 4:  # the diarienummer stands at the top of a paragraph
            continue
        m = r.rx["case_number"].search(b.text if b.kind != "table" else b.text[:300])
        if m:
            by_ordinal[sec].case_number = re.sub(r"\s+", " ", m.group("value"))


def find_protocol(doc: Document, sections: list[Section], block_section: list[int | None],
                  decisions: list[Decision], attendees: list[Attendee]) -> Protocol:
    """Yrkanden, votes, reservations and recusals per section, and paragraph attendance."""
    r = rules()
    out = Protocol()
    number = {s.ordinal: s.number for s in sections}
    first_decision: dict[int | None, int] = {}
    for d in decisions:
        first_decision.setdefault(d.section, d.ordinal)
    votes: dict[int | None, Vote] = {}

    def vote_of(sec: int | None, b: Block, rule: str, source: str) -> Vote:
        if sec not in votes:
            votes[sec] = Vote(sec, enums.VoteMethod.ACCLAMATION.value, b.page, rule, source,
                              decision=first_decision.get(sec))
        return votes[sec]

    for b, sec in zip(doc.blocks, block_section):
        if b.furniture:
            continue
        if b.kind == "table":
            _vote_table(r, b, sec, vote_of)
            continue
        if not _might_be_protocol(b.text):
            continue
        for s in sentences(b.text):
            text = squash(s.text)
            _sentence(r, text, squash(b.text[s.start:]), b, sec, number.get(sec), out, vote_of)
    voters = sum(1 for a in attendees if a.status in (AttendeeStatus.PRESENT, AttendeeStatus.SUBSTITUTE) and a.party)
    for v in votes.values():
        _settle(v, voters)
        out.votes.append(v)
    _outcomes(out.motions, out.votes)
    for res in out.reservations:
        res.decision = first_decision.get(res.section)
    out.participation = _participation(r, attendees)
    return out


def _might_be_protocol(text: str) -> bool:
    """Whether a block holds a gate word (on folded text: re.I is slow)."""
    return bool(rules().gate.search(fold(text)))


def _sentence(r: ProtocolRules, text: str, rest: str, b: Block, sec: int | None, paragraph: str | None,
              out: Protocol, vote_of) -> None:
    """What one sentence says; `rest` is the block from the sentence on (a vote's counts may run on)."""
    for m in r.rx["yrkande"].finditer(text):
        out.motions.append(Motion(sec, m.group("who"), party_letters(m.group("party") or m.group("party2")),
                                  m.group("what").rstrip("."), b.page, text))
    m = r.rx["proposition"].search(text)
    if m:
        v = vote_of(sec, b, "sv.protocol.proposition", text)
        if m.group("finding"):
            v.finding = m.group("finding").strip()
    if r.rx["votering"].search(text):
        v = vote_of(sec, b, "sv.protocol.votering", text)
        v.method = _VOTERING
        c = r.rx["vote_counts"].search(rest)
        if c:
            v.yes, v.no = r.count(c.group("yes")), r.count(c.group("no"))
            v.abstain, v.absent = r.count(c.group("abstain")), r.count(c.group("absent"))
            v.rule, v.source = "sv.protocol.vote_counts", text
    m = r.rx["vote_meaning"].search(text)
    if m:
        v = vote_of(sec, b, "sv.protocol.vote_meaning", text)
        v.method = _VOTERING
        v.yes_means, v.no_means = m.group("yes").strip(), m.group("no").strip()
    if r.rx["reservation"].search(text):
        reason = r.rx["reservation_reason"].search(text)
        why = reason.group("reason").strip() if reason else None
        people = r.persons(text) or [(None, party) for party in r.party_groups(text)]
        for name, party in people:
            if name or party:
                out.reservations.append(Reservation(sec, name, party, why, b.page, text))
    if r.rx["jav"].search(text):
        alone = r.rx["jav_person"].match(text)  # "Mats Ek anmälde jäv": no party given
        for name, party in r.persons(text) or ([(alone.group("name"), party_letters(alone.group("party")))]
                                               if alone else []):
            out.recusals.append(Recusal(sec, name, party, paragraph, b.page, text))


def _vote_table(r: ProtocolRules, b: Block, sec: int | None, vote_of) -> None:
    """A roll-call table: a header with Ja and Nej columns, a name column, marks in the rows."""
    rows = b.rows or []
    for h, header in enumerate(rows[:3]):
        keys = [fold(c).strip().rstrip(":") for c in header]
        cols = {vote: min(keys.index(w) for w in words if w in keys)
                for vote, words in r.vote_columns.items() if any(w in keys for w in words)}
        if enums.Vote.JA in cols and enums.Vote.NEJ in cols:
            break
    else:
        return
    if not any(fold(row[i] or "").strip() in r.marks for row in rows[h + 1:] for i in cols.values() if i < len(row)):
        return  # an empty Ja/Nej grid (an attendance list's columns): no vote was taken
    party_col = next((i for i, k in enumerate(keys) if k in r.party_headers), None)
    name_col = next(i for i in range(len(keys)) if i not in cols.values() and i != party_col)
    v = vote_of(sec, b, "sv.protocol.vote_table", table_source(rows))
    v.method, v.rule, v.source = _VOTERING, "sv.protocol.vote_table", table_source(rows)
    for row in rows[h + 1:]:
        name = row[name_col].strip() if name_col < len(row) else ""
        if not name:
            continue
        marked = [vote for vote, i in cols.items() if i < len(row) and fold(row[i] or "").strip() in r.marks]
        if fold(name).startswith(r.sum_rows):
            v.sum_row = {vote: int(row[i]) for vote, i in cols.items() if i < len(row) and row[i].strip().isdigit()}
            continue
        party = row[party_col].strip() if party_col is not None and party_col < len(row) else None
        m = r.person.fullmatch(name)
        if m:
            name, party = m.group("name"), party or party_letters(m.group("party"))
        if len(marked) != 1:
            v.problems.append(f"{name} has {len(marked)} marks")
            continue
        v.persons.append(PersonVote(name, party or None, marked[0]))
    v.table_counts = {vote: sum(1 for p in v.persons if p.vote == vote) for vote in cols}


def table_source(rows: list[list[str]]) -> str:
    return " / ".join(" | ".join(c.replace("\n", " ") for c in row) for row in rows)[:1000]


def _settle(v: Vote, voters: int) -> None:
    """Fill counts from a table, compare every count stated, decide the outcome, flag what does not add up."""
    problems = list(v.problems)
    table = v.table_counts
    if table:
        for vote, attr in _COUNTED.items():
            if vote not in table:
                continue
            stated = getattr(v, attr)
            if stated is not None and stated != table[vote]:
                problems.append(f"the text says {stated} {vote} but the table has {table[vote]}")
            if stated is None:
                setattr(v, attr, table[vote])
        for vote, n in v.sum_row.items():
            if n != table[vote]:
                problems.append(f"the sum row says {n} {vote} but the table has {table[vote]}")
    cast = sum(n or 0 for n in (v.yes, v.no, v.abstain, v.absent))
    if voters >= 3 and cast > voters:
        problems.append(f"{cast} votes counted but only {voters} members could vote")
    if v.method == _VOTERING:
        if v.yes is None or v.no is None:
            problems.append("the vote's counts are not stated")
        elif v.yes != v.no:
            v.outcome = enums.Vote.JA.value if v.yes > v.no else enums.Vote.NEJ.value
        else:
            v.outcome = "lika"
    v.counts_ok = not problems
    v.flag = "; ".join(problems) or None


def _keys(motion: Motion) -> list[tuple[tuple[str, ...], str]]:
    """How a decision or the chair's finding refers to a motion: 'Bo Linds yrkande', its own words."""
    r = rules()
    keys: list[tuple[tuple[str, ...], str]] = []
    names = motion.mover.split()
    if len(names) > 1:  # "Bo Linds yrkande"
        keys += [((), f"{fold(motion.mover)}s {r.motion_word}"), ((), f"{fold(names[-1])}s {r.motion_word}")]
    m = r.motion_asks.match(fold(motion.text))  # "bifall till kommunstyrelsens förslag"
    if m:
        keys.append((r.finding_words[m.group(1)], m.group(2).strip()))
    return keys


def _wins(key: tuple[tuple[str, ...], str], finding: str, means: str) -> bool:
    """Whether the chair's finding, or what the winning side of a vote stood for, names this motion.

    A key is (words, what): with no words, the finding or the side names `what` ("Bo Linds
    yrkande"); with words, the finding names `what` and one of the words, or the side ends in it.
    """
    words, what = key
    if not words:
        return what in finding or what in means
    return (what in finding and any(w in finding for w in words)) or (bool(means) and means.endswith(what))


def _outcomes(motions: list[Motion], votes: list[Vote]) -> None:
    """Mark the motion that won (and the others in its section lost) when the protocol says which."""
    for v in votes:
        here = [m for m in motions if m.section == v.section]
        finding = fold(v.finding or "")
        means = fold({enums.Vote.JA: v.yes_means, enums.Vote.NEJ: v.no_means}.get(v.outcome or "") or "")
        won = [m for m in here if any(_wins(k, finding, means) for k in _keys(m))]
        if len(won) == 1:
            for m in here:
                m.outcome = "bifallet" if m is won[0] else "avslaget"


def _participation(r: ProtocolRules, attendees: list[Attendee]) -> list[Participation]:
    out = []
    for a in attendees:
        source = a.source or ""
        text = f"{a.attended or ''} {source}"
        if "§" not in text and not r.rx["replaces"].search(source):
            continue
        start = end = None
        excluded = []
        for m in r.rx["paragraphs"].finditer(text):
            g = m.groupdict()
            if g["from"]:
                start = int(g["from"])
            elif g["to"]:
                end = int(g["to"])
            elif g["range_from"]:
                start, end = int(g["range_from"]), int(g["range_to"])
            elif g["except_from"]:
                excluded.append(g["except_from"] + (f"–{g['except_to']}" if g["except_to"] else ""))
            elif g["only"]:
                start = end = int(g["only"])
        rep = r.rx["replaces"].search(source)
        if start is None and end is None and not excluded and not rep:
            continue
        out.append(Participation(a.name, a.party, a.status, start, end, ", ".join(excluded) or None,
                                 rep.group("replaces") if rep else None, a.page, source))
    return out
