"""The lexicon (rules/sv/lexicon.yaml): the letters and general words of the language, and the
placeholders every pattern of the language pack may use.

A pattern names a word list by its key in capitals, `{MONTHS}` or `{PRONOUNS}`, and the
letters by `{UPPER}`, `{LOWER}`, `{ACCENTED}`, `{NAME_UPPER}`, `{NAME_LOWER}` (the contents
of a character class: `[{UPPER}]`). `fill` writes a word list as an alternation of the words
as written (for patterns over the text as written, usually with `(?i:...)`) or folded (for
patterns over folded text); folding is the loader's job, never the author's.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from minutes.text import fold

from .loader import RuleDataError, built_once, compile_regex, load_model, where
from .regex import alternation
from .schema import LexiconFile

_PLACEHOLDER = re.compile(r"\{([A-Z][A-Z_]*)\}")


class Lexicon:
    def __init__(self) -> None:
        data = load_model("lexicon", LexiconFile)
        self.data = data
        let = data.letters
        self.letters = {"UPPER": let.upper, "LOWER": let.lower, "ACCENTED": let.accented,
                        "NAME_UPPER": let.name_upper, "NAME_LOWER": let.name_lower}
        #: letters the language writes beyond ASCII: å ä ö and their capitals
        self.non_ascii_letters = frozenset(c for c in let.upper + let.lower if not c.isascii())
        self.lists: dict[str, list[str]] = {
            key.upper(): words for key, words in data.function_words.model_dump(by_alias=True).items()}
        self.lists.update({
            "ABBREVIATIONS": data.abbreviations, "QUERY_ROOT_ENDINGS": data.query_root_endings,
            "NUMBERS": list(data.numbers), "ORDINALS": list(data.ordinals),
            "MONTHS": [w for names in data.months.values() for w in names],
            "WEEKDAYS": [w for names in data.weekdays.values() for w in names],
            "PARTY_LETTERS": list(data.parties), "PARTY_NAMES": [n for n in data.parties.values() if n]})
        self.numbers = {fold(w): n for w, n in data.numbers.items()}
        self.ordinals = {fold(w): n for w, n in data.ordinals.items()}
        self.month_of = {fold(w): n for n, names in data.months.items() for w in names}
        self.parties = frozenset(data.parties)
        self.party_of_name = {fold(name): letters for letters, name in data.parties.items() if name}

    def words(self, key: str) -> list[str]:
        """A word list of the lexicon as written ("pronouns", "owner_leading", "months", ...)."""
        return self.lists[key.upper()]

    def folded(self, key: str) -> frozenset[str]:
        """A word list of the lexicon, folded: for comparing with folded text."""
        return frozenset(fold(w) for w in self.lists[key.upper()])

    def fill(self, template: str, source: str, *, folded: bool = False, words: dict[str, Iterable[str]] | None = None,
             pieces: dict[str, str] | None = None) -> str:
        """`template` with every {PLACEHOLDER} written out: `pieces` (regexes, as they are), then `words`
        and the lexicon's lists (as alternations, folded when `folded`) and letters."""
        for key, piece in (pieces or {}).items():
            template = template.replace("{" + key + "}", piece)
        extra = {k: list(v) for k, v in (words or {}).items()}

        def one(m: re.Match) -> str:
            key = m.group(1)
            if key in self.letters:
                return self.letters[key]
            found = extra.get(key, self.lists.get(key))
            if found is None:
                raise RuleDataError(f"{source}: {template!r} names {{{key}}}, which is no word list of "
                                    f"{where('lexicon')} nor of this file; check the spelling.")
            if not found:
                raise RuleDataError(f"{source}: the word list {{{key}}} is empty, so {template!r} would match "
                                    "anywhere; give it words.")
            return _alternation(tuple(found), folded)

        return _PLACEHOLDER.sub(one, template)

    def compile(self, template: str, source: str, flags: int = 0, **kwargs) -> re.Pattern:
        """`fill`, then compile; a bad pattern raises RuleDataError naming `source`."""
        return compile_regex(self.fill(template, source, **kwargs), source, flags)


@lru_cache(maxsize=256)
def _alternation(words: tuple[str, ...], folded: bool) -> str:
    """A group matching any of `words` (folded first when `folded`); a list is filled in many patterns."""
    return "(?:" + alternation(fold(w) for w in words) + ")" if folded else "(?:" + alternation(words) + ")"


@built_once
def lexicon() -> Lexicon:
    return Lexicon()


def pattern(template: str, flags: int = 0, **kwargs) -> re.Pattern:
    """A regex of the rule code with the lexicon's letters and word lists filled in (see `Lexicon.fill`)."""
    return lexicon().compile(template, "a pattern of the rules", flags, **kwargs)
