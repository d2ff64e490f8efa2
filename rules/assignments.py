"""Assignments: who is to do what, by when.

Sources, each rule in rules/sv/assignments.yaml:
- token patterns in decisions and in running text ("X uppdras att", "ger X i uppdrag att",
  "X tar med sig frågan", "Ansvarig: X", initials starting a sentence);
- inside a decision or numbered position (and in a plan's activities), an actor followed
  by a task verb ("Koncernstab HR säkrar att ...");
- a decision with a deadline but no owner ("... sänds till processtöd innan mötet 4/9");
- action tables (Åtgärd | Ansvarig | Klart senast).
Owners are resolved by rules/owners.py, deadlines by rules/deadlines.py.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from minutes.core.document import Block, Document
from minutes.core.enums import Precision
from minutes.core.records import Assignment, Decision
from minutes.text import fold, fold_same_length, squash

from .deadlines import Deadline, find_deadline
from .lexicon import lexicon, pattern
from .loader import built_once, load_model, where
from .matcher import Hit, PatternSet
from .owner_tasks import actor_task, could_hold, heading_owner, motion_blocks, owner_words, until_next_task
from .owners import OwnerResolver, clean_owner, named_recipient, plausible_owner, split_owners
from .schema_patterns import AssignmentsFile, OwnerAt, Scope, TaskAt
from .text import PERSON_NAME, Sentence, alternation, same_words, sentences, words
from .vocab import label_key

_INITIALS_OWNER = pattern(r"^[{UPPER}]{2,3}(?:\s*(?:,|{AND}|&|/)\s*[{UPPER}]{2,3})*$")

@dataclass
class _Rule:
    id: str
    owner: OwnerAt
    task: TaskAt
    scope: Scope
    score: float


class AssignmentRules:
    def __init__(self) -> None:
        data = load_model("assignments", AssignmentsFile)
        self.data = data
        self.rules = {r.id: _Rule(r.id, r.owner, r.task, r.scope, r.score) for r in data.rules}
        self.patterns = PatternSet([r.model_dump() for r in data.rules], where("assignments"))
        verbs = alternation(fold(v) for v in data.task_verbs)
        self.task_verb = re.compile(rf"(?<![\w-])({verbs})(?![\w-])")
        self.report_verbs = [fold(v) for v in data.report_verbs]
        at = data.action_table
        self.table_id = at.id
        self.table_headers = {k: {label_key(x) for x in getattr(at, k)} for k in ("task_headers", "owner_headers",
                                                                                   "deadline_headers")}
        #: rules whose assignments count in a document that is not about a meeting too
        self.standalone = tuple(r.id for r in [*data.rules, at] if r.standalone)
        self._words(data)

    def _words(self, data: AssignmentsFile) -> None:
        """The word lists and patterns of assignments.yaml that shape owners and tasks."""
        source = where("assignments")
        lex = lexicon()
        words = {"STARTS": data.subject_starts_after, "STRONG": data.strong_deadline_words,
                 "ENDINGS": data.participle_endings, "LEADING": data.task_leading}
        self.boundary = lex.compile(r"(?:^|[:;”\"“]|\s[–—]\s|\?|\b{STARTS}\b)\s*", source, re.I, words=words)
        self.cleft = data.cleft
        self.strong_lead = lex.compile(r"\b{STRONG}\b", source, folded=True, words=words)
        self.past = frozenset(fold(w) for w in data.past_tense)
        self.history = data.history_markers
        self.perfect = frozenset(fold(w) for w in data.perfect_auxiliaries)
        self.participle = lex.compile(r"\w+{ENDINGS}$", source, words=words)
        self.not_participle = frozenset(fold(w) for w in data.not_participles)
        self.runs_over = frozenset(fold(w) for w in data.runs_over_after)
        self.task_leading = lex.compile(r"^(?:{LEADING}|,|:)\s+", source, re.I, words=words)


@built_once
def rules() -> AssignmentRules:
    return AssignmentRules()


@dataclass
class _Context:
    ref: dt.date | None
    next_meeting: dt.date | None
    resolver: OwnerResolver


def find_assignments(doc: Document, decisions: list[Decision], consumed: set[int],
                     block_section: list[int | None], ctx: _Context, plan: bool = False) -> list[Assignment]:
    """All assignments of a document."""
    ctx.resolver.mentioned = [m.group(0) for b in doc.blocks if not b.furniture for m in PERSON_NAME.finditer(b.text)]
    out: list[Assignment] = []
    for d in decisions:
        out.extend(_from_text(d.text, ctx, in_decision=True, decision=d.ordinal, section=d.section, page=d.page))
    for unit, idxs in _units(doc, consumed | motion_blocks(doc)):
        first = doc.blocks[idxs[0]]
        out.extend(_from_text(unit, ctx, in_decision=plan, decision=None, section=block_section[idxs[0]],
                              page=first.page, running=True))
    for idx, b in enumerate(doc.blocks):
        if b.kind == "table" and b.rows:
            out.extend(_from_table(b, ctx, block_section[idx]))
    out.extend(_under_owner_headings(doc, block_section, ctx))
    return _dedupe(out)


def _under_owner_headings(doc: Document, block_section: list[int | None], ctx: _Context) -> list[Assignment]:
    """'Kansliet:' (or 'Per och Ahmed:') alone on a line, then a list: each item is a task of that owner."""
    out: list[Assignment] = []
    blocks = doc.blocks
    for idx, b in enumerate(blocks):
        if b.kind != "paragraph" or b.furniture or not b.text.rstrip().endswith(":"):
            continue
        owner = heading_owner(b.text, ctx.resolver.known)
        j = idx + 1
        while owner and j < len(blocks) and blocks[j].kind == "list_item":
            sents = sentences(blocks[j].text)
            found = _make(owner, blocks[j].text, sents[0], sents, 0, blocks[j].text, owner_words().heading_id,
                          0.9, ctx) if sents else None
            for a in found or []:
                a.section, a.page = block_section[j], blocks[j].page
                out.append(a)
            j += 1
    return out


def _units(doc: Document, consumed: set[int]):
    """Running text as units: a block, joined with the next when a sentence runs over the break."""
    cur: list[int] = []
    text = ""
    for idx, b in enumerate(doc.blocks):
        usable = idx not in consumed and not b.furniture and b.kind in ("paragraph", "list_item")
        if cur and usable and _runs_over(text, b.text):
            cur.append(idx)
            text = f"{text} {b.text}"
            continue
        if cur:
            yield text, cur
        cur, text = ([idx], b.text) if usable else ([], "")
    if cur:
        yield text, cur


def _runs_over(prev: str, nxt: str) -> bool:
    prev = prev.rstrip()
    if not prev or prev.endswith((".", "!", "?", ":", ";")):
        return False
    last = fold(prev.split()[-1])
    return nxt[:1].islower() or last in rules().runs_over


def _from_text(text: str, ctx: _Context, in_decision: bool, decision: int | None, section: int | None,
               page: int, running: bool = False) -> list[Assignment]:
    r = rules()
    gate = r.patterns.might_match(text)  # nothing in the whole text can match: skip the sentences
    if not gate and not in_decision and decision is None and not (running and could_hold(text)):
        return []  # only the patterns could find something here, and none can match
    found: list[Assignment] = []
    sents = sentences(text)
    taken: list[tuple[int, int]] = []  # spans of the text already given to a task
    for si, sent in enumerate(sents):
        hits = sorted(r.patterns.find(sent.text), key=lambda h: -r.rules[h.rule].score) if gate else []
        for h in hits:
            rule = r.rules[h.rule]
            if rule.scope == Scope.DECISION and not in_decision:
                continue
            if any(s <= sent.start + h.start < e for s, e in taken):
                continue  # inside the task of a stronger hit ("ber X att ... återkomma med")
            if running and _is_history(sent.text, h, ctx.ref):
                continue
            a = _from_hit(h, rule, sent, sents, si, text, ctx)
            if a is None:
                continue
            for one in a:
                one.decision, one.section, one.page = decision, section, page
                found.append(one)
            taken.append((sent.start + h.start, sent.end))
        if running and not any(s <= sent.start < e for s, e in taken):
            hit = actor_task(sent.text, ctx.resolver.known)
            a = _make(hit[0], hit[1], sent, sents, si, text, hit[2], 0.75, ctx) if hit else None
            for one in a or []:
                one.decision, one.section, one.page = decision, section, page
                found.append(one)
            if a:
                taken.append((sent.start, sent.end))
        if in_decision and not any(s <= sent.start < e for s, e in taken):
            a = _task_verb(sent, sents, si, text, ctx)
            if a:
                for one in a:
                    one.decision, one.section, one.page = decision, section, page
                    found.append(one)
                taken.append((sent.start, sent.end))
    if decision is not None and not found:
        dl = find_deadline(text, ctx.ref, ctx.next_meeting)
        if dl and (dl.date or dl.precision is None) and rules().strong_lead.search(fold(dl.text)):
            task = _strip_deadline(text, dl)
            found.append(Assignment(None, None, task, dl.date, dl.text, dl.precision, decision, section, page,
                                    "sv.assignment.deadline_in_decision", squash(text)[:1000], 0.6))
    return found


def _is_history(sentence: str, h: Hit, ref: dt.date | None) -> bool:
    """'Regionsjukvårdsledningen gav den 12 september X i uppdrag ...' reports an earlier assignment.

    A date after the meeting that is the task's deadline ('fick i uppdrag att ... till mötet den
    31 januari') does not.
    """
    first = fold(h.matched.split()[0]) if h.matched.split() else ""
    if first not in rules().past:
        return False
    dl = find_deadline(sentence[h.end:], ref, None)  # a deadline follows the task's words
    if dl is not None and dl.lead and dl.date and ref and dl.date > ref:
        dl.start, dl.end = dl.start + h.end, dl.end + h.end
        sentence = sentence[:dl.start] + sentence[dl.end:]
    return any(rx.search(sentence) for rx in rules().history)


def _reports(after_owner: str) -> bool:
    """'har tagit beslut', 'har därmed tilldelats', 'återberättar': what happened, not a task."""
    r = rules()
    f = fold(after_owner).split()
    if not f:
        return True
    if any(" ".join(f).startswith(v) for v in r.report_verbs):
        return True
    if f[0] in r.perfect:
        return any(r.participle.fullmatch(w.strip(".,")) and w.strip(".,") not in r.not_participle for w in f[1:4])
    return False


def _subject_before(sentence: str, at: int) -> str | None:
    before = sentence[:at]
    m = rules().cleft.search(before)
    if m:
        return m.group(1)
    cuts = [mm.end() for mm in rules().boundary.finditer(before)]
    start = max(cuts) if cuts else 0
    return before[start:]


def _from_hit(h: Hit, rule: _Rule, sent: Sentence, sents: list[Sentence], si: int, text: str,
              ctx: _Context) -> list[Assignment] | None:
    s = sent.text
    if rule.owner == OwnerAt.BEFORE:
        owner = _subject_before(s, h.start)
    elif rule.owner == OwnerAt.INSIDE:
        span = h.captures.get("owner")
        owner = s[span[0]:span[1]] if span else None
        if owner and rule.scope == Scope.INITIALS:
            owner = owner.strip()
            if not _INITIALS_OWNER.match(owner) or _reports(s[span[1]:]):
                return None
        elif owner:
            owner = ctx.resolver.drop_giver(clean_owner(owner) or "")
    elif rule.owner == OwnerAt.AFTER:
        owner = s[h.end:]
    else:
        owner = None
    owner = clean_owner(owner)
    recipient = rule.owner == OwnerAt.INSIDE and named_recipient(owner)
    if rule.owner != OwnerAt.NONE and not (plausible_owner(owner) or recipient):
        return None
    if rule.task == TaskAt.AFTER:
        task = s[h.end:]
        if not words(task) and si + 1 < len(sents):
            task = sents[si + 1].text
    elif rule.task == TaskAt.FROM:
        task = s[h.start:]
    elif rule.task == TaskAt.FROM_VERB:
        span = h.captures.get("owner")
        task = s[span[1]:] if span else s[h.start:]
    else:  # context: the rest of the item
        task = " ".join(x.text for j, x in enumerate(sents) if j != si)
    return _make(owner, task, sent, sents, si, text, rule.id, rule.score, ctx)


def _task_verb(sent: Sentence, sents: list[Sentence], si: int, text: str, ctx: _Context) -> list[Assignment] | None:
    """'Koncernstab HR säkrar att ...': an actor and a task verb inside a decision."""
    r = rules()
    s = re.sub(r"^(?:[a-zA-Z]|\d{1,2})[.)]\s+", "", sent.text)  # "a. Att ..." list letters
    f = fold_same_length(s)
    m = r.task_verb.search(f)
    if not m or m.start() == 0:
        return None
    owner = clean_owner(_subject_before(s, m.start()))
    if not plausible_owner(owner) or len(words(owner or "")) > 10:
        return None
    return _make(owner, s[m.start():], sent, sents, si, text, "sv.assignment.task_verb", 0.7, ctx)


def _make(owner: str | None, task: str, sent: Sentence, sents: list[Sentence], si: int, text: str, rule: str,
          score: float, ctx: _Context) -> list[Assignment] | None:
    dl = find_deadline(task, ctx.ref, ctx.next_meeting) or find_deadline(sent.text, ctx.ref, ctx.next_meeting)
    if dl is None:  # the deadline may be in the rest of the item: "Resultat meddelas till AK innan midsommar."
        rest = " ".join(x.text for x in until_next_task(sents[si + 1:], ctx.resolver.known))
        dl = find_deadline(rest, ctx.ref, ctx.next_meeting) if rest else None
        if dl is not None and dl.precision == Precision.DAY and not rules().strong_lead.search(fold(dl.text)):
            dl = None
    task = _strip_deadline(task, dl) if dl and dl.text in task else task
    task = _clean_task(task)
    if len(words(task)) < 2:
        return None
    owners = ctx.resolver.split(owner) if owner else [None]
    out = []
    for o in owners:
        name, kind = ctx.resolver.resolve(o) if o else (None, None)
        out.append(Assignment(name, kind, task, dl.date if dl else None, dl.text if dl else None,
                              dl.precision if dl else None, rule=rule, source=squash(sent.text)[:1000], score=score))
    return out


def _strip_deadline(task: str, dl: Deadline) -> str:
    i = task.find(dl.text)
    if i < 0:
        return squash(task)
    return squash(task[:i] + " " + task[i + len(dl.text):])


def _clean_task(task: str) -> str:
    t = squash(task)
    t = rules().task_leading.sub("", t)
    t = t.strip(" ,;:–-")
    t = re.sub(r"\s+([,.])", r"\1", t)
    return t.rstrip(".").strip()


def _from_table(b: Block, ctx: _Context, section: int | None) -> list[Assignment]:
    """Rows of an action table: Åtgärd | Ansvarig | Klart senast."""
    r = rules()
    rows = b.rows or []
    if len(rows) < 2:
        return []
    head = [label_key(c) for c in rows[0]]
    cols = {}
    for kind in ("task_headers", "owner_headers", "deadline_headers"):
        for i, h in enumerate(head):
            if h in r.table_headers[kind] and i not in cols.values():
                cols[kind] = i
                break
    if "task_headers" not in cols or "owner_headers" not in cols:
        return []
    out = []
    for row in rows[1:]:
        task = _clean_task(row[cols["task_headers"]]) if cols["task_headers"] < len(row) else ""
        owner_text = row[cols["owner_headers"]].strip() if cols["owner_headers"] < len(row) else ""
        if len(words(task)) < 1:
            continue
        dl_text = row[cols["deadline_headers"]] if "deadline_headers" in cols and cols["deadline_headers"] < len(row) \
            else ""
        dl = find_deadline(dl_text, ctx.ref, ctx.next_meeting) if dl_text.strip() else None
        if dl is None and dl_text.strip():
            dl = Deadline(None, squash(dl_text), None)
        for o in (split_owners(owner_text) if owner_text else [None]):
            name, kind = ctx.resolver.resolve(o) if o else (None, None)
            out.append(Assignment(name, kind, task, dl.date if dl else None, dl.text if dl else None,
                                  dl.precision if dl else None, None, section, b.page, r.table_id,
                                  " | ".join(row)[:1000], 0.95))
    return out


def _dedupe(items: list[Assignment]) -> list[Assignment]:
    kept: list[Assignment] = []
    for a in sorted(items, key=lambda x: -x.score):
        twin = None
        for k in kept:
            if fold(k.owner or "") == fold(a.owner or "") and (same_words(k.task, a.task) or
                                                                 _contains(k.task, a.task)):
                twin = k
                break
        if twin is None:
            kept.append(a)
        elif twin.deadline is None and a.deadline is not None:
            twin.deadline, twin.deadline_text, twin.deadline_precision = a.deadline, a.deadline_text, \
                a.deadline_precision
    order = {id(a): i for i, a in enumerate(items)}
    kept.sort(key=lambda a: order[id(a)])
    return kept


def _contains(a: str, b: str) -> bool:
    """One task is the other with words cut off at the end or start ("tar med sig frågan" within the longer)."""
    fa, fb = fold(squash(a)), fold(squash(b))
    return len(min(fa, fb, key=len)) > 15 and (fa in fb or fb in fa)
