"""Fuzzing: arbitrary Swedish-looking text through the rules, and damaged files through the extractors.

Nothing may crash or hang: every document either yields records or fails with one sentence,
within the per-document time limit.
"""
from __future__ import annotations

import os
import time

import pytest
from conftest import MINUTES_MD
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minutes.core.settings import Settings
from minutes.extractors.text import parse_text
from minutes.pipeline.work import Job, process
from minutes.rules import analyse

#: Every example in CI and under `make test`; a tenth of them in a quick local run (plain `pytest`).
THOROUGH = bool(os.environ.get("CI") or os.environ.get("MINUTES_THOROUGH_TESTS"))


def examples(n: int) -> int:
    return n if THOROUGH else max(20, n // 10)

# Words the rules react to, mixed with noise, so the generated text reaches the rule code.
KEYWORDS = ["Beslut:", "Beslutades att", "beslutade att", "ställer sig bakom", "godkänner", "uppdras att",
            "får i uppdrag att", "ger", "i uppdrag att", "Ansvarig:", "senast", "till nästa möte", "innan midsommar",
            "v. 34", "Q4", "under hösten", "årsskiftet", "2025-03-14", "30 september", "§ 12", "& 12", "Dnr",
            "Närvarande:", "Frånvarande:", "Ordf.", "Sekr.", "Region Östergötland", "RÖ", "SÖSR", "AS", "ÅÖ",
            "kl. 09.30–12.00", "Datum", "Plats", "Tid", "|", "-", "*", "1.", "#", "##", "Förslag till beslut",
            "Arbetsutskottets beslut", "återkommer med", "ansvarar för", "tar med sig frågan", "(", ")", ":", ","]
words = st.one_of(st.sampled_from(KEYWORDS), st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäöÅÄÖ0123456789 .",
                                                     min_size=1, max_size=12))
lines = st.lists(words, min_size=0, max_size=14).map(" ".join)
documents = st.lists(lines, min_size=1, max_size=40).map("\n".join)


@settings(max_examples=examples(150), deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_rules_never_crash_on_arbitrary_text(text):
    try:
        doc = parse_text(text)
    except Exception as e:  # an empty document is refused with a message, nothing else
        assert "no text" in str(e)
        return
    ex = analyse(doc, "fuzz.md")
    for d in ex.decisions:
        assert d.text.strip() and d.rule
    for a in ex.assignments:
        assert a.task and a.rule


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_damaged_files_fail_cleanly(make_doc, tmp_path, suffix, data):
    good = make_doc(MINUTES_MD, "ok" + suffix).read_bytes()
    damage = data.draw(st.sampled_from(["truncate", "flip", "splice"]))
    at = data.draw(st.integers(0, len(good) - 1))
    if damage == "truncate":
        bad = good[:at]
    elif damage == "flip":
        n = data.draw(st.integers(1, 64))
        bad = bytearray(good)
        for i in range(at, min(len(good), at + n)):
            bad[i] ^= 0xFF
        bad = bytes(bad)
    else:
        bad = good[:at] + data.draw(st.binary(min_size=1, max_size=256)) + good[at:]
    path = tmp_path / ("damaged" + suffix)
    path.write_bytes(bad)
    t = time.perf_counter()
    out = process(Job(str(path), len(bad), 0, settings=Settings(doc_timeout=20)))
    assert time.perf_counter() - t < 25
    assert out.status in ("extracted", "failed")
    if out.status == "failed":
        assert out.error.endswith(".") and "\n" not in out.error, out.error


# The fast text helpers must say exactly what their plain definitions say.
any_text = st.text(alphabet=st.one_of(st.sampled_from("åäöÅÄÖéÉüÜ§–’ ß½²ﬁ"), st.characters(max_codepoint=0x2FFF)),
                   max_size=40)


@settings(max_examples=examples(2000), deadline=None)
@given(any_text)
def test_fold_is_translate_by_the_table(text):
    from minutes.text.fold import _FOLD, _FOLD_ONE, fold, fold_same_length
    assert fold.__wrapped__(text) == text.translate(_FOLD).casefold()
    plain = text.translate(_FOLD_ONE).lower()
    assert fold_same_length(text) == (plain if len(plain) == len(text) else
                                      "".join(fold(c)[:1] or c for c in text))


@settings(max_examples=examples(2000), deadline=None)
@given(any_text)
def test_count_letters_is_the_length_without_non_letters(text):
    import re

    from minutes.rules.ocrfix import count_letters
    assert count_letters(text) == len(re.sub(r"[\W\d_]+", "", text))


@settings(max_examples=examples(1000), deadline=None)
@given(st.text(alphabet="ab06&@1IéèóòëåäöÅÄÖA \n.", max_size=60))
def test_ocr_suspicion_finds_what_the_lookbehind_pattern_finds(text):
    import re

    from minutes.rules.ocrfix import _SUSPICIOUS
    plain = re.compile(r"(?<=[A-Za-zåäöÅÄÖ])[06&@1]|[06&@1](?=[a-zåäö]{2})|(?<=[a-zåäö])[éèóòë](?=[a-zåäö])|"
                       r"(?<=[a-zåäö])I")
    assert [m.span() for m in _SUSPICIOUS.finditer(text)] == [m.span() for m in plain.finditer(text)]


@settings(max_examples=examples(1000), deadline=None)
@given(st.lists(st.text(alphabet="abå .*", max_size=6), max_size=8), st.text(alphabet="abå .*-", max_size=40))
def test_alternation_matches_what_the_longest_first_alternation_matches(words, text):
    import re

    from minutes.rules.text import alternation
    plain = "|".join(sorted({re.escape(w) for w in words if w}, key=len, reverse=True))
    if not plain:
        assert alternation(words) == ""
        return
    for before, after in ((r"\b", r"\b"), ("", ""), (r"(?<![\w-])", r"(?![\w-])")):
        fast = re.compile(f"{before}(?:{alternation(words)}){after}")
        slow = re.compile(f"{before}(?:{plain}){after}")
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in slow.finditer(text)]
    gap = r"[\s:]+"  # a space inside a word may stand for a gap of spaces and stray marks
    spaced = "|".join(gap.join(map(re.escape, w.split(" "))) for w in sorted(set(words), key=len, reverse=True) if w)
    fast = re.compile(rf"\b(?:{alternation(words, space=gap)})\b")
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in re.finditer(rf"\b(?:{spaced})\b", text)]


