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
from dataclasses import dataclass, field
from functools import lru_cache

from minutes.text import fold

from .lexicon import lexicon
from .loader import RuleDataError
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
    """Tokenize `text` and set each token's NORM to its folded form."""
    doc = nlp().make_doc(text)
    for t in doc:
        t.norm_ = fold(t.text)
    if len(doc):
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


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """spaCy's Swedish stop words, folded."""
    from spacy.lang.sv.stop_words import STOP_WORDS
    return frozenset(fold(w) for w in STOP_WORDS)


def _anchor(pattern: list[dict]) -> tuple[set[str], bool] | None:
    """The words of the rarest required element of a pattern, and whether they are prefixes.

    Rarest: no Swedish stop word among its words ("till", "att" are everywhere), then the
    longest shortest word.
    """
    stop = _stop_words()
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


class PatternSet:
    """A set of named patterns compiled into one spaCy Matcher.

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
        self.captures: dict[str, dict[int, str]] = {}
        self.wildcards: dict[str, set[int]] = {}
        words: set[str] = set()
        prefixes: set[str] = set()
        raw: list[str] = []
        for r in rules:
            pattern, caps = compile_pattern(r["pattern"], f"{where}: rule {r['id']}")
            self.matcher.add(r["id"], [pattern])
            self.captures[r["id"]] = caps
            self.wildcards[r["id"]] = {i for i, p in enumerate(pattern) if p.get("OP") == "*"
                                       and i not in caps}
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
        by_rule: dict[str, list[Hit]] = {}
        for match_id, start, end, align in self.matcher(doc, with_alignments=True):
            rule = strings[match_id]
            if sum(1 for a in align if a in self.wildcards[rule]) > MAX_WILDCARD:
                continue
            caps: dict[str, tuple[int, int]] = {}
            for name in set(self.captures[rule].values()):
                slots = {k for k, v in self.captures[rule].items() if v == name}
                idx = [start + i for i, a in enumerate(align) if a in slots]
                if idx:
                    caps[name] = (doc[idx[0]].idx, doc[idx[-1]].idx + len(doc[idx[-1]].text))
            s_char, e_char = doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)
            by_rule.setdefault(rule, []).append(Hit(rule, s_char, e_char, caps, text[s_char:e_char]))
        out: list[Hit] = []
        for hits in by_rule.values():
            hits.sort(key=lambda h: (sum(e - s for s, e in h.captures.values()), -(h.end - h.start), h.start))
            kept: list[Hit] = []
            for h in hits:
                if all(h.end <= k.start or h.start >= k.end for k in kept):
                    kept.append(h)
            out.extend(kept)
        out.sort(key=lambda h: h.start)
        return out
