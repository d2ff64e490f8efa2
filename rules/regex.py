"""Regular expressions the language pack builds: word alternations, folded patterns, and the
letters a pattern can start with (to check a hand-written leading lookahead)."""
from __future__ import annotations

import re
from typing import Callable, Iterable, Iterator

from minutes.text import fold


# kept as written: group names, (?P<name> and (?P=name), and placeholders such as {MONTHS}
_AS_WRITTEN = re.compile(r"\(\?P[<=][^>)]*[>)]|\{[A-Z][A-Z_]*\}")


def fold_regex(pattern: str) -> str:
    """Fold the letters of a regular expression written with å ä ö, leaving escapes (\\b, \\S), group
    names and {PLACEHOLDERS} alone, so that it matches folded text."""
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if pattern[i] in "({" and (m := _AS_WRITTEN.match(pattern, i)):
            out.append(m.group())
            i = m.end()
            continue
        out.append(fold(pattern[i])[:1] or pattern[i])
        i += 1
    return "".join(out)


def alternation(words: Iterable[str], space: str | None = None) -> str:
    """A regex for any of `words`, the longest first, their shared beginnings written once.

    "ansvar", "ansvarig", "ansvariga" become "ansvar(?:ig(?:a)?)?": Python's regex engine then
    reads each beginning once instead of once per word (1.7 times faster for a 37-word gate).
    Matches are those of "|".join(longest first). `space`, when given, is the regex written
    for a space inside a word, e.g. one that also allows OCR's stray marks between words.
    """
    trie: dict = {}
    for word in words:
        if word:
            node = trie
            for ch in word:
                node = node.setdefault(ch, {})
            node[""] = {}  # a word ends here
    return _trie_regex(trie, space)


def _trie_regex(node: dict, space: str | None) -> str:
    alts = [(space if ch == " " and space else re.escape(ch)) + _trie_regex(child, space)
            for ch, child in sorted(node.items()) if ch]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return f"(?:{body})?" if "" in node else body  # greedy: a longer word is tried first


_UNJOINABLE = re.compile(r"\\\d|\(\?P=|^\(\?[aiLmsux]+\)")  # a back-reference or flags written inline


def any_search(patterns: list[re.Pattern]) -> Callable[[str], bool]:
    """Whether any of `patterns` is found in a text, in one scan when they can be joined into one
    pattern (same flags, none written inline; no named groups or back-references), else one scan a pattern."""
    joinable = patterns and len({p.flags for p in patterns}) == 1 and not any(
        p.groupindex or _UNJOINABLE.search(p.pattern) for p in patterns)
    if not joinable:
        return lambda text: any(p.search(text) for p in patterns)
    joined = re.compile("|".join(f"(?:{p.pattern})" for p in patterns), patterns[0].flags)
    return lambda text: joined.search(text) is not None


def word_starts(rx: re.Pattern, text: str) -> Iterator[re.Match]:
    """The matches of `rx` that begin a word: what "\b" + rx finds, for an `rx` that starts
    with a letter, but three times faster. A leading \b stops Python's regex engine from
    skipping ahead to the letters a match can start with; here it skips, and a match found
    inside a word is dropped and the search goes on from its next character."""
    pos = 0
    while (m := rx.search(text, pos)) is not None:
        start = m.start()
        if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
            pos = start + 1
            continue
        yield m
        pos = max(m.end(), start + 1)


def first_chars(pattern: str) -> set[str] | None:
    """The characters a match of `pattern` can start with, or None when any could (\\w, a dot, an
    empty match) or the pattern is beyond this reading (back-references).

    Lets the rule loader check a hand-written lookahead such as `(?=[Dd])` against the words after it.
    """
    from re import _parser  # Python's own regex parser, the same tree re.compile builds from

    tree = _parser.parse(pattern)
    return _first_chars(list(tree), tree.state.flags)


def leading_lookahead(pattern: str) -> tuple[set[str] | None, set[str] | None] | None:
    """For a pattern that starts with a lookahead of a set of characters, `(?=[Dd])...`: that set
    and the characters the rest can start with (`first_chars`); None for any other pattern."""
    from re import _constants as c
    from re import _parser

    if not pattern.startswith("(?=["):
        return None  # most patterns: not parsed at all
    tree = _parser.parse(pattern)
    items = list(tree)
    head = list(items[0][1][1])  # "[Dd]", or "[d]", which the parser reads as the letter d
    if len(head) != 1 or head[0][0] not in (c.IN, c.LITERAL):
        return None
    return _first_chars(head, 0), _first_chars(items[1:], tree.state.flags)


def _first_chars(items: list, flags: int) -> set[str] | None:
    chars, nullable = _first_of(items, bool(flags & re.IGNORECASE))
    return None if chars is None or nullable else chars


def _first_of(items: list, ignore_case: bool) -> tuple[set[str] | None, bool]:
    """(first characters, whether the sequence can match empty) of a parsed regex sequence."""
    from re import _constants as c

    out: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            chars, nullable = _cased({chr(av)}, ignore_case), False
        elif op is c.IN:
            chars, nullable = _cased(_class_chars(av), ignore_case), False
        elif op is c.BRANCH:
            firsts = [_first_of(branch, ignore_case) for branch in av[1]]
            if any(f is None for f, _ in firsts):
                return None, False
            chars, nullable = set().union(*(f for f, _ in firsts)), any(n for _, n in firsts)
        elif op is c.SUBPATTERN:  # a group, maybe with its own flags: (?i:...)
            _, add, remove, sub = av
            case = (ignore_case or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE
            chars, nullable = _first_of(list(sub), case)  # the letters inside carry their own case
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            chars, nullable = _first_of(list(av[2]), ignore_case)
            nullable = nullable or av[0] == 0
        elif op is c.ATOMIC_GROUP:
            chars, nullable = _first_of(list(av), ignore_case)
        elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            chars, nullable = set(), True  # zero width: the next item decides
        else:  # any character, a category, a back-reference
            return None, False
        if chars is None:
            return None, False
        out |= chars
        if not nullable:
            return out, False
    return out, True


def _cased(chars: set[str] | None, ignore_case: bool) -> set[str] | None:
    """The characters and, when case is ignored, their other cases."""
    if chars is None or not ignore_case:
        return chars
    return {v for ch in chars for v in (ch, ch.lower(), ch.upper())}


def _class_chars(items: list) -> set[str] | None:
    from re import _constants as c

    out: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            out.add(chr(av))
        elif op is c.RANGE and av[1] - av[0] <= 256:
            out.update(chr(i) for i in range(av[0], av[1] + 1))
        else:  # a negated class, \d, \w, a wide range
            return None
    return out
