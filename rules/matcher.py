"""Token patterns for the rules, run by spaCy's Matcher on a blank Swedish pipeline.

Rules under rules/sv/ write patterns in a compact form that compiles to spaCy token
patterns; every word is compared in folded form (lower case, no diacritics), so OCR text
that lost its å ä ö still matches:

    ger|gav {owner} i? uppdrag att?

  word      the token, folded         a|b|c    any of these words
  word?     optional                  word*    any word starting with this
  {name}    one or more tokens, captured as `name` (never crossing . ! ? ; :)
  _         any one token             ...      any tokens (at most eight)
  ^         the next part must start the sentence

Why spaCy and not regex: alternatives, optional words and captures are counted in
tokens, abbreviations such as "Ordf." stay one token, and a capture never runs past a
sentence. Regex remains where the shape is in the characters (dates, times, labels).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from minutes.text import fold

from .lexicon import lexicon
from .loader import RuleDataError
from .stop_words import stop_words
from .text import alternation

_STOP = [".", "!", "?", ";", ":"]
MAX_WILDCARD = 8


@dataclass
class Hit:
    """One match of a rule in a text: character spans of the match and of each capture."""

    rule: str
    start: int
    end: int
    captures: dict[str, tuple[int, int]] = field(default_factory=dict)
    matched: str = ""


@lru_cache(maxsize=1)
def nlp():
    """The shared blank Swedish pipeline with the abbreviations of rules/sv/lexicon.yaml."""
    import spacy
    from spacy.symbols import ORTH

    pipeline = spacy.blank("sv")
    for abbr in lexicon().words("abbreviations"):
        for form in {abbr, abbr.lower(), abbr.upper(), abbr[:1].upper() + abbr[1:]}:
            pipeline.tokenizer.add_special_case(form, [{ORTH: form}])
    return pipeline


def tokens(text: str):
    """Tokenize `text` and set each token's NORM to its folded form.

    The norms are set as one array: a spaCy Token object built for each token costs more than
    the matching itself.
    """
    import numpy
    from spacy.attrs import IDX, LENGTH, NORM

    doc = nlp().make_doc(text)
    if len(doc):
        add = doc.vocab.strings.add
        norms = [[add(fold(text[i:i + n]))] for i, n in doc.to_array([IDX, LENGTH]).tolist()]
        doc.from_array([NORM], numpy.array(norms, dtype=numpy.uint64))
        doc[0].is_sent_start = True
    return doc


def compile_pattern(source: str, where: str) -> tuple[list[dict], dict[int, str]]:
    """Compile the compact pattern syntax into a spaCy token pattern and its capture slots."""
    out: list[dict] = []
    captures: dict[int, str] = {}
    anchor = False
    for part in source.split():
        if part == "^":
            anchor = True
            continue
        if part.startswith("{") and part.endswith("}"):
            if anchor:  # the first token starts the sentence, the rest are free
                captures[len(out)] = captures[len(out) + 1] = part[1:-1]
                out.append({"ORTH": {"NOT_IN": _STOP}, "IS_SENT_START": True})
                out.append({"ORTH": {"NOT_IN": _STOP}, "OP": "*"})
                anchor = False
                continue
            captures[len(out)] = part[1:-1]
            out.append({"ORTH": {"NOT_IN": _STOP}, "OP": "+"})
        elif part == "...":
            out.append({"ORTH": {"NOT_IN": _STOP}, "OP": "*"})
        elif part in ("_", "_?"):
            out.append({"OP": "?"} if part.endswith("?") else {})
        else:
            optional = part.endswith("?") and len(part) > 1
            word = part[:-1] if optional else part
            alts = [w for w in word.split("|") if w]
            if not alts:
                raise RuleDataError(f"{where}: empty word in pattern {source!r}")
            if any(a.endswith("*") for a in alts):
                spec = {"NORM": {"REGEX": "^(" + "|".join(re.escape(fold(a.rstrip("*"))) for a in alts) + ")"}}
            else:
                spec = {"NORM": {"IN": sorted({fold(a) for a in alts})}}
            if optional:
                spec["OP"] = "?"
            out.append(spec)
        if anchor:
            out[-1]["IS_SENT_START"] = True
            anchor = False
    if not out:
        raise RuleDataError(f"{where}: empty pattern")
    return out, captures


def _anchor(pattern: list[dict]) -> tuple[set[str], bool] | None:
    """The words of the rarest required element of a pattern, and whether they are prefixes.

    Rarest: no Swedish stop word among its words ("till", "att" are everywhere), then the
    longest shortest word.
    """
    stop = stop_words()
    best = None
    for el in pattern:
        if el.get("OP") in ("?", "*", "+") or "NORM" not in el:
            continue
        norm = el["NORM"]
        if "IN" in norm:
            alts, prefix = set(norm["IN"]), False
        else:  # {"REGEX": "^(a|b)"}
            alts, prefix = set(norm["REGEX"][2:-1].split("|")), True
        score = (not (alts & stop), min(len(a) for a in alts))
        if best is None or score > best[0]:
            best = (score, alts, prefix)
    return (best[1], best[2]) if best else None


@dataclass
class _Shape:
    """A pattern cut around its one unbounded part (a capture or `...`): the fixed tokens before and after it.

    spaCy's Matcher finds the fixed parts, which never hold more tokens than the pattern; the
    unbounded part is what lies between them. Matching the whole pattern instead makes spaCy
    follow every open capture to the end of the sentence, and with alignments copy each one at
    every token: a run-on text of 10 kB took minutes and gigabytes.
    """

    before: list[dict]
    after: list[dict]
    least: int  # the fewest tokens the part takes: 1 for a capture, 0 for `...`
    anchored: bool  # the part's first token must start the sentence (`^ {owner}`)
    capture: str | None  # the capture's name; None for `...`


def _shape(pattern: list[dict], captures: dict[int, str], where: str) -> _Shape | None:
    """The pattern cut around its unbounded part, or None when every part of it is fixed."""
    unbounded = [i for i, p in enumerate(pattern) if p.get("OP") in ("+", "*")]
    if not unbounded:
        return None
    if len(unbounded) > 1:
        raise RuleDataError(f"{where}: a pattern may hold one {{capture}} or `...`, not {len(unbounded)}")
    at = unbounded[0]
    anchored = at in captures and captures.get(at - 1) == captures[at]  # `^ {name}`: a sentence start, then `*`
    lo = at - 1 if anchored else at
    least = 1 if anchored or pattern[at]["OP"] == "+" else 0
    return _Shape(pattern[:lo], pattern[at + 1:], least, anchored, captures.get(at))


#: Matching stays linear in the text. In a text where one pattern could match more than
#: MATCH_BUDGET ways (a run-on text without full stops, which minutes do not hold), captures
#: and `...` take at most MAX_SPAN tokens; and one text gives at most MAX_HITS hits (the first
#: by position), so that the rules applied to each hit stay linear too.
MATCH_BUDGET, MAX_SPAN, MAX_HITS = 500, 16, 64
_BEFORE, _AFTER = "\x00before", "\x00after"


class PatternSet:
    """A set of named patterns, matched with spaCy's Matcher.

    Before spaCy sees a sentence, a cheap regex checks that it holds at least one word a
    pattern cannot match without (its rarest required word), or what a rule's `requires`
    regex asks for; most sentences of a document hold none, and skip tokenising.
    The gates may let through a text no pattern matches, never the reverse: they leave out a
    leading word boundary (\b), which stops Python's regex engine from skipping ahead to the
    first letters it needs (the gates run twice as fast; about 2 % more texts get tokenised).
    """

    def __init__(self, rules: list[dict], where: str) -> None:
        from spacy.matcher import Matcher

        self.matcher = Matcher(nlp().vocab)
        self.shapes: dict[str, _Shape] = {}
        self.order: dict[str, int] = {}  # rule id -> its place: spaCy reports rules in this order at a tie
        words: set[str] = set()
        prefixes: set[str] = set()
        raw: list[str] = []
        for r in rules:
            where_rule = f"{where}: rule {r['id']}"
            pattern, caps = compile_pattern(r["pattern"], where_rule)
            self.order[r["id"]] = len(self.order)
            shape = _shape(pattern, caps, where_rule)
            if shape is None:
                self.matcher.add(r["id"], [pattern])
            else:
                self.shapes[r["id"]] = shape
                for part, tag in ((shape.before, _BEFORE), (shape.after, _AFTER)):
                    if part:
                        self.matcher.add(r["id"] + tag, [part])
            if r.get("requires"):
                raw.append(r["requires"])
                continue
            anchor = _anchor(pattern)
            if anchor is None:
                raw.append(r".")  # nothing required: every sentence must be looked at
            else:
                (prefixes if anchor[1] else words).update(anchor[0])
        parts = []  # whole words, then word beginnings
        if words:
            parts.append(rf"(?:{alternation(words)})\b")
        if prefixes:
            parts.append(alternation(prefixes))
        self._folded_gate = re.compile("|".join(parts)) if parts else None
        # one regex each: an anchored one ("^[A-ZÅÄÖ]{2,3}") is then tried at the start only
        self._raw_gates = [re.compile(x[2:] if x.startswith(r"\b") else x) for x in raw]

    def might_match(self, text: str) -> bool:
        """False when no pattern can match `text` (a cheap check before tokenising)."""
        if any(rx.search(text) for rx in self._raw_gates):
            return True
        return bool(self._folded_gate and self._folded_gate.search(fold(text)))

    def find(self, text: str) -> list[Hit]:
        """All hits in `text`; per rule, overlapping matches keep the one with the shortest capture."""
        if not self.might_match(text):
            return []
        doc = tokens(text)
        strings = nlp().vocab.strings
        found: dict[str, list[tuple[int, int]]] = {}
        for key, start, end in self.matcher(doc):
            found.setdefault(strings[key], []).append((start, end))
        toks = _Tokens(doc, text)
        matches = [(rule, s, e, {}) for rule in self.order if rule not in self.shapes for s, e in found.get(rule, ())]
        for rule, shape in self.shapes.items():
            for (s, e), (a, b) in _joined(shape, toks, found, rule).items():
                matches.append((rule, s, e, {shape.capture: (toks.begin[a], toks.end[b - 1])} if shape.capture else {}))
        return _select(toks, text, matches, self.order)


class _Tokens:
    """What matching needs of a doc's tokens, read as arrays (a spaCy Token object is built anew at each `doc[i]`)."""

    def __init__(self, doc, text: str) -> None:
        from spacy.attrs import IDX, LENGTH, SENT_START

        rows = doc.to_array([IDX, LENGTH, SENT_START]).tolist() if len(doc) else []
        self.begin = [i for i, _, _ in rows]
        self.end = [i + n for i, n, _ in rows]
        self.sentence_starts = [k for k, (_, _, start) in enumerate(rows) if start == 1]
        self.stop = [len(rows)] * (len(rows) + 1)  # the first token at or after each one that ends a capture
        for k in range(len(rows) - 1, -1, -1):
            self.stop[k] = k if text[self.begin[k]:self.end[k]] in _STOP else self.stop[k + 1]


