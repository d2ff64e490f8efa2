"""Load the Swedish rule data under rules/sv/ and check it before any rule runs.

Each YAML file is data: vocabularies, labels, calendars and named patterns. A small
declarative check catches a typo in a file at load time with a message that names the
file, the entry and the problem, rather than as a wrong extraction much later.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

LANG = "sv"
# libyaml's safe loader when PyYAML was built with it: it reads the rule files ten times faster
# (60 ms of every import's start-up otherwise); the same documents, the same safety.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RuleDataError(ValueError):
    """A rule data file is malformed; the message names the file and the entry."""


@lru_cache(maxsize=None)
def load(name: str) -> Any:
    """Parsed contents of rules/sv/<name>.yaml (cached)."""
    path = resources.files("minutes.rules").joinpath(LANG, f"{name}.yaml")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise RuleDataError(f"rules/{LANG}/{name}.yaml is missing from the installation; reinstall minutes.") from e
    try:
        return yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError as e:
        raise RuleDataError(f"rules/{LANG}/{name}.yaml is not valid YAML: {e}") from e


def check(value: Any, spec: Any, where: str) -> None:
    """Validate `value` against `spec` and raise RuleDataError naming `where` on the first problem.

    A spec is a Python type (`str`, `int`, ...), a tuple of allowed literal values, a one-element
    list `[spec]` for a list of items, or a dict of key -> spec where a key ending in '?' is optional
    and the key '*' stands for any other key. The string "regex" checks that a string compiles (and
    that a leading lookahead names every letter a match can start with: `check_lookahead`).
    """
    if spec is Any:
        return
    if spec == "regex":
        if not isinstance(value, str):
            raise RuleDataError(f"{where}: expected a regular expression string, got {value!r}")
        try:
            re.compile(value)
        except re.error as e:
            raise RuleDataError(f"{where}: bad regular expression {value!r}: {e}") from e
        check_lookahead(value, where)
        return
    if isinstance(spec, tuple):
        if value not in spec:
            raise RuleDataError(f"{where}: must be one of {', '.join(map(str, spec))}; got {value!r}")
        return
    if isinstance(spec, list):
        if not isinstance(value, list):
            raise RuleDataError(f"{where}: expected a list, got {type(value).__name__}")
        for i, item in enumerate(value):
            check(item, spec[0], f"{where}[{i}]")
        return
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            raise RuleDataError(f"{where}: expected a mapping, got {type(value).__name__}")
        keys = {k.rstrip("?"): k for k in spec if k != "*"}
        for k, v in value.items():
            if k in keys:
                check(v, spec[keys[k]], f"{where}.{k}")
            elif "*" in spec:
                check(v, spec["*"], f"{where}.{k}")
            else:
                raise RuleDataError(f"{where}: unknown key {k!r} (expected one of {', '.join(sorted(keys))})")
        for k, raw in keys.items():
            if not raw.endswith("?") and k not in value:
                raise RuleDataError(f"{where}: missing required key {k!r}")
        return
    if spec is float and isinstance(value, int):
        return
    if not isinstance(value, spec):
        raise RuleDataError(f"{where}: expected {spec.__name__}, got {value!r}")


def checked(name: str, spec: Any) -> Any:
    """Load rules/sv/<name>.yaml and validate it against `spec`."""
    data = load(name)
    check(data, spec, f"rules/{LANG}/{name}.yaml")
    return data


def check_lookahead(pattern: str, where: str) -> None:
    """A regex that starts with a lookahead of its first letters, `(?=[Dd])(?i:dnr|diarienr)`,
    must name every letter a match can start with: one left out would miss those matches silently.

    The lookahead is kept by hand beside the words for speed (the engine skips ahead to those
    letters); this check keeps the two in step when a word is added.
    """
    from .text import leading_lookahead

    found = leading_lookahead(pattern)
    if found is None:
        return
    lead, rest = found
    if lead is None or rest is None:
        raise RuleDataError(f"{where}: cannot tell which letters a match of {pattern!r} starts with, so its "
                            "leading lookahead cannot be checked; remove the lookahead")
    missing = rest - lead
    if missing:
        raise RuleDataError(f"{where}: the leading lookahead of {pattern!r} leaves out {''.join(sorted(missing))!r}, "
                            "which a match can start with; add them to it")


def unique_ids(rules: list[dict], where: str) -> None:
    seen = set()
    for r in rules:
        if r["id"] in seen:
            raise RuleDataError(f"{where}: rule id {r['id']!r} is used twice")
        seen.add(r["id"])
