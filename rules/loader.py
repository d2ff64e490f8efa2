"""Load the Swedish language pack under rules/sv/ and validate it before any rule runs.

Each YAML file is data: a lexicon, vocabularies, labels, a calendar and named patterns. Its
shape is a pydantic model (rules/schema.py); a malformed file fails when it is loaded, with a
message that names the file, the entry and the problem, rather than as a wrong extraction
much later.
"""
from __future__ import annotations

import functools
import gc
import re
from functools import lru_cache
from importlib import resources
from typing import Any, Callable, TypeVar

import yaml

LANG = "sv"
# libyaml's safe loader when PyYAML was built with it: it reads the rule files ten times faster
# (60 ms of every import's start-up otherwise); the same documents, the same safety.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
M = TypeVar("M")
T = TypeVar("T")


class RuleDataError(ValueError):
    """A rule data file is malformed; the message names the file and the entry."""


def where(name: str) -> str:
    """How messages name a data file: rules/sv/<name>.yaml."""
    return f"rules/{LANG}/{name}.yaml"


@lru_cache(maxsize=None)
def load(name: str) -> Any:
    """Parsed contents of rules/sv/<name>.yaml (cached)."""
    path = resources.files("minutes.rules").joinpath(LANG, f"{name}.yaml")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise RuleDataError(f"{where(name)} is missing from the installation; reinstall minutes.") from e
    try:
        return yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError as e:
        raise RuleDataError(f"{where(name)} is not valid YAML: {e}") from e


def built_once(build: Callable[[], T]) -> Callable[[], T]:
    """A builder of rule data run once per process (an lru_cache) with the cyclic garbage collector
    paused: building allocates many long-lived objects and no garbage cycles, and every full
    collection it would set off scans all objects of the process (spaCy's too) for nothing."""
    @lru_cache(maxsize=1)
    @functools.wraps(build)
    def once() -> T:
        paused = gc.isenabled()
        gc.disable()
        try:
            return build()
        finally:
            if paused:
                gc.enable()
    return once


_MODELS: dict[str, Any] = {}


def load_model(name: str, model: type[M]) -> M:
    """rules/sv/<name>.yaml validated against `model` (a pydantic model of rules/schema.py), cached."""
    if name not in _MODELS:
        _MODELS[name] = validate(load(name), model, where(name))
    return _MODELS[name]


def validate(data: Any, model: type[M], source: str) -> M:
    """`data` as an instance of `model`, or RuleDataError naming `source`, the entry and the problem."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data)  # type: ignore[attr-defined]
    except ValidationError as e:
        errors = e.errors()
        first = errors[0]
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        entry = _entry(data, first["loc"])
        raise RuleDataError(f"{source}: {entry}{_problem(first)}{more}") from None


def _entry(data: Any, loc: tuple) -> str:
    """'rules[3] (sv.assignment.uppdras).owner: ' for a location in the parsed file."""
    out, node = "", data
    for part in loc:
        if part == "[key]":
            out += " (the key)"
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
        node = node[part] if isinstance(node, (list, dict)) and _has(node, part) else None
        if isinstance(part, int) and isinstance(node, dict) and isinstance(node.get("id"), str):
            out += f" ({node['id']})"
    return f"{out}: " if out else ""


def _has(node: list | dict, part: Any) -> bool:
    return part in node if isinstance(node, dict) else isinstance(part, int) and part < len(node)


def _problem(error: dict) -> str:
    msg = error["msg"]
    if error["type"] in ("value_error", "assertion_error"):  # a validator's own message, after pydantic's prefix
        msg = msg.split(", ", 1)[-1]
    if error["type"] in ("missing", "extra_forbidden"):
        return msg.lower() if error["type"] == "missing" else "unknown key (not one this file has)"
    return f"{msg}; got {error['input']!r}"


def regex_problem(pattern: str) -> str | None:
    """Why `pattern` cannot serve as a rule's regular expression, or None: it must compile, and
    its leading lookahead, if it has one, must name every letter a match can start with
    (`lookahead_problem`)."""
    try:
        re.compile(pattern)
    except re.error as e:
        return f"bad regular expression {pattern!r}: {e}"
    return lookahead_problem(pattern)


def lookahead_problem(pattern: str) -> str | None:
    """Why the leading lookahead of `pattern` is wrong, or None (also for a pattern without one).

    A regex that starts with a lookahead of its first letters, `(?=[Dd])(?i:dnr|diarienr)`, must
    name every letter a match can start with: one left out would miss those matches silently.
    The lookahead is kept by hand beside the words for speed (the engine skips ahead to those
    letters); this check keeps the two in step when a word is added.
    """
    from .regex import leading_lookahead

    found = leading_lookahead(pattern)
    if found is None:
        return None
    lead, rest = found
    if lead is None or rest is None:
        return (f"cannot tell which letters a match of {pattern!r} starts with, so its leading lookahead "
                "cannot be checked; remove the lookahead")
    missing = rest - lead
    if missing:
        return (f"the leading lookahead of {pattern!r} leaves out {''.join(sorted(missing))!r}, which a match "
                "can start with; add them to it")
    return None


def check_lookahead(pattern: str, source: str) -> None:
    """Raise RuleDataError naming `source` when the leading lookahead of `pattern` is wrong."""
    problem = lookahead_problem(pattern)
    if problem:
        raise RuleDataError(f"{source}: {problem}")


def compile_regex(pattern: str, source: str, flags: int = 0) -> re.Pattern:
    """`pattern` compiled, or RuleDataError naming `source` when it does not compile or its leading
    lookahead is wrong."""
    try:
        compiled = re.compile(pattern, flags)
    except re.error as e:
        raise RuleDataError(f"{source}: bad regular expression {pattern!r}: {e}") from e
    check_lookahead(pattern, source)
    return compiled