@settings(max_examples=examples(1000), deadline=None)
@given(st.lists(st.text(alphabet="abÅä", min_size=1, max_size=4), min_size=1, max_size=5),
       st.sampled_from(["", "(?i)"]), st.sampled_from(["", "?", "*"]), st.text(alphabet="abÅäAÄc ", max_size=40))
def test_first_chars_names_the_first_character_of_every_match(words, flags, repeat, text):
    import re

    from minutes.rules.text import first_chars
    pattern = f"{flags}(?:{'|'.join(map(re.escape, words))}){repeat}c"
    first = first_chars(pattern)
    assert first is not None  # never empty: the "c" ends every match
    starts = {text[m.start()] for m in re.finditer(pattern, text)}
    assert starts <= first, (pattern, text)
    if repeat:
        assert "c" in first


@settings(max_examples=examples(1000), deadline=None)
@given(st.lists(st.text(alphabet="abÅ1", min_size=1, max_size=4), min_size=1, max_size=6),
       st.text(alphabet="abÅ1 _.-", max_size=40))
def test_word_starts_finds_what_a_leading_word_boundary_finds(words, text):
    import re

    from minutes.rules.text import alternation, word_starts
    for end in (r"\b", r"(?![\wÅÄÖåäö])", ""):
        fast = [m.span() for m in word_starts(re.compile(f"(?:{alternation(words)}){end}"), text)]
        assert fast == [m.span() for m in re.finditer(rf"\b(?:{alternation(words)}){end}", text)]


@settings(max_examples=examples(1000), deadline=None)
@given(st.lists(st.sampled_from([r"\bab", "bå+", r"(?<!a)b\b", "a(b|å)a", r"(?P<x>å)b", r"(a)\1", "(?i)AB"]),
                max_size=5), st.text(alphabet="abåAB ", max_size=30))
def test_any_search_finds_what_any_of_its_patterns_finds(patterns, text):
    """Joined into one pattern or not (named groups, back-references, other flags), the answer is any()'s."""
    import re

    from minutes.rules.regex import any_search
    compiled = [re.compile(p) for p in patterns]
    assert any_search(compiled)(text) == any(rx.search(text) for rx in compiled)
