"""Words too common to tell texts apart: spaCy's Swedish stop words, and the words follow-up
linking leaves out when it compares a statement with a task.

Kept apart from the rule engines: the importing process links follow-ups and needs only these
words, so it reads spaCy's stop-word list without importing spaCy or building any rule.
"""
from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from minutes.text import fold

from .loader import RuleDataError, load, where


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's Swedish stop words, folded."""
    return frozenset(fold(w) for w in _spacy_stop_words())


def _spacy_stop_words() -> set[str]:
    """spacy/lang/sv/stop_words.py's STOP_WORDS, run as the plain module it is: importing it through
    spaCy's package would import all of spaCy first."""
    spec = importlib.util.find_spec("spacy")  # finds the package without importing it
    path = Path(spec.origin).parent / "lang" / "sv" / "stop_words.py" if spec and spec.origin else None
    if path is None or not path.is_file():
        from spacy.lang.sv.stop_words import STOP_WORDS
        return set(STOP_WORDS)
    namespace: dict = {}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    return set(namespace["STOP_WORDS"])


@lru_cache(maxsize=1)
def ignored_words() -> frozenset[str]:
    """Words the linking leaves out when it compares a statement with a task: Swedish stop words and the
    generic words of rules/sv/followups.yaml, folded. The importer hands them to warehouse/followups.py.
    Read from the YAML as it is (the rules validate the whole file when they load)."""
    generic = load("followups").get("generic_words", [])
    if not (isinstance(generic, list) and all(isinstance(w, str) for w in generic)):
        raise RuleDataError(f"{where('followups')}: generic_words: must be a list of words")
    return stop_words() | frozenset(fold(w) for w in generic)