def _joined(shape: _Shape, toks: _Tokens, found: dict, rule: str) -> dict[tuple[int, int], tuple[int, int]]:
    """(start, end) of every match of a cut pattern -> the tokens its unbounded part takes.

    A match is the fixed part before (start..a), the unbounded part (a..b: no token that ends
    a capture, at least `least` tokens) and the fixed part after (b..end). Where one match can
    be cut several ways, the part before takes as much as it can and the unbounded part next,
    as spaCy's own alignments do.
    """
    n = len(toks.begin)
    if shape.before:
        starts = found.get(rule + _BEFORE, [])
    else:
        starts = [(i, i) for i in (toks.sentence_starts if shape.anchored else range(n))]
    if shape.anchored and shape.before:
        first = set(toks.sentence_starts)
        starts = [(s, a) for s, a in starts if a in first]
    ends = sorted(found.get(rule + _AFTER, [])) if shape.after else [(b, b) for b in range(n + 1)]
    if not starts or not ends:
        return {}
    firsts = [b for b, _ in ends]

    def window(a: int, limit: int) -> tuple[int, int]:
        return bisect_left(firsts, a + shape.least), bisect_right(firsts, min(toks.stop[a], a + limit))

    limit = n
    if sum(hi - lo for lo, hi in (window(a, limit) for _, a in starts)) > MATCH_BUDGET:
        limit = MAX_SPAN
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for s, a in starts:
        lo, hi = window(a, limit)
        for b, e in ends[lo:hi]:
            if e > s and (a, b) > out.get((s, e), (-1, -1)):
                out[(s, e)] = (a, b)
    if shape.capture is None:  # `...`: at most MAX_WILDCARD tokens
        out = {k: v for k, v in out.items() if v[1] - v[0] <= MAX_WILDCARD}
    return out


