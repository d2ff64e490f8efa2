"""The words follow-up linking leaves out are read without spaCy or any rule engine: the importing
process links follow-ups after every import, and loading spaCy there would double a cold import."""
from __future__ import annotations

import subprocess
import sys


def test_the_linking_words_load_without_spacy_or_the_rules():
    code = ("import sys; from minutes.rules.stop_words import ignored_words; words = ignored_words(); "
            "print(len(words), 'och' in words, sorted(m for m in ('spacy', 'pydantic', 'minutes.rules.matcher') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert int(out[0]) > 300 and out[1] == "True" and out[2] == "[]", out


def test_the_stop_words_are_spacys_swedish_ones_folded():
    from spacy.lang.sv.stop_words import STOP_WORDS

    from minutes.rules.stop_words import stop_words
    from minutes.text import fold
    assert stop_words() == frozenset(fold(w) for w in STOP_WORDS)
    assert "dar" in stop_words() and "där" not in stop_words()  # folded, as the linking compares words
