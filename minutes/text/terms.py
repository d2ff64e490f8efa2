"""Search terms for Swedish text: folded Snowball stems, and query roots matched as prefixes.

Indexing: every word becomes its Swedish Snowball stem, folded (lower case, no diacritics),
so "Remittentstödet", "remittentstöd" and an OCR'd "remittentstod" give the same term.
Querying: a word is stemmed the same way and then cut back to its root by removing
derivational endings (-an, -ning, -else, -ande, ...); the root matches every indexed term
that starts with it, so "ansökan" finds "ansökningarna" (stem "ansökning"); the endings are
language data (rules/sv/lexicon.yaml, `query_root_endings`). How often each way of
matching finds what a user means: bench/search_terms.py.
"""
from __future__ import annotations

import importlib.util
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import yaml

from .fold import fold

_WORD = re.compile(r"[0-9a-zåäöéü]+(?:-[0-9a-zåäöéü]+)*")
_PART = re.compile(r"[0-9a-zåäöéü]{2,}")  # a word, or one part of a hyphenated word, of two letters or more
MIN_ROOT = 4
MIN_ROOT_AFTER_ONE_LETTER = 6  # "nämnd" must not become "nämn" (and find "nämna")


@lru_cache(maxsize=1)
def _root_endings() -> tuple[str, ...]:
    """The derivational endings a query root drops, folded, in the order the lexicon gives them.

    They are language data in the rules' lexicon (rules/sv/lexicon.yaml, `query_root_endings`),
    read here as a file: the text layer does not import the rules.
    """
    spec = importlib.util.find_spec("minutes.rules")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the minutes.rules package is missing from the installation; reinstall minutes.")
    path = Path(list(spec.submodule_search_locations)[0]) / "sv" / "lexicon.yaml"
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    endings = data.get("query_root_endings") if isinstance(data, dict) else None
    if not (isinstance(endings, list) and endings and all(isinstance(e, str) and e for e in endings)):
        raise RuntimeError(f"{path} must give query_root_endings as a list of word endings; reinstall minutes.")
    return tuple(fold(e) for e in endings)


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer
    return snowballstemmer.stemmer("swedish")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Folded Snowball stem of one lower-case word."""
    return fold(_stemmer().stemWord(word))


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if len(w) >= 2 and not w.isdigit()]


def terms(text: str) -> Counter:
    """Index terms of a text with their counts (each part of a hyphenated word on its own)."""
    return Counter(map(stem, [p for p in _PART.findall(text.lower()) if not p.isdigit()]))


def query_terms(query: str) -> list[tuple[str, bool]]:
    """(term, prefix) for each query word: its root, matched as a prefix when long enough."""
    out: list[tuple[str, bool]] = []
    for w in words(query):
        for part in w.split("-") if "-" in w else (w,):
            s = stem(part)
            root = s
            for ending in _root_endings():
                keep = MIN_ROOT_AFTER_ONE_LETTER if len(ending) == 1 else MIN_ROOT
                if root.endswith(ending) and len(root) - len(ending) >= keep:
                    root = root[:-len(ending)]
                    break
            out.append((root, len(root) >= MIN_ROOT))
    return out


_SPAN = re.compile(r"[0-9A-Za-zÅÄÖÉÜåäöéü]{2,}")


def match_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where the words of `text` that `query` finds are, as (start, end): for highlighting a hit.

    A word matches as the search matches it: its stem equals a query root, or starts with it.
    """
    roots = query_terms(query)
    if not roots:
        return []
    spans = []
    for m in _SPAN.finditer(text):
        s = stem(m.group().lower())
        if any(s == root or (prefix and s.startswith(root)) for root, prefix in roots):
            spans.append(m.span())
    return spans