def _select(toks: _Tokens, text: str, matches: list, order: dict[str, int]) -> list[Hit]:
    """Per rule, overlapping matches keep the one with the shortest capture; at most MAX_HITS, by position."""
    first: dict[str, tuple[int, int, int]] = {}  # rule -> the earliest end of its matches (spaCy's order)
    for rule, s, e, _ in matches:
        first[rule] = min(first.get(rule, (e, s, order[rule])), (e, s, order[rule]))
    by_rule: dict[str, list[Hit]] = {rule: [] for rule in sorted(first, key=first.get)}
    for rule, s, e, caps in matches:
        s_char, e_char = toks.begin[s], toks.end[e - 1]
        by_rule[rule].append(Hit(rule, s_char, e_char, caps, text[s_char:e_char]))
    out: list[Hit] = []
    for hits in by_rule.values():
        hits.sort(key=lambda h: (sum(e - s for s, e in h.captures.values()), -(h.end - h.start), h.start))
        starts: list[int] = []  # the kept hits, disjoint, in order: their starts and ends
        ends: list[int] = []
        for h in hits:
            i = bisect_left(starts, h.end)  # kept hits before i start before this one ends
            if i and ends[i - 1] > h.start:
                continue
            starts.insert(i, h.start)
            ends.insert(i, h.end)
            out.append(h)
    out.sort(key=lambda h: h.start)
    return out[:MAX_HITS]
